package dev.spool.protocol.record;

import static dev.spool.protocol.record.TestBatches.MAX_BATCH_BYTES;
import static dev.spool.protocol.record.TestBatches.assertDecodesTo;
import static dev.spool.protocol.record.TestBatches.bytes;
import static dev.spool.protocol.record.TestBatches.independentCrc;
import static dev.spool.protocol.record.TestBatches.records;
import static dev.spool.protocol.record.TestBatches.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {

    private static final List<SimpleRecord> MIXED = List.of(
            new SimpleRecord(1_700_000_000_500L, utf8("key-1"), utf8("value 1")),
            new SimpleRecord(
                    1_700_000_000_900L,
                    null,
                    utf8("no key"),
                    List.of(new SimpleRecord.Header("trace-id", utf8("t-1")), new SimpleRecord.Header("empty", null))),
            new SimpleRecord(1_700_000_000_100L, utf8("tombstone"), null),
            new SimpleRecord(1_700_000_000_100L, new byte[0], new byte[0]));

    @Test
    void headerFieldsOfAPlainBatch() {
        ByteBuffer b = BatchBuilder.build(MIXED);
        assertThat(b.position()).isZero();
        assertThat(b.limit()).isEqualTo(b.capacity());
        assertThat(RecordBatch.sizeInBytes(b, 0)).isEqualTo(b.remaining());
        assertThat(RecordBatch.baseOffset(b, 0)).isZero();
        assertThat(RecordBatch.partitionLeaderEpoch(b, 0)).isEqualTo(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        assertThat(RecordBatch.magic(b, 0)).isEqualTo(RecordBatch.MAGIC_V2);
        assertThat(RecordBatch.attributes(b, 0)).isZero();
        assertThat(RecordBatch.lastOffsetDelta(b, 0)).isEqualTo(3);
        assertThat(RecordBatch.recordCount(b, 0)).isEqualTo(4);
        assertThat(RecordBatch.baseTimestamp(b, 0)).as("first record's").isEqualTo(1_700_000_000_500L);
        assertThat(RecordBatch.maxTimestamp(b, 0)).as("largest, not last").isEqualTo(1_700_000_000_900L);
        assertThat(RecordBatch.producerId(b, 0)).isEqualTo(RecordBatch.NO_PRODUCER_ID);
        assertThat(RecordBatch.producerEpoch(b, 0)).isEqualTo(RecordBatch.NO_PRODUCER_EPOCH);
        assertThat(RecordBatch.baseSequence(b, 0)).isEqualTo(RecordBatch.NO_SEQUENCE);
        assertThat(RecordBatch.crc(b, 0)).isEqualTo(independentCrc(b, 0));
    }

    @Test
    void producerInfoAndBaseOffsetAreWritten() {
        ByteBuffer b = BatchBuilder.build(
                5_000L, new BatchBuilder.ProducerInfo(123L, (short) 4, 77, true), records("idem", 3, 10));
        assertThat(RecordBatch.baseOffset(b, 0)).isEqualTo(5_000L);
        assertThat(RecordBatch.lastOffset(b, 0)).isEqualTo(5_002L);
        assertThat(RecordBatch.producerId(b, 0)).isEqualTo(123L);
        assertThat(RecordBatch.producerEpoch(b, 0)).isEqualTo((short) 4);
        assertThat(RecordBatch.baseSequence(b, 0)).isEqualTo(77);
        assertThat(RecordBatch.isTransactional(b, 0)).isTrue();
        assertThat(RecordBatch.isControl(b, 0)).isFalse();
        assertThat(BatchValidator.validate(b, MAX_BATCH_BYTES).ok()).isTrue();
    }

    @Test
    void idempotentButNotTransactionalLeavesTheFlagClear() {
        ByteBuffer b = BatchBuilder.build(0L, new BatchBuilder.ProducerInfo(1L, (short) 0, 0, false), MIXED);
        assertThat(RecordBatch.isTransactional(b, 0)).isFalse();
        assertThat(RecordBatch.attributes(b, 0)).isZero();
    }

    @Test
    void emptyRecordListIsRejected() {
        assertThatThrownBy(() -> BatchBuilder.build(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void singleRecordBytesAreExactlyTheV2Layout() {
        ByteBuffer b = BatchBuilder.build(List.of(new SimpleRecord(0x0102L, utf8("k"), utf8("vv"))));
        String hex = HexFormat.of().formatHex(bytes(b.duplicate().position(RecordBatch.RECORDS_OFFSET)));
        // length 9 (zigzag 0x12), attributes 0, timestampDelta 0, offsetDelta 0, key len 1 "k",
        // value len 2 "vv", 0 headers
        assertThat(hex).isEqualTo("12" + "00" + "00" + "00" + "02" + "6b" + "04" + "7676" + "00");
        assertThat(b.remaining()).isEqualTo(RecordBatch.HEADER_SIZE + 10);
    }

    @Test
    void kafkaDecodesOurBatchToTheSameRecords() {
        ByteBuffer b = BatchBuilder.build(1_000_000L, BatchBuilder.ProducerInfo.NONE, MIXED);
        assertDecodesTo(KafkaRecords.decode(b), MIXED, 1_000_000L);
    }

    @Test
    void uncompressedBytesEqualKafkaClientsBytes() {
        assertThat(bytes(BatchBuilder.build(MIXED))).isEqualTo(bytes(KafkaRecords.build(KafkaRecords.NONE, 0, MIXED)));
    }

    @Test
    void largeBatchWithMultiByteLengthsEqualsKafkaClientsBytes() {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] value = new byte[i * 37];
            if (value.length > 0) {
                value[value.length - 1] = (byte) i;
            }
            records.add(new SimpleRecord(1_700_000_000_000L + i * 100_000L, utf8("key-" + i), value));
        }
        ByteBuffer ours = BatchBuilder.build(records);
        assertThat(BatchValidator.validate(ours, 64 << 20).ok()).isTrue();
        assertThat(bytes(ours)).isEqualTo(bytes(KafkaRecords.build(KafkaRecords.NONE, 0, records)));
    }

    @Provide
    Arbitrary<List<SimpleRecord>> recordLists() {
        return TestBatches.recordLists(30);
    }

    @Property(tries = 300)
    void outputAlwaysValidatesAndDecodesToItsRecords(
            @ForAll("recordLists") List<SimpleRecord> records,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long baseOffset) {
        ByteBuffer b = BatchBuilder.build(baseOffset, BatchBuilder.ProducerInfo.NONE, records);
        BatchValidator.Result r = BatchValidator.validate(b, MAX_BATCH_BYTES);
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
        assertThat(r.batchCount()).isEqualTo(1);
        assertThat(r.recordCount()).isEqualTo(records.size());
        assertThat(r.validBytes()).isEqualTo(b.remaining());
        long maxTimestamp =
                records.stream().mapToLong(SimpleRecord::timestamp).max().orElseThrow();
        assertThat(r.maxTimestamp()).isEqualTo(maxTimestamp);
        assertThat(RecordBatch.crc(b, 0)).isEqualTo(independentCrc(b, 0));
        assertDecodesTo(KafkaRecords.decode(b), records, baseOffset);
    }

    @Property(tries = 300)
    void uncompressedOutputIsByteForByteKafkaClients(@ForAll("recordLists") List<SimpleRecord> records) {
        assertThat(bytes(BatchBuilder.build(records)))
                .isEqualTo(bytes(KafkaRecords.build(KafkaRecords.NONE, 0, records)));
    }
}
