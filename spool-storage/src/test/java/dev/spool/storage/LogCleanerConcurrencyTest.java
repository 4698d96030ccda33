package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.latest;
import static dev.spool.storage.CleanerTestSupport.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.storage.CleanerTestSupport.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner swaps segments while a producer appends and rolls and a consumer reads from the log
 * start: reads always see strictly increasing offsets, nothing goes offline, and at the end the key →
 * value map is the producer's.
 */
class LogCleanerConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void cleaningWhileAppendingAndReading() throws Exception {
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        LogConfig config = LogTestSupport.config(
                LogConfig.CLEANUP_POLICY,
                "compact",
                LogConfig.SEGMENT_BYTES,
                2048,
                LogConfig.SEGMENT_INDEX_BYTES,
                4096);
        Log log = LogLoader.load(
                dir.resolve(LogTestSupport.TP.dirName()),
                LogTestSupport.TP,
                config,
                LogEnv.of(Time.SYSTEM).withBackground(background),
                LogLoader.LoadParams.FRESH);
        List<Write> written = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        // Bounded work for the other threads: a permit every few appends (they still run concurrently).
        Semaphore cleanPermits = new Semaphore(0);
        Semaphore readPermits = new Semaphore(0);
        try {
            Future<?> producer = threads.submit(() -> {
                for (int i = 0; i < 1000; i++) {
                    Write w = new Write("k" + (i % 25), "v" + i);
                    log.appendAsLeader(CleanerTestSupport.batch(1_700_000_000_000L, List.of(w)), 0);
                    written.add(w);
                    log.updateHighWatermark(log.logEndOffset());
                    if (i % 150 == 0) {
                        cleanPermits.release();
                    }
                    if (i % 50 == 0) {
                        readPermits.release();
                    }
                }
                done.set(true);
                cleanPermits.release();
                readPermits.release();
                return null;
            });
            Future<Integer> cleaner = threads.submit(() -> {
                LogCleaner c = new LogCleaner(Time.SYSTEM, 100);
                int rewritten = 0;
                while (!done.get()) {
                    cleanPermits.acquire();
                    rewritten += c.clean(log).segmentsRewritten();
                }
                return rewritten;
            });
            Future<Integer> consumer = threads.submit(() -> {
                int reads = 0;
                while (!done.get()) {
                    readPermits.acquire();
                    long hw = log.highWatermark();
                    long next = log.logStartOffset();
                    long last = -1;
                    while (next < hw) {
                        ReadResult r = log.read(next, 4096, hw, true);
                        assertThat(r.ok()).isTrue();
                        java.nio.ByteBuffer b = r.slice().readFully();
                        List<KafkaRecords.DecodedRecord> records = KafkaRecords.decode(b);
                        for (KafkaRecords.DecodedRecord rec : records) {
                            assertThat(rec.offset()).isGreaterThan(last);
                            last = rec.offset();
                        }
                        int pos = 0;
                        while (pos < b.limit()) {
                            next = dev.spool.protocol.record.RecordBatch.nextOffset(b, pos);
                            pos += dev.spool.protocol.record.RecordBatch.sizeInBytes(b, pos);
                        }
                    }
                    reads++;
                }
                return reads;
            });
            producer.get(60, TimeUnit.SECONDS);
            int rewritten = cleaner.get(60, TimeUnit.SECONDS);
            assertThat(consumer.get(60, TimeUnit.SECONDS)).isPositive();
            assertThat(rewritten).isPositive();
            assertThat(log.isOffline()).isFalse();
            log.roll();
            log.updateHighWatermark(log.logEndOffset());
            new LogCleaner(Time.SYSTEM, 100).clean(log);
            assertThat(latest(log)).isEqualTo(model(written));
            assertThat(log.logEndOffset()).isEqualTo(1000);
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
            log.close();
            background.shutdownNow();
        }
    }
}
