package dev.spool.protocol.record;

import static dev.spool.protocol.record.TestBatches.MAX_BATCH_BYTES;
import static dev.spool.protocol.record.TestBatches.batch;
import static dev.spool.protocol.record.TestBatches.bytes;
import static dev.spool.protocol.record.TestBatches.concat;
import static dev.spool.protocol.record.TestBatches.independentCrc;
import static dev.spool.protocol.record.TestBatches.records;
import static dev.spool.protocol.record.TestBatches.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordBatchTest {

    @Test
    void layoutConstantsAreKafkasV2Offsets() {
        assertThat(RecordBatch.BASE_OFFSET_OFFSET).isZero();
        assertThat(RecordBatch.LENGTH_OFFSET).isEqualTo(8);
        assertThat(RecordBatch.LOG_OVERHEAD).isEqualTo(12);
        assertThat(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET).isEqualTo(12);
        assertThat(RecordBatch.MAGIC_OFFSET).isEqualTo(16);
        assertThat(RecordBatch.CRC_OFFSET).isEqualTo(17);
        assertThat(RecordBatch.ATTRIBUTES_OFFSET).isEqualTo(21);
        assertThat(RecordBatch.LAST_OFFSET_DELTA_OFFSET).isEqualTo(23);
        assertThat(RecordBatch.BASE_TIMESTAMP_OFFSET).isEqualTo(27);
        assertThat(RecordBatch.MAX_TIMESTAMP_OFFSET).isEqualTo(35);
        assertThat(RecordBatch.PRODUCER_ID_OFFSET).isEqualTo(43);
        assertThat(RecordBatch.PRODUCER_EPOCH_OFFSET).isEqualTo(51);
        assertThat(RecordBatch.BASE_SEQUENCE_OFFSET).isEqualTo(53);
        assertThat(RecordBatch.RECORDS_COUNT_OFFSET).isEqualTo(57);
        assertThat(RecordBatch.RECORDS_OFFSET).isEqualTo(61);
        assertThat(RecordBatch.HEADER_SIZE).isEqualTo(61);
    }

    /** A header written field by field at {@code pos}, to check each accessor reads its own field. */
    private static ByteBuffer handWrittenHeader(int pos) {
        ByteBuffer buf = ByteBuffer.allocate(pos + RecordBatch.HEADER_SIZE + 7);
        buf.position(pos);
        buf.putLong(1234567890123L); // baseOffset
        buf.putInt(RecordBatch.HEADER_SIZE - 12 + 7); // length
        buf.putInt(17); // partitionLeaderEpoch
        buf.put((byte) 2); // magic
        buf.putInt(0xCAFEBABE); // crc
        buf.putShort((short) (0x10 | 0x20 | 0x08 | 3)); // transactional, control, LogAppendTime, lz4
        buf.putInt(9); // lastOffsetDelta
        buf.putLong(1_000L); // baseTimestamp
        buf.putLong(2_000L); // maxTimestamp
        buf.putLong(77L); // producerId
        buf.putShort((short) 5); // producerEpoch
        buf.putInt(42); // baseSequence
        buf.putInt(10); // recordCount
        return buf;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 100})
    void accessorsReadEachFieldAtAnyPosition(int pos) {
        ByteBuffer buf = handWrittenHeader(pos);
        assertThat(RecordBatch.baseOffset(buf, pos)).isEqualTo(1234567890123L);
        assertThat(RecordBatch.length(buf, pos)).isEqualTo(56);
        assertThat(RecordBatch.sizeInBytes(buf, pos)).isEqualTo(68);
        assertThat(RecordBatch.partitionLeaderEpoch(buf, pos)).isEqualTo(17);
        assertThat(RecordBatch.magic(buf, pos)).isEqualTo((byte) 2);
        assertThat(RecordBatch.crc(buf, pos)).isEqualTo(0xCAFEBABEL);
        assertThat(RecordBatch.attributes(buf, pos)).isEqualTo((short) 0x3B);
        assertThat(RecordBatch.compressionCodec(buf, pos)).isEqualTo(3);
        assertThat(RecordBatch.isLogAppendTime(buf, pos)).isTrue();
        assertThat(RecordBatch.isTransactional(buf, pos)).isTrue();
        assertThat(RecordBatch.isControl(buf, pos)).isTrue();
        assertThat(RecordBatch.lastOffsetDelta(buf, pos)).isEqualTo(9);
        assertThat(RecordBatch.lastOffset(buf, pos)).isEqualTo(1234567890132L);
        assertThat(RecordBatch.nextOffset(buf, pos)).isEqualTo(1234567890133L);
        assertThat(RecordBatch.baseTimestamp(buf, pos)).isEqualTo(1_000L);
        assertThat(RecordBatch.maxTimestamp(buf, pos)).isEqualTo(2_000L);
        assertThat(RecordBatch.producerId(buf, pos)).isEqualTo(77L);
        assertThat(RecordBatch.producerEpoch(buf, pos)).isEqualTo((short) 5);
        assertThat(RecordBatch.baseSequence(buf, pos)).isEqualTo(42);
        assertThat(RecordBatch.recordCount(buf, pos)).isEqualTo(10);
    }

    @Test
    void flagsAreFalseOnAPlainBatch() {
        ByteBuffer b = batch("plain", 2, 10);
        assertThat(RecordBatch.compressionCodec(b, 0)).isZero();
        assertThat(RecordBatch.isLogAppendTime(b, 0)).isFalse();
        assertThat(RecordBatch.isTransactional(b, 0)).isFalse();
        assertThat(RecordBatch.isControl(b, 0)).isFalse();
    }

    @Test
    void crcAboveTwoToThe31IsReadUnsigned() {
        ByteBuffer buf = handWrittenHeader(0);
        buf.putInt(RecordBatch.CRC_OFFSET, 0xFFFFFFFF);
        assertThat(RecordBatch.crc(buf, 0)).isEqualTo(4294967295L);
    }

    @Test
    void computeCrcMatchesAnIndependentCrc32cAndTheStoredOne() {
        ByteBuffer b = batch("crc", 5, 1000);
        assertThat(RecordBatch.computeCrc(b, 0)).isEqualTo(independentCrc(b, 0)).isEqualTo(RecordBatch.crc(b, 0));
    }

    @Test
    void computeCrcIsTheSameForHeapSliceReadOnlyAndDirectBuffers() {
        ByteBuffer b = batch("views", 4, 1000);
        long expected = RecordBatch.crc(b, 0);

        byte[] padded = new byte[b.remaining() + 13];
        System.arraycopy(bytes(b), 0, padded, 13, b.remaining());
        ByteBuffer slice = ByteBuffer.wrap(padded, 13, b.remaining()).slice();
        assertThat(slice.arrayOffset()).isEqualTo(13);
        assertThat(RecordBatch.computeCrc(slice, 0)).isEqualTo(expected);

        assertThat(RecordBatch.computeCrc(b.asReadOnlyBuffer(), 0)).isEqualTo(expected);

        ByteBuffer direct =
                ByteBuffer.allocateDirect(b.remaining()).put(b.duplicate()).flip();
        assertThat(RecordBatch.computeCrc(direct, 0)).isEqualTo(expected);
    }

    @Test
    void computeCrcLeavesPositionAndLimitAlone() {
        ByteBuffer two = concat(batch("a", 2, 1), batch("b", 3, 2));
        int second = RecordBatch.sizeInBytes(two, 0);
        two.position(7).limit(two.capacity() - 1);
        assertThat(RecordBatch.computeCrc(two, second)).isEqualTo(RecordBatch.crc(two, second));
        assertThat(two.position()).isEqualTo(7);
        assertThat(two.limit()).isEqualTo(two.capacity() - 1);
    }

    @Test
    void baseOffsetAndLeaderEpochLieOutsideTheCrc() {
        ByteBuffer b = batch("assign", 3, 1000);
        long crc = RecordBatch.crc(b, 0);
        RecordBatch.setBaseOffset(b, 0, 987654321L);
        RecordBatch.setPartitionLeaderEpoch(b, 0, 12);
        assertThat(RecordBatch.baseOffset(b, 0)).isEqualTo(987654321L);
        assertThat(RecordBatch.partitionLeaderEpoch(b, 0)).isEqualTo(12);
        assertThat(RecordBatch.computeCrc(b, 0)).isEqualTo(crc);
        assertThat(BatchValidator.validate(b, MAX_BATCH_BYTES).ok()).isTrue();
        assertThat(KafkaRecords.decode(b).get(2).offset()).isEqualTo(987654323L);
    }

    @Test
    void writeCrcRepairsTheCrcAfterAChangeUnderIt() {
        ByteBuffer b = batch("rewrite", 3, 1000);
        b.putLong(RecordBatch.PRODUCER_ID_OFFSET, 99L);
        assertThat(RecordBatch.computeCrc(b, 0)).isNotEqualTo(RecordBatch.crc(b, 0));
        RecordBatch.writeCrc(b, 0);
        assertThat(RecordBatch.crc(b, 0)).isEqualTo(independentCrc(b, 0));
        assertThat(BatchValidator.validate(b, MAX_BATCH_BYTES).ok()).isTrue();
    }

    @Test
    void setLogAppendTimeStampsTheBatchAndKeepsItsCrcValid() {
        List<SimpleRecord> records = records("lat", 3, 1000);
        ByteBuffer b = BatchBuilder.build(records);
        byte[] recordsBefore = bytes(b.duplicate().position(RecordBatch.RECORDS_OFFSET));

        RecordBatch.setLogAppendTime(b, 0, 5_000L);

        assertThat(RecordBatch.isLogAppendTime(b, 0)).isTrue();
        assertThat(RecordBatch.maxTimestamp(b, 0)).isEqualTo(5_000L);
        assertThat(RecordBatch.baseTimestamp(b, 0)).isEqualTo(1000L);
        assertThat(RecordBatch.crc(b, 0)).isEqualTo(independentCrc(b, 0));
        assertThat(BatchValidator.validate(b, MAX_BATCH_BYTES).ok()).isTrue();
        assertThat(bytes(b.duplicate().position(RecordBatch.RECORDS_OFFSET))).isEqualTo(recordsBefore);
        // Kafka's reader gives every record of a LogAppendTime batch the batch's max timestamp.
        assertThat(KafkaRecords.decode(b))
                .extracting(KafkaRecords.DecodedRecord::timestamp)
                .containsOnly(5_000L);
    }

    @Test
    void setLogAppendTimeKeepsTheOtherAttributeBits() {
        ByteBuffer b =
                BatchBuilder.build(0L, new BatchBuilder.ProducerInfo(7L, (short) 1, 0, true), records("txn", 2, 1000));
        int attrsBefore = RecordBatch.attributes(b, 0);
        RecordBatch.setLogAppendTime(b, 0, 2_000L);
        assertThat(RecordBatch.attributes(b, 0)).isEqualTo((short) (attrsBefore | RecordBatch.TIMESTAMP_TYPE_MASK));
        assertThat(RecordBatch.isTransactional(b, 0)).isTrue();
        assertThat(BatchValidator.validate(b, MAX_BATCH_BYTES).ok()).isTrue();
    }

    @Test
    void setLogAppendTimeOnACompressedBatchKeepsTheCodec() {
        List<SimpleRecord> records = records("gz", 4, 1000);
        ByteBuffer b = KafkaRecords.build(KafkaRecords.GZIP, 0, records);
        RecordBatch.setLogAppendTime(b, 0, 9_999L);
        assertThat(RecordBatch.compressionCodec(b, 0)).isEqualTo(KafkaRecords.GZIP);
        assertThat(BatchValidator.validate(b, MAX_BATCH_BYTES).ok()).isTrue();
        assertThat(KafkaRecords.decode(b))
                .extracting(KafkaRecords.DecodedRecord::timestamp)
                .containsExactly(9_999L, 9_999L, 9_999L, 9_999L);
    }

    @Test
    void setLogAppendTimeOnTheSecondBatchOfABufferTouchesOnlyThatBatch() {
        ByteBuffer two = concat(batch("first", 2, 1000), batch("second", 3, 2000));
        int second = RecordBatch.sizeInBytes(two, 0);
        byte[] firstBefore = bytes(two.duplicate().limit(second));

        RecordBatch.setLogAppendTime(two, second, 7_000L);

        assertThat(bytes(two.duplicate().limit(second))).isEqualTo(firstBefore);
        assertThat(RecordBatch.isLogAppendTime(two, second)).isTrue();
        assertThat(RecordBatch.crc(two, second)).isEqualTo(independentCrc(two, second));
        BatchValidator.Result r = BatchValidator.validate(two, MAX_BATCH_BYTES);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.maxTimestamp()).isEqualTo(7_000L);
    }

    @Test
    void setLogAppendTimeWorksOnADirectBuffer() {
        ByteBuffer heap = batch("direct", 3, 1000);
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining())
                .put(heap.duplicate())
                .flip();
        RecordBatch.setLogAppendTime(direct, 0, 4_242L);
        RecordBatch.setLogAppendTime(heap, 0, 4_242L);
        assertThat(bytes(direct)).isEqualTo(bytes(heap));
        assertThat(BatchValidator.validate(direct, MAX_BATCH_BYTES).ok()).isTrue();
    }

    @Test
    void headerOfABatchWithAKeyHoldsItsSize() {
        ByteBuffer b = BatchBuilder.build(List.of(new SimpleRecord(1L, utf8("k"), utf8("v"))));
        assertThat(RecordBatch.sizeInBytes(b, 0)).isEqualTo(b.remaining());
        assertThat(RecordBatch.length(b, 0)).isEqualTo(b.remaining() - RecordBatch.LOG_OVERHEAD);
    }
}
