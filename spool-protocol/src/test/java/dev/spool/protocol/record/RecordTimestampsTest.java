package dev.spool.protocol.record;

import static dev.spool.protocol.record.TestBatches.concat;
import static dev.spool.protocol.record.TestBatches.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.RecordTimestamps.OffsetAndTimestamp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordTimestampsTest {

    private static final long BASE = 100L;

    /** Timestamps out of order, as producers may send them: offsets 100..105. */
    private static final long[] TIMESTAMPS = {50, 10, 90, 30, 90, 70};

    private static List<SimpleRecord> records() {
        List<SimpleRecord> out = new ArrayList<>();
        for (int i = 0; i < TIMESTAMPS.length; i++) {
            out.add(new SimpleRecord(TIMESTAMPS[i], utf8("k" + i), utf8("v" + i)));
        }
        return out;
    }

    /** The batch for {@code codec}, built by us for none and by kafka-clients otherwise, at offset 100. */
    private static ByteBuffer batch(int codec) {
        if (codec == KafkaRecords.NONE) {
            return BatchBuilder.build(BASE, BatchBuilder.ProducerInfo.NONE, records());
        }
        return KafkaRecords.build(codec, BASE, records());
    }

    private static OffsetAndTimestamp find(ByteBuffer b, long target, long minOffset) {
        return RecordTimestamps.firstAtOrAfter(b, 0, target, minOffset);
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(ints = {KafkaRecords.NONE, KafkaRecords.GZIP, KafkaRecords.LZ4, KafkaRecords.ZSTD})
    void findsTheFirstRecordInOffsetOrderAtOrAfterTheTarget(int codec) {
        ByteBuffer b = batch(codec);
        assertThat(find(b, 0, 0)).isEqualTo(new OffsetAndTimestamp(100, 50));
        assertThat(find(b, 50, 0)).isEqualTo(new OffsetAndTimestamp(100, 50));
        assertThat(find(b, 51, 0)).isEqualTo(new OffsetAndTimestamp(102, 90));
        assertThat(find(b, 90, 0)).isEqualTo(new OffsetAndTimestamp(102, 90));
        assertThat(find(b, 91, 0)).isNull();
        assertThat(find(b, Long.MAX_VALUE, 0)).isNull();
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(ints = {KafkaRecords.NONE, KafkaRecords.GZIP, KafkaRecords.SNAPPY})
    void skipsRecordsBelowTheMinimumOffset(int codec) {
        ByteBuffer b = batch(codec);
        assertThat(find(b, 0, 101)).isEqualTo(new OffsetAndTimestamp(101, 10));
        assertThat(find(b, 60, 103)).isEqualTo(new OffsetAndTimestamp(104, 90));
        assertThat(find(b, 60, 105)).isEqualTo(new OffsetAndTimestamp(105, 70));
        assertThat(find(b, 80, 105)).isNull();
        assertThat(find(b, 0, 106)).as("past the batch").isNull();
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(ints = {KafkaRecords.NONE, KafkaRecords.ZSTD})
    void logAppendTimeBatchAnswersWithItsMaxTimestampForEveryRecord(int codec) {
        ByteBuffer b = batch(codec);
        RecordBatch.setLogAppendTime(b, 0, 1_000L);
        assertThat(find(b, 0, 0)).isEqualTo(new OffsetAndTimestamp(100, 1_000L));
        assertThat(find(b, 1_000L, 0)).isEqualTo(new OffsetAndTimestamp(100, 1_000L));
        assertThat(find(b, 1_000L, 103)).isEqualTo(new OffsetAndTimestamp(103, 1_000L));
        assertThat(find(b, 1_000L, 105)).isEqualTo(new OffsetAndTimestamp(105, 1_000L));
        assertThat(find(b, 1_001L, 0)).isNull();
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(ints = {KafkaRecords.NONE, KafkaRecords.ZSTD})
    void logAppendTimeBatchHasNoAnswerPastItsLastOffset(int codec) {
        ByteBuffer b = batch(codec);
        RecordBatch.setLogAppendTime(b, 0, 1_000L);
        assertThat(find(b, 0, 106)).isNull();
        assertThat(find(b, 0, Long.MAX_VALUE)).isNull();
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(ints = {KafkaRecords.NONE, KafkaRecords.GZIP})
    void findsInTheBatchAtTheGivenPosition(int codec) {
        ByteBuffer first = BatchBuilder.build(List.of(new SimpleRecord(999, utf8("a"), utf8("b"))));
        ByteBuffer buf = concat(first, batch(codec));
        int pos = first.remaining();
        buf.position(3);
        assertThat(RecordTimestamps.firstAtOrAfter(buf, pos, 60, 0)).isEqualTo(new OffsetAndTimestamp(102, 90));
        assertThat(buf.position()).isEqualTo(3);
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(ints = {KafkaRecords.NONE, KafkaRecords.GZIP})
    void recordsWithoutTimestampsAreFoundOnlyForTargetsAtMostMinusOne(int codec) {
        List<SimpleRecord> none = List.of(
                new SimpleRecord(RecordBatch.NO_TIMESTAMP, null, utf8("x")),
                new SimpleRecord(RecordBatch.NO_TIMESTAMP, null, utf8("y")));
        ByteBuffer b = codec == KafkaRecords.NONE ? BatchBuilder.build(none) : KafkaRecords.build(codec, 0, none);
        assertThat(find(b, 0, 0)).isNull();
        assertThat(find(b, -1, 1)).isEqualTo(new OffsetAndTimestamp(1, -1));
    }
}
