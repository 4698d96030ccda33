package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTimestampTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    private Log open(Object... kv) throws Exception {
        log = LogTestSupport.open(dir, config(kv), time, LogLoader.LoadParams.FRESH);
        return log;
    }

    /** Records with the given timestamps (relative to T0). */
    private static List<SimpleRecord> records(long... relativeTimestamps) {
        List<SimpleRecord> out = new ArrayList<>();
        for (long ts : relativeTimestamps) {
            out.add(new SimpleRecord(T0 + ts, null, ("v" + ts).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private void append(ByteBuffer batch) throws Exception {
        AppendResult r = log.appendAsLeader(batch, 0);
        assertThat(r.ok()).as(r.message()).isTrue();
    }

    private static Log.TimestampOffset at(long relativeTs, long offset) {
        return new Log.TimestampOffset(T0 + relativeTs, offset);
    }

    /**
     * Offsets 0-2 at 10,20,30; 3-5 at 50,40,45 (max in the middle); 6-7 at 60,70; segment.bytes holds
     * about one batch, so the batches land in different segments.
     */
    private void openWithThreeBatches(Object... kv) throws Exception {
        open(kv);
        append(BatchBuilder.build(records(10, 20, 30)));
        append(BatchBuilder.build(records(50, 40, 45)));
        append(BatchBuilder.build(records(60, 70)));
    }

    @Test
    void specialTimestamps() throws Exception {
        openWithThreeBatches();
        log.updateHighWatermark(8);
        log.deleteRecordsBefore(2);
        assertThat(log.fetchOffsetByTimestamp(Log.EARLIEST_TIMESTAMP)).isEqualTo(new Log.TimestampOffset(-1, 2));
        assertThat(log.fetchOffsetByTimestamp(Log.EARLIEST_LOCAL_TIMESTAMP)).isEqualTo(new Log.TimestampOffset(-1, 2));
        assertThat(log.fetchOffsetByTimestamp(Log.LATEST_TIMESTAMP)).isEqualTo(new Log.TimestampOffset(-1, 8));
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isEqualTo(at(70, 7));
    }

    @Test
    void maxTimestampIsTheFirstRecordCarryingIt() throws Exception {
        open();
        append(BatchBuilder.build(records(10, 20, 30)));
        append(BatchBuilder.build(records(50, 40, 45)));
        append(BatchBuilder.build(records(5, 6)));
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isEqualTo(at(50, 3));
    }

    @Test
    void maxTimestampOfAnEmptyLogIsNull() throws Exception {
        open();
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isNull();
        assertThat(log.fetchOffsetByTimestamp(T0)).isNull();
        assertThat(log.fetchOffsetByTimestamp(Log.EARLIEST_TIMESTAMP)).isEqualTo(new Log.TimestampOffset(-1, 0));
    }

    @Test
    void byTimeFindsTheFirstRecordAtOrAfter() throws Exception {
        int oneBatch = BatchBuilder.build(records(50, 40, 45)).remaining();
        openWithThreeBatches(LogConfig.SEGMENT_BYTES, oneBatch + 10, LogConfig.INDEX_INTERVAL_BYTES, 0);
        assertThat(log.numberOfSegments()).isEqualTo(3);
        assertThat(log.fetchOffsetByTimestamp(T0)).isEqualTo(at(10, 0));
        assertThat(log.fetchOffsetByTimestamp(T0 + 10)).isEqualTo(at(10, 0));
        assertThat(log.fetchOffsetByTimestamp(T0 + 11)).isEqualTo(at(20, 1));
        assertThat(log.fetchOffsetByTimestamp(T0 + 30)).isEqualTo(at(30, 2));
        // the earliest offset whose timestamp is at least 35 is 3 (ts 50), although 4 (ts 40) is closer
        assertThat(log.fetchOffsetByTimestamp(T0 + 35)).isEqualTo(at(50, 3));
        assertThat(log.fetchOffsetByTimestamp(T0 + 41)).isEqualTo(at(50, 3));
        assertThat(log.fetchOffsetByTimestamp(T0 + 51)).isEqualTo(at(60, 6));
        assertThat(log.fetchOffsetByTimestamp(T0 + 70)).isEqualTo(at(70, 7));
        assertThat(log.fetchOffsetByTimestamp(T0 + 71)).isNull();
        assertThat(log.fetchOffsetByTimestamp(-5)).isNull();
    }

    @Test
    void byTimeWithinOneSegmentAndSparseIndexes() throws Exception {
        open(LogConfig.INDEX_INTERVAL_BYTES, 1 << 20);
        for (int i = 0; i < 50; i++) {
            append(BatchBuilder.build(records(100L * i, 100L * i + 10)));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(log.fetchOffsetByTimestamp(T0 + 100L * i + 5)).isEqualTo(at(100L * i + 10, 2L * i + 1));
        }
    }

    @Test
    void byTimeIgnoresRecordsBelowTheLogStart() throws Exception {
        openWithThreeBatches();
        log.updateHighWatermark(8);
        log.deleteRecordsBefore(4);
        assertThat(log.fetchOffsetByTimestamp(T0)).isEqualTo(at(40, 4));
    }

    @Test
    void byTimeInACompressedBatch() throws Exception {
        open();
        append(BatchBuilder.build(records(1, 2)));
        append(KafkaRecords.build(KafkaRecords.GZIP, 0, records(100, 300, 200, 400)));
        append(BatchBuilder.build(records(500)));
        assertThat(log.fetchOffsetByTimestamp(T0 + 150)).isEqualTo(at(300, 3));
        assertThat(log.fetchOffsetByTimestamp(T0 + 350)).isEqualTo(at(400, 5));
        assertThat(log.fetchOffsetByTimestamp(T0 + 3)).isEqualTo(at(100, 2));
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isEqualTo(at(500, 6));
        assertThat(log.fetchOffsetByTimestamp(T0 + 501)).isNull();
    }

    @Test
    void maxTimestampInsideACompressedBatch() throws Exception {
        open();
        append(KafkaRecords.build(KafkaRecords.GZIP, 0, records(100, 900, 200)));
        append(BatchBuilder.build(records(500)));
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isEqualTo(at(900, 1));
    }

    @Test
    void logAppendTimeBatchesAnswerWithTheAppendTime() throws Exception {
        open(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime");
        append(BatchBuilder.build(records(1, 2, 3)));
        time.sleep(1000);
        append(BatchBuilder.build(records(4, 5)));
        assertThat(log.fetchOffsetByTimestamp(T0 + 1)).isEqualTo(new Log.TimestampOffset(T0 + 1000, 3));
        assertThat(log.fetchOffsetByTimestamp(T0)).isEqualTo(new Log.TimestampOffset(T0, 0));
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isEqualTo(new Log.TimestampOffset(T0 + 1000, 3));
    }

    @Test
    void timestampsSurviveAReopen() throws Exception {
        int oneBatch = BatchBuilder.build(records(50, 40, 45)).remaining();
        openWithThreeBatches(LogConfig.SEGMENT_BYTES, oneBatch + 10);
        log.close();
        log = LogTestSupport.open(
                dir, config(LogConfig.SEGMENT_BYTES, oneBatch + 10), time, new LogLoader.LoadParams(true, 8, 0, 8));
        assertThat(log.fetchOffsetByTimestamp(T0 + 35)).isEqualTo(at(50, 3));
        assertThat(log.fetchOffsetByTimestamp(Log.MAX_TIMESTAMP)).isEqualTo(at(70, 7));
        assertThat(log.fetchOffsetByTimestamp(T0 + 71)).isNull();
    }
}
