package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lock-free reads against a log that is being appended to and rolled never see a partial batch. */
class LogConcurrentReadTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int BATCHES = 6000;
    private static final int READERS = 2;

    @TempDir
    Path dir;

    @Test
    void readersSeeOnlyWholeContiguousBatches() throws Exception {
        int size = batch("b", 3, T0).remaining();
        LogConfig cfg = config(
                LogConfig.SEGMENT_BYTES,
                20 * size,
                LogConfig.INDEX_INTERVAL_BYTES,
                3 * size,
                LogConfig.SEGMENT_INDEX_BYTES,
                4096);
        Log log = LogTestSupport.open(dir, cfg, new MockTime(T0), LogLoader.LoadParams.FRESH);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] reads = new long[READERS];
        Thread[] readers = new Thread[READERS];
        for (int t = 0; t < READERS; t++) {
            int id = t;
            readers[t] = new Thread(() -> {
                try {
                    long next = 0;
                    while (!done.get() || next < log.logEndOffset()) {
                        long end = log.logEndOffset();
                        ReadResult r = log.read(next, 7 * size, end, true);
                        assertThat(r.ok())
                                .as("read at %d of [0, %d)", next, end)
                                .isTrue();
                        if (r.sizeInBytes() == 0) {
                            assertThat(next).isEqualTo(end);
                            continue;
                        }
                        ByteBuffer b = r.slice().readFully();
                        int pos = 0;
                        while (pos < b.limit()) {
                            assertThat(BatchValidator.checkIntact(b, pos, b.limit()))
                                    .isNull();
                            assertThat(RecordBatch.baseOffset(b, pos)).isEqualTo(next);
                            next = RecordBatch.nextOffset(b, pos);
                            pos += RecordBatch.sizeInBytes(b, pos);
                        }
                        assertThat(next).isLessThanOrEqualTo(end);
                        reads[id]++;
                    }
                } catch (Exception | AssertionError e) {
                    failure.set(e);
                }
            });
            readers[t].start();
        }
        try {
            for (int i = 0; i < BATCHES && failure.get() == null; i++) {
                assertThat(log.appendAsLeader(batch("b", 3, T0 + i), 0).ok()).isTrue();
            }
        } finally {
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("reader failed", failure.get());
        }
        assertThat(log.logEndOffset()).isEqualTo(3L * BATCHES);
        assertThat(log.numberOfSegments()).isEqualTo(BATCHES / 20);
        assertThat(java.util.Arrays.stream(reads).min().getAsLong()).isPositive();
        log.close();
    }
}
