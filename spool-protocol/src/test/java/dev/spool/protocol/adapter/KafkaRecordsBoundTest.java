package dev.spool.protocol.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.protocol.record.RecordTimestamps;
import dev.spool.protocol.record.SimpleRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/**
 * {@code max.decompressed.message.bytes} in the adapter: every reader of compressed records refuses a
 * record whose claimed size is over the bound, and reads it with the default bound.
 */
class KafkaRecordsBoundTest {
    private static final int BOUND = 1000;

    /** A gzip batch whose second record's value is 5,000 bytes (a few dozen compressed). */
    private static ByteBuffer batch() {
        return KafkaRecords.build(
                KafkaRecords.GZIP,
                0,
                List.of(
                        new SimpleRecord(10, bytes("k1"), bytes("a")),
                        new SimpleRecord(20, bytes("k2"), bytes("x".repeat(5000)))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final KafkaRecords.RecordFilter KEEP_ALL = new KafkaRecords.RecordFilter() {
        @Override
        public KafkaRecords.BatchAction checkBatch(KafkaRecords.BatchView batch) {
            return KafkaRecords.BatchAction.DROP_IF_EMPTY;
        }

        @Override
        public boolean retain(KafkaRecords.BatchView batch, long offset, ByteBuffer key, boolean tombstone) {
            return true;
        }
    };

    @Test
    void everyReaderRefusesARecordOverTheBound() {
        ByteBuffer b = batch();
        int size = b.remaining();
        assertThatThrownBy(() -> KafkaRecords.decode(b, BOUND)).isInstanceOf(KafkaException.class);
        assertThatThrownBy(() -> KafkaRecords.forEachKey(b, 0, size, BOUND, (offset, key) -> true))
                .isInstanceOf(KafkaException.class);
        assertThatThrownBy(() -> KafkaRecords.firstKeylessRecord(b, 0, size, BOUND))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaRecords.filter(b, KEEP_ALL, 0, 0, BOUND)).isInstanceOf(KafkaException.class);
        assertThatThrownBy(() -> RecordTimestamps.firstAtOrAfter(b, 0, 15, 0, BOUND))
                .isInstanceOf(KafkaException.class);
    }

    @Test
    void theDefaultBoundReadsTheSameBatch() {
        ByteBuffer b = batch();
        int size = b.remaining();
        int none = KafkaRecords.NO_RECORD_BOUND;
        assertThat(KafkaRecords.decode(b, none)).hasSize(2);
        assertThat(KafkaRecords.forEachKey(b, 0, size, none, (offset, key) -> true))
                .isTrue();
        assertThat(KafkaRecords.firstKeylessRecord(b, 0, size, none)).isEqualTo(-1);
        assertThat(KafkaRecords.filter(b, KEEP_ALL, 0, 0, none).recordsRetained())
                .isEqualTo(2);
        assertThat(RecordTimestamps.firstAtOrAfter(b, 0, 15, 0, none))
                .isEqualTo(new RecordTimestamps.OffsetAndTimestamp(1, 20));
    }
}
