package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.batchAt;
import static dev.spool.storage.LogTestSupport.concat;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.offsets;
import static dev.spool.storage.LogTestSupport.readAll;
import static dev.spool.storage.LogTestSupport.snapshot;
import static dev.spool.storage.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogAppendTest {
    private static final long T0 = 1_700_000_000_000L;
    /** Small index files so that directory snapshots stay cheap. */
    private static final int INDEX_BYTES = 4096;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;

    private Log open(Object... kv) throws Exception {
        Object[] all = new Object[kv.length + 2];
        all[0] = LogConfig.SEGMENT_INDEX_BYTES;
        all[1] = INDEX_BYTES;
        System.arraycopy(kv, 0, all, 2, kv.length);
        log = LogTestSupport.open(dir, config(all), time, LogLoader.LoadParams.FRESH);
        return log;
    }

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    private static String tag(int i) {
        return LogTestSupport.tag("b", 3, i);
    }

    private static int batchSize() {
        return batch(tag(0), 3, T0).remaining();
    }

    @Test
    void offsetsAreContiguousAcrossAppendsAndRolls() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 3 * batchSize() + 10);
        List<String> expected = new ArrayList<>();
        long next = 0;
        for (int i = 0; i < 20; i++) {
            // alternate single-batch and two-batch appends
            ByteBuffer b = i % 2 == 0 ? batch(tag(i), 3, T0) : concat(batch(tag(i), 3, T0), batch(tag(i), 2, T0));
            AppendResult r = log.appendAsLeader(b, 0);
            assertThat(r.ok()).as(r.message()).isTrue();
            assertThat(r.firstOffset()).isEqualTo(next);
            next += i % 2 == 0 ? 3 : 5;
            assertThat(r.lastOffset()).isEqualTo(next - 1);
            for (int k = 0; k < 3; k++) {
                expected.add(tag(i) + "-" + k);
            }
            if (i % 2 == 1) {
                expected.add(tag(i) + "-0");
                expected.add(tag(i) + "-1");
            }
        }
        assertThat(log.logEndOffset()).isEqualTo(next);
        assertThat(log.numberOfSegments()).isGreaterThan(5);
        assertThat(offsets(log))
                .containsExactlyElementsOf(LongStream.range(0, next).boxed().toList());
        assertThat(values(log)).containsExactlyElementsOf(expected);
        // every segment starts at the offset its first batch carries
        for (long base : log.segmentBaseOffsets()) {
            ReadResult r = log.read(base, 1, log.logEndOffset(), true);
            assertThat(RecordBatch.baseOffset(r.slice().readFully(), 0)).isEqualTo(base);
        }
    }

    @Test
    void rollsWhenTheNextAppendWouldPassSegmentBytes() throws Exception {
        int size = batchSize();
        open(LogConfig.SEGMENT_BYTES, 3 * size);
        for (int i = 0; i < 7; i++) {
            log.appendAsLeader(batch(tag(i), 3, T0), 0);
        }
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 9L, 18L);
        assertThat(log.size()).isEqualTo(7L * size);
    }

    @Test
    void appendLargerThanSegmentBytesIsRejected() throws Exception {
        int size = batchSize();
        open(LogConfig.SEGMENT_BYTES, 2 * size - 1);
        AppendResult r = log.appendAsLeader(concat(batch(tag(0), 3, T0), batch(tag(1), 3, T0)), 0);
        assertThat(r.error()).isEqualTo(BatchError.TOO_LARGE);
        assertThat(r.message()).contains("segment.bytes");
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void appendResultForCreateTime() throws Exception {
        open();
        log.appendAsLeader(batch(tag(0), 4, T0), 0);
        AppendResult r = log.appendAsLeader(batch(tag(1), 2, T0 - 5000), 7);
        assertThat(r).isEqualTo(new AppendResult(BatchError.NONE, null, 4, 5, -1, 0));
        assertThat(r.ok()).isTrue();
        ByteBuffer stored =
                log.read(4, 1 << 20, log.logEndOffset(), true).slice().readFully();
        assertThat(RecordBatch.partitionLeaderEpoch(stored, 0)).isEqualTo(7);
        assertThat(RecordBatch.maxTimestamp(stored, 0)).isEqualTo(T0 - 4999);
        assertThat(RecordBatch.isLogAppendTime(stored, 0)).isFalse();
    }

    @Test
    void appendResultCarriesTheLogStartOffset() throws Exception {
        open();
        log.appendAsLeader(batch(tag(0), 4, T0), 0);
        log.updateHighWatermark(4);
        log.deleteRecordsBefore(2);
        AppendResult r = log.appendAsLeader(batch(tag(1), 1, T0), 0);
        assertThat(r.logStartOffset()).isEqualTo(2);
        assertThat(r.firstOffset()).isEqualTo(4);
    }

    @Test
    void logAppendTimeStampsTheClockAndKeepsTheCrcValid() throws Exception {
        open(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime");
        time.sleep(12_345);
        ByteBuffer in = concat(batch(tag(0), 3, T0 - 100_000), batch(tag(1), 2, T0 + 999_999));
        AppendResult r = log.appendAsLeader(in, 3);
        assertThat(r.ok()).isTrue();
        assertThat(r.logAppendTime()).isEqualTo(T0 + 12_345);
        ByteBuffer stored = readAll(log, 0);
        int pos = 0;
        int batches = 0;
        while (pos < stored.limit()) {
            assertThat(RecordBatch.isLogAppendTime(stored, pos)).isTrue();
            assertThat(RecordBatch.maxTimestamp(stored, pos)).isEqualTo(T0 + 12_345);
            assertThat(RecordBatch.partitionLeaderEpoch(stored, pos)).isEqualTo(3);
            assertThat(BatchValidator.checkIntact(stored, pos, stored.limit())).isNull();
            assertThat(RecordBatch.crc(stored, pos)).isEqualTo(RecordBatch.computeCrc(stored, pos));
            pos += RecordBatch.sizeInBytes(stored, pos);
            batches++;
        }
        assertThat(batches).isEqualTo(2);
        // every record reads back with the append time
        assertThat(dev.spool.protocol.adapter.KafkaRecords.decode(stored))
                .allSatisfy(rec -> assertThat(rec.timestamp()).isEqualTo(T0 + 12_345));
    }

    @Test
    void corruptBatchIsRejectedAndTheLogIsByteForByteUnchanged() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 3 * batchSize());
        for (int i = 0; i < 4; i++) {
            log.appendAsLeader(batch(tag(i), 3, T0), 0);
        }
        SortedMap<String, String> before = snapshot(dir);
        long end = log.logEndOffset();

        ByteBuffer bad = batch("bad", 3, T0);
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x5a)); // flip a value byte under the CRC
        AppendResult r = log.appendAsLeader(bad, 0);
        assertThat(r.error()).isEqualTo(BatchError.CORRUPT);
        assertThat(r.message()).contains("CRC");
        assertThat(r.firstOffset()).isEqualTo(-1);

        // a good batch followed by a bad one: neither is written
        ByteBuffer mixed = concat(batch("good", 3, T0), bad);
        assertThat(log.appendAsLeader(mixed, 0).error()).isEqualTo(BatchError.CORRUPT);

        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(snapshot(dir)).isEqualTo(before);
        assertThat(log.appendAsLeader(batch("after", 1, T0), 0).firstOffset()).isEqualTo(end);
    }

    @Test
    void batchLargerThanMaxMessageBytesIsRejectedAndTheLogIsUnchanged() throws Exception {
        int size = batchSize();
        open(LogConfig.MAX_MESSAGE_BYTES, size);
        log.appendAsLeader(batch(tag(0), 3, T0), 0);
        SortedMap<String, String> before = snapshot(dir);

        AppendResult r = log.appendAsLeader(batch(tag(1), 4, T0), 0);
        assertThat(r.error()).isEqualTo(BatchError.TOO_LARGE);
        assertThat(r.message()).contains("max.message.bytes");
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(snapshot(dir)).isEqualTo(before);
        // exactly max.message.bytes is fine
        assertThat(log.appendAsLeader(batch(tag(2), 3, T0), 0).ok()).isTrue();
    }

    @Test
    void emptyAppendIsRejected() throws Exception {
        open();
        assertThat(log.appendAsLeader(ByteBuffer.allocate(0), 0).error()).isEqualTo(BatchError.CORRUPT);
        assertThat(log.appendAsFollower(ByteBuffer.allocate(0)).error()).isEqualTo(BatchError.CORRUPT);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void appendAsFollowerKeepsOffsetsAndEpochs() throws Exception {
        open();
        ByteBuffer b0 = batchAt(0, tag(0), 3, T0);
        RecordBatch.setPartitionLeaderEpoch(b0, 0, 4);
        AppendResult r = log.appendAsFollower(b0);
        assertThat(r).isEqualTo(new AppendResult(BatchError.NONE, null, 0, 2, -1, 0));
        // a gap (e.g. compacted away on the leader) is kept as it is
        AppendResult r2 = log.appendAsFollower(concat(batchAt(5, tag(1), 2, T0), batchAt(7, tag(2), 1, T0)));
        assertThat(r2.firstOffset()).isEqualTo(5);
        assertThat(r2.lastOffset()).isEqualTo(7);
        assertThat(log.logEndOffset()).isEqualTo(8);
        assertThat(offsets(log)).containsExactly(0L, 1L, 2L, 5L, 6L, 7L);
        ByteBuffer stored = log.read(0, 1, 8, true).slice().readFully();
        assertThat(RecordBatch.partitionLeaderEpoch(stored, 0)).isEqualTo(4);
    }

    @Test
    void appendAsFollowerRejectsOffsetsBelowTheEndAndBackwardsBatches() throws Exception {
        open();
        log.appendAsFollower(batchAt(0, tag(0), 3, T0));
        SortedMap<String, String> before = snapshot(dir);

        AppendResult below = log.appendAsFollower(batchAt(2, tag(1), 3, T0));
        assertThat(below.error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(below.message()).contains("below the log end offset 3");

        AppendResult backwards = log.appendAsFollower(concat(batchAt(10, tag(2), 3, T0), batchAt(11, tag(3), 1, T0)));
        assertThat(backwards.error()).isEqualTo(BatchError.INVALID_RECORD);

        ByteBuffer corrupt = batchAt(3, tag(4), 3, T0);
        corrupt.put(corrupt.limit() - 1, (byte) 0x7f);
        assertThat(log.appendAsFollower(corrupt).error()).isEqualTo(BatchError.CORRUPT);

        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(snapshot(dir)).isEqualTo(before);
    }

    @Test
    void flushMessagesOneMovesTheRecoveryPointAfterEveryAppend() throws Exception {
        open(LogConfig.FLUSH_MESSAGES, 1);
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch(tag(i), 2, T0), 0);
            assertThat(log.recoveryPoint()).isEqualTo(log.logEndOffset());
        }
    }

    @Test
    void flushMessagesCountsRecords() throws Exception {
        open(LogConfig.FLUSH_MESSAGES, 5);
        log.appendAsLeader(batch(tag(0), 3, T0), 0);
        assertThat(log.recoveryPoint()).isZero();
        log.appendAsLeader(batch(tag(1), 3, T0), 0);
        assertThat(log.recoveryPoint()).isEqualTo(6);
        log.appendAsLeader(batch(tag(2), 3, T0), 0);
        assertThat(log.recoveryPoint()).isEqualTo(6);
    }

    @Test
    void defaultConfigDoesNotFlushUntilAsked() throws Exception {
        open();
        log.appendAsLeader(batch(tag(0), 3, T0), 0);
        assertThat(log.recoveryPoint()).isZero();
        log.flush();
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void flushByTimeWaitsForFlushMs() throws Exception {
        open(LogConfig.FLUSH_MS, 1000);
        log.appendAsLeader(batch(tag(0), 3, T0), 0);
        time.sleep(999);
        log.maybeFlushByTime();
        assertThat(log.recoveryPoint()).isZero();
        time.sleep(1);
        log.maybeFlushByTime();
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void updateHighWatermarkClampsToTheLogBounds() throws Exception {
        open();
        log.appendAsLeader(batch(tag(0), 5, T0), 0);
        assertThat(log.highWatermark()).isZero();
        assertThat(log.updateHighWatermark(3)).isEqualTo(3);
        assertThat(log.updateHighWatermark(99)).isEqualTo(5);
        assertThat(log.highWatermark()).isEqualTo(5);
        log.deleteRecordsBefore(2);
        assertThat(log.updateHighWatermark(1)).isEqualTo(2);
        assertThat(log.updateHighWatermark(-7)).isEqualTo(2);
    }

    @Test
    void explicitRollStartsASegmentAtTheLogEndAndIgnoresAnEmptyActiveSegment() throws Exception {
        open();
        log.appendAsLeader(batch(tag(0), 3, T0), 0);
        log.roll();
        log.roll();
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 3L);
        assertThat(log.appendAsLeader(batch(tag(1), 1, T0), 0).firstOffset()).isEqualTo(3);
        assertThat(offsets(log)).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void rollsBySegmentMs() throws Exception {
        open(LogConfig.SEGMENT_MS, 60_000);
        log.appendAsLeader(batch(tag(0), 1, time.milliseconds()), 0);
        time.sleep(60_000);
        log.appendAsLeader(batch(tag(1), 1, time.milliseconds()), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        time.sleep(1);
        log.appendAsLeader(batch(tag(2), 1, time.milliseconds()), 0);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
    }
}
