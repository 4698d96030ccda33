package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.bytes;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.tag;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReadTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;
    /** The stored form of each appended batch (offsets assigned), in order. */
    private final List<ByteBuffer> stored = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    private static int batchSize() {
        return batch("b00", 3, T0).remaining();
    }

    /** Opens a log and appends {@code n} batches of 3 records (offsets 0-2, 3-5, ...). */
    private void openWith(int n, Object... kv) throws Exception {
        log = LogTestSupport.open(dir, config(kv), time, LogLoader.LoadParams.FRESH);
        for (int i = 0; i < n; i++) {
            ByteBuffer b = batch(tag("b", 2, i), 3, T0 + i);
            log.appendAsLeader(b, 0);
            stored.add(b);
        }
    }

    private byte[] storedBytes(int from, int to) {
        ByteBuffer out = ByteBuffer.allocate(batchSize() * (to - from));
        for (int i = from; i < to; i++) {
            out.put(stored.get(i).duplicate());
        }
        return out.array();
    }

    private static List<Long> offsetsIn(ReadResult r) throws Exception {
        return KafkaRecords.decode(r.slice().readFully()).stream()
                .map(KafkaRecords.DecodedRecord::offset)
                .toList();
    }

    @Test
    void readReturnsTheStoredBytesOfWholeBatches() throws Exception {
        openWith(4);
        ReadResult r = log.read(4, 1 << 20, log.logEndOffset(), false);
        assertThat(r.ok()).isTrue();
        assertThat(r.logStartOffset()).isZero();
        assertThat(r.logEndOffset()).isEqualTo(12);
        assertThat(bytes(r.slice().readFully())).isEqualTo(storedBytes(1, 4));
        assertThat(offsetsIn(r)).startsWith(3L, 4L, 5L, 6L).endsWith(11L);
    }

    @Test
    void readAtTheLogEndIsEmpty() throws Exception {
        openWith(2);
        ReadResult r = log.read(6, 1 << 20, log.logEndOffset(), true);
        assertThat(r.status()).isEqualTo(ReadResult.Status.OK);
        assertThat(r.sizeInBytes()).isZero();
        assertThat(r.slice()).isNotNull();
    }

    @Test
    void readOfAnEmptyLogIsEmpty() throws Exception {
        openWith(0);
        ReadResult r = log.read(0, 1 << 20, 0, true);
        assertThat(r.ok()).isTrue();
        assertThat(r.sizeInBytes()).isZero();
    }

    @Test
    void readBeyondTheEndIsOutOfRange() throws Exception {
        openWith(2);
        ReadResult r = log.read(7, 1 << 20, Long.MAX_VALUE, true);
        assertThat(r.status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
        assertThat(r.ok()).isFalse();
        assertThat(r.slice()).isNull();
        assertThat(r.sizeInBytes()).isZero();
        assertThat(r.logStartOffset()).isZero();
        assertThat(r.logEndOffset()).isEqualTo(6);
    }

    @Test
    void readBelowTheLogStartIsOutOfRange() throws Exception {
        openWith(4);
        log.updateHighWatermark(12);
        assertThat(log.deleteRecordsBefore(5)).isEqualTo(5);
        ReadResult r = log.read(4, 1 << 20, 12, true);
        assertThat(r.status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
        assertThat(r.logStartOffset()).isEqualTo(5);
        // at the start offset: the batch holding it, whole
        ReadResult at = log.read(5, 1 << 20, 12, true);
        assertThat(at.ok()).isTrue();
        assertThat(offsetsIn(at).get(0)).isEqualTo(3L);
    }

    @Test
    void upperBoundBelowTheLogEndHidesLaterBatches() throws Exception {
        openWith(4);
        log.updateHighWatermark(6);
        long hw = log.highWatermark();
        ReadResult r = log.read(0, 1 << 20, hw, true);
        assertThat(bytes(r.slice().readFully())).isEqualTo(storedBytes(0, 2));
        ReadResult r2 = log.read(4, 1 << 20, hw, true);
        assertThat(bytes(r2.slice().readFully())).isEqualTo(storedBytes(1, 2));
        // at the high watermark: nothing yet, but in range
        ReadResult atHw = log.read(6, 1 << 20, hw, true);
        assertThat(atHw.ok()).isTrue();
        assertThat(atHw.sizeInBytes()).isZero();
        // above the high watermark but below the end: in range, nothing visible
        ReadResult aboveHw = log.read(9, 1 << 20, hw, true);
        assertThat(aboveHw.ok()).isTrue();
        assertThat(aboveHw.sizeInBytes()).isZero();
        // a follower reads up to the log end
        assertThat(log.read(6, 1 << 20, log.logEndOffset(), true).sizeInBytes()).isEqualTo(2 * batchSize());
    }

    @Test
    void upperBoundInALaterSegmentAndReadsStayInOneSegment() throws Exception {
        openWith(9, LogConfig.SEGMENT_BYTES, 3 * batchSize());
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 9L, 18L);
        log.updateHighWatermark(21);
        ReadResult first = log.read(0, 1 << 20, log.highWatermark(), true);
        assertThat(bytes(first.slice().readFully())).isEqualTo(storedBytes(0, 3));
        ReadResult last = log.read(18, 1 << 20, log.highWatermark(), true);
        assertThat(bytes(last.slice().readFully())).isEqualTo(storedBytes(6, 7));
        // the high watermark at a segment boundary
        log.updateHighWatermark(18);
        ReadResult middle = log.read(10, 1 << 20, log.highWatermark(), true);
        assertThat(bytes(middle.slice().readFully())).isEqualTo(storedBytes(3, 6));
        assertThat(log.read(18, 1 << 20, log.highWatermark(), true).sizeInBytes())
                .isZero();
    }

    @Test
    void readInAnEmptyActiveSegmentAfterARoll() throws Exception {
        openWith(2);
        log.roll();
        ReadResult r = log.read(6, 1 << 20, log.logEndOffset(), true);
        assertThat(r.ok()).isTrue();
        assertThat(r.sizeInBytes()).isZero();
        ReadResult earlier = log.read(3, 1 << 20, log.logEndOffset(), true);
        assertThat(bytes(earlier.slice().readFully())).isEqualTo(storedBytes(1, 2));
    }

    @Test
    void maxBytesBelowTheFirstBatch() throws Exception {
        openWith(3);
        ReadResult one = log.read(3, 1, log.logEndOffset(), true);
        assertThat(bytes(one.slice().readFully())).isEqualTo(storedBytes(1, 2));
        ReadResult none = log.read(3, 1, log.logEndOffset(), false);
        assertThat(none.ok()).isTrue();
        assertThat(none.sizeInBytes()).isZero();
    }

    @Test
    void maxBytesCutsAtAWholeBatch() throws Exception {
        openWith(5);
        int size = batchSize();
        ReadResult r = log.read(0, 3 * size - 1, log.logEndOffset(), true);
        assertThat(bytes(r.slice().readFully())).isEqualTo(storedBytes(0, 2));
        ReadResult exact = log.read(0, 3 * size, log.logEndOffset(), true);
        assertThat(bytes(exact.slice().readFully())).isEqualTo(storedBytes(0, 3));
    }

    @Test
    void sliceTransfersToAChannel() throws Exception {
        openWith(3);
        ReadResult r = log.read(0, 1 << 20, log.logEndOffset(), true);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long sent = r.slice().transferTo(java.nio.channels.Channels.newChannel(out));
        assertThat(sent).isEqualTo(3L * batchSize());
        assertThat(out.toByteArray()).isEqualTo(storedBytes(0, 3));
    }
}
