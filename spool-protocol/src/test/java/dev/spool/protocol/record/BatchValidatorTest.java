package dev.spool.protocol.record;

import static dev.spool.protocol.record.TestBatches.MAX_BATCH_BYTES;
import static dev.spool.protocol.record.TestBatches.batch;
import static dev.spool.protocol.record.TestBatches.bytes;
import static dev.spool.protocol.record.TestBatches.concat;
import static dev.spool.protocol.record.TestBatches.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchValidatorTest {

    private static BatchValidator.Result validate(ByteBuffer buf) {
        return BatchValidator.validate(buf, MAX_BATCH_BYTES);
    }

    private static void assertRejected(ByteBuffer buf, BatchError error, String messagePart, int validBytes) {
        int position = buf.position();
        int limit = buf.limit();
        BatchValidator.Result r = validate(buf);
        assertThat(r.error()).as(r.message()).isEqualTo(error);
        assertThat(r.ok()).isFalse();
        assertThat(r.message()).contains(messagePart);
        assertThat(r.validBytes()).isEqualTo(validBytes);
        assertThat(r.batchCount()).isZero();
        assertThat(r.recordCount()).isZero();
        assertThat(buf.position()).isEqualTo(position);
        assertThat(buf.limit()).isEqualTo(limit);
    }

    /** A batch of {@code count} records whose records area is exactly {@code area}, with a correct CRC. */
    private static ByteBuffer withRecordsArea(int count, byte[] area) {
        ByteBuffer b = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + area.length);
        b.put(bytes(batch("hdr", 1, 1000)), 0, RecordBatch.HEADER_SIZE);
        b.put(area);
        b.putInt(RecordBatch.LENGTH_OFFSET, b.capacity() - RecordBatch.LOG_OVERHEAD);
        b.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, count - 1);
        b.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        b.flip();
        RecordBatch.writeCrc(b, 0);
        return b;
    }

    private static byte[] recordsArea(ByteBuffer b) {
        return bytes(b.duplicate().position(RecordBatch.RECORDS_OFFSET));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    // ---- accepted ----

    @Test
    void singleBatchIsAcceptedWithItsCounts() {
        ByteBuffer b = batch("one", 3, 1000);
        BatchValidator.Result r = validate(b);
        assertThat(r.ok()).isTrue();
        assertThat(r.error()).isEqualTo(BatchError.NONE);
        assertThat(r.message()).isNull();
        assertThat(r.batchCount()).isEqualTo(1);
        assertThat(r.recordCount()).isEqualTo(3);
        assertThat(r.maxTimestamp()).isEqualTo(1002);
        assertThat(r.validBytes()).isEqualTo(b.remaining());
    }

    @Test
    void recordsWithLongVarintsAreLeftToTheGeneralWalkAndAccepted() {
        byte[] big = new byte[9000]; // a 3-byte value size
        ByteBuffer bigValue = BatchBuilder.build(List.of(new SimpleRecord(1000, null, big)));
        ByteBuffer farTimestamp = BatchBuilder.build(
                List.of(new SimpleRecord(1000, null, new byte[1]), new SimpleRecord(61_000, null, new byte[1])));
        ByteBuffer manyRecords = BatchBuilder.build(
                java.util.Collections.nCopies(9000, new SimpleRecord(1000, null, null))); // offset deltas >= 8192
        for (ByteBuffer b : List.of(bigValue, farTimestamp, manyRecords)) {
            assertThat(FastRecordWalk.proven(b, 0, b.remaining(), RecordBatch.recordCount(b, 0)))
                    .isFalse();
            BatchValidator.Result r = validate(b);
            assertThat(r.ok()).as(r.message()).isTrue();
        }
    }

    @Test
    void severalBatchesAreAcceptedAndSummed() {
        ByteBuffer buf = concat(batch("a", 2, 5000), batch("b", 5, 1000), batch("c", 1, 3000));
        BatchValidator.Result r = validate(buf);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.batchCount()).isEqualTo(3);
        assertThat(r.recordCount()).isEqualTo(8);
        assertThat(r.maxTimestamp()).isEqualTo(5001);
        assertThat(r.validBytes()).isEqualTo(buf.remaining());
    }

    @Test
    void validatesFromThePositionToTheLimitAndDoesNotMoveTheBuffer() {
        ByteBuffer one = batch("x", 2, 1000);
        ByteBuffer framed = ByteBuffer.allocate(one.remaining() + 20);
        framed.position(7);
        framed.put(one.duplicate());
        framed.position(7).limit(7 + one.remaining());
        BatchValidator.Result r = validate(framed);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.validBytes()).isEqualTo(one.remaining());
        assertThat(framed.position()).isEqualTo(7);
        assertThat(framed.limit()).isEqualTo(7 + one.remaining());
    }

    @Test
    void directAndReadOnlyBuffersAreAccepted() {
        ByteBuffer heap = concat(batch("a", 2, 1), batch("b", 2, 2));
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining())
                .put(heap.duplicate())
                .flip();
        assertThat(validate(direct).ok()).isTrue();
        assertThat(validate(heap.asReadOnlyBuffer()).ok()).isTrue();
    }

    @ParameterizedTest(name = "codec {0}")
    @ValueSource(
            ints = {KafkaRecords.NONE, KafkaRecords.GZIP, KafkaRecords.SNAPPY, KafkaRecords.LZ4, KafkaRecords.ZSTD})
    void kafkaClientsBatchesOfEveryCodecAreAccepted(int codec) {
        List<SimpleRecord> records = records("codec" + codec, 20, 1_700_000_000_000L);
        ByteBuffer b = KafkaRecords.build(codec, 0, records);
        assertThat(RecordBatch.compressionCodec(b, 0)).isEqualTo(codec);
        BatchValidator.Result r = validate(b);
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
        assertThat(r.recordCount()).isEqualTo(20);
        assertThat(r.maxTimestamp()).isEqualTo(1_700_000_000_019L);
        TestBatches.assertDecodesTo(KafkaRecords.decode(b), records, 0);
    }

    @Test
    void mixedCodecsInOneBufferAreAccepted() {
        ByteBuffer buf = concat(
                KafkaRecords.build(KafkaRecords.ZSTD, 0, records("z", 3, 1)),
                batch("plain", 2, 2),
                KafkaRecords.build(KafkaRecords.LZ4, 0, records("l", 4, 3)));
        BatchValidator.Result r = validate(buf);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.batchCount()).isEqualTo(3);
        assertThat(r.recordCount()).isEqualTo(9);
    }

    @Test
    void baseOffsetAndLeaderEpochAreNotChecked() {
        ByteBuffer b = batch("assigned", 2, 1);
        RecordBatch.setBaseOffset(b, 0, -5);
        RecordBatch.setPartitionLeaderEpoch(b, 0, Integer.MIN_VALUE);
        assertThat(validate(b).ok()).isTrue();
    }

    @Test
    void batchExactlyAtTheLimitIsAccepted() {
        ByteBuffer b = batch("limit", 4, 1);
        assertThat(BatchValidator.validate(b, b.remaining()).ok()).isTrue();
    }

    // ---- framing: CORRUPT ----

    @Test
    void emptyBufferIsCorrupt() {
        assertRejected(ByteBuffer.allocate(0), BatchError.CORRUPT, "no record batch", 0);
        ByteBuffer consumed = batch("gone", 1, 1);
        consumed.position(consumed.limit());
        assertRejected(consumed, BatchError.CORRUPT, "no record batch", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 11})
    void bufferShorterThanOffsetAndLengthIsCorrupt(int size) {
        ByteBuffer b = batch("short", 2, 1).limit(size);
        assertRejected(b, BatchError.CORRUPT, "truncated batch", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 30, 60, 61})
    void truncatedHeaderIsCorrupt(int size) {
        ByteBuffer b = batch("short", 2, 1).limit(size);
        assertRejected(b, BatchError.CORRUPT, "runs past", 0);
    }

    @Test
    void batchCutShortInItsRecordsIsCorrupt() {
        ByteBuffer b = batch("cut", 3, 1);
        b.limit(b.limit() - 1);
        assertRejected(b, BatchError.CORRUPT, "runs past", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, 48})
    void lengthFieldSmallerThanAHeaderIsCorrupt(int length) {
        ByteBuffer b = batch("len", 2, 1);
        b.putInt(RecordBatch.LENGTH_OFFSET, length);
        assertRejected(b, BatchError.CORRUPT, "smaller than a batch header", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000, Integer.MAX_VALUE - 100})
    void lengthFieldLargerThanTheBufferIsCorrupt(int extra) {
        ByteBuffer b = batch("len", 2, 1);
        int length = RecordBatch.length(b, 0);
        b.putInt(RecordBatch.LENGTH_OFFSET, length + extra);
        assertRejected(b, BatchError.CORRUPT, "runs past", 0);
    }

    @Test
    void lengthFieldSmallerThanTheBatchBreaksTheCrc() {
        ByteBuffer b = batch("len", 3, 1);
        b.putInt(RecordBatch.LENGTH_OFFSET, RecordBatch.length(b, 0) - 1);
        assertRejected(b, BatchError.CORRUPT, "CRC", 0);
    }

    // ---- magic ----

    @ParameterizedTest
    @ValueSource(bytes = {0, 1, 3, -1})
    void magicOtherThanTwoIsUnsupported(byte magic) {
        ByteBuffer b = batch("magic", 2, 1);
        b.put(RecordBatch.MAGIC_OFFSET, magic);
        assertRejected(b, BatchError.UNSUPPORTED_MAGIC, "magic " + magic, 0);
        assertThat(BatchError.UNSUPPORTED_MAGIC.kafkaError()).isEqualTo(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    }

    @Test
    void wrongMagicInTheSecondBatchReportsTheFirstAsValid() {
        ByteBuffer first = batch("ok", 2, 1);
        ByteBuffer second = batch("v1", 2, 1);
        second.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
        assertRejected(concat(first, second), BatchError.UNSUPPORTED_MAGIC, "magic 1", first.remaining());
    }

    // ---- CRC ----

    @Test
    void flippedByteInTheRecordsIsACrcMismatch() {
        ByteBuffer b = batch("crc", 3, 1);
        int at = b.limit() - 2;
        b.put(at, (byte) (b.get(at) ^ 0x40));
        assertRejected(b, BatchError.CORRUPT, "CRC", 0);
    }

    @Test
    void flippedBitInTheAttributesIsACrcMismatch() {
        ByteBuffer b = batch("crc", 3, 1);
        b.put(RecordBatch.ATTRIBUTES_OFFSET + 1, (byte) (b.get(RecordBatch.ATTRIBUTES_OFFSET + 1) ^ 0x08));
        assertRejected(b, BatchError.CORRUPT, "CRC", 0);
    }

    @Test
    void flippedByteInTheStoredCrcIsAMismatch() {
        ByteBuffer b = batch("crc", 3, 1);
        b.put(RecordBatch.CRC_OFFSET, (byte) (b.get(RecordBatch.CRC_OFFSET) ^ 0x01));
        assertRejected(b, BatchError.CORRUPT, "does not match computed", 0);
    }

    @Test
    void crcMismatchOfACompressedBatchIsCaughtWithoutDecompressing() {
        ByteBuffer b = KafkaRecords.build(KafkaRecords.ZSTD, 0, records("z", 10, 1));
        int at = b.limit() - 3;
        b.put(at, (byte) ~b.get(at));
        assertRejected(b, BatchError.CORRUPT, "CRC", 0);
    }

    // ---- content: INVALID_RECORD ----

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 100, -1})
    void recordCountThatDisagreesWithLastOffsetDeltaIsInvalid(int count) {
        ByteBuffer b = batch("count", 3, 1);
        b.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        RecordBatch.writeCrc(b, 0);
        assertRejected(b, BatchError.INVALID_RECORD, count < 0 ? "with " + count + " records" : "record count", 0);
    }

    @Test
    void lastOffsetDeltaThatDisagreesWithTheCountIsInvalid() {
        ByteBuffer b = batch("delta", 3, 1);
        b.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 5);
        RecordBatch.writeCrc(b, 0);
        assertRejected(b, BatchError.INVALID_RECORD, "lastOffsetDelta 5", 0);
    }

    @Test
    void zeroRecordsIsInvalid() {
        assertRejected(withRecordsArea(0, new byte[0]), BatchError.INVALID_RECORD, "with 0 records", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7})
    void unknownCodecWithACorrectCrcIsInvalid(int codec) {
        ByteBuffer b = batch("codec", 2, 1);
        b.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) codec);
        RecordBatch.writeCrc(b, 0);
        assertRejected(b, BatchError.INVALID_RECORD, "codec " + codec, 0);
    }

    @Test
    void recordsAreNotWalkedInACompressedBatch() {
        // A gzip batch is checked by CRC and counts only: the broker never decompresses on produce.
        ByteBuffer b = KafkaRecords.build(KafkaRecords.GZIP, 0, records("g", 3, 1));
        assertThat(validate(b).ok()).isTrue();
    }

    // ---- size: TOO_LARGE ----

    @Test
    void batchOverMaxMessageBytesIsTooLarge() {
        ByteBuffer b = batch("big", 10, 1);
        BatchValidator.Result r = BatchValidator.validate(b, b.remaining() - 1);
        assertThat(r.error()).isEqualTo(BatchError.TOO_LARGE);
        assertThat(r.message()).contains(String.valueOf(b.remaining())).contains("max.message.bytes");
        assertThat(BatchError.TOO_LARGE.kafkaError()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
    }

    @Test
    void tooLargeSecondBatchReportsTheFirstAsValid() {
        ByteBuffer small = batch("s", 1, 1);
        ByteBuffer big = batch("b", 50, 1);
        BatchValidator.Result r = BatchValidator.validate(concat(small, big), big.remaining() - 1);
        assertThat(r.error()).isEqualTo(BatchError.TOO_LARGE);
        assertThat(r.validBytes()).isEqualTo(small.remaining());
    }

    // ---- uncompressed records walk ----

    @Test
    void trailingBytesAfterTheLastRecordAreInvalid() {
        ByteBuffer b = batch("tail", 2, 1);
        byte[] area = recordsArea(b);
        assertRejected(
                withRecordsArea(2, Arrays.copyOf(area, area.length + 3)),
                BatchError.INVALID_RECORD,
                "3 bytes after the last record",
                0);
    }

    @Test
    void recordLengthRunningPastTheBatchIsInvalid() {
        ByteBuffer b = batch("tile", 2, 1);
        byte[] area = recordsArea(b);
        // Second record's length (a one-byte varint) one larger than its body.
        int second = (area[0] >> 1) + 1;
        area[second] += 2;
        assertRejected(withRecordsArea(2, area), BatchError.INVALID_RECORD, "record 1 length", 0);
    }

    @Test
    void recordLengthShortOfItsBodyIsInvalid() {
        ByteBuffer b = batch("tile", 2, 1);
        byte[] area = recordsArea(b);
        // Last record's length one smaller: its last byte is left over after the records.
        int second = (area[0] >> 1) + 1;
        area[second] -= 2;
        BatchValidator.Result r = validate(withRecordsArea(2, area));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"00", "01", "03"})
    void zeroOrNegativeRecordLengthIsInvalid(String lengthVarint) {
        ByteBuffer b = batch("neg", 1, 1);
        byte[] area = recordsArea(b);
        area[0] = hex(lengthVarint)[0];
        assertRejected(withRecordsArea(1, area), BatchError.INVALID_RECORD, "record 0 length", 0);
    }

    @Test
    void fewerRecordsThanTheCountIsInvalid() {
        ByteBuffer b = batch("few", 2, 1);
        byte[] area = recordsArea(b);
        int firstRecordBytes = (area[0] >> 1) + 1;
        ByteBuffer lying = withRecordsArea(3, area);
        assertThat(firstRecordBytes).isLessThan(area.length);
        BatchValidator.Result r = validate(lying);
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(r.message()).contains("record 2");
    }

    @Test
    void offsetDeltaOutOfSequenceIsInvalid() {
        ByteBuffer b = batch("delta", 3, 1);
        byte[] area = recordsArea(b);
        // Record 1: length, attributes, timestampDelta (1 = zigzag 0x02), offsetDelta 1 (0x02) -> 2 (0x04).
        int second = (area[0] >> 1) + 1;
        assertThat(area[second + 3]).isEqualTo((byte) 0x02);
        area[second + 3] = 0x04;
        assertRejected(withRecordsArea(3, area), BatchError.INVALID_RECORD, "record 1 has offset delta 2", 0);
    }

    @Test
    void firstOffsetDeltaNotZeroIsInvalid() {
        ByteBuffer b = batch("delta", 2, 1);
        byte[] area = recordsArea(b);
        assertThat(area[3]).isEqualTo((byte) 0x00);
        area[3] = 0x02;
        assertRejected(withRecordsArea(2, area), BatchError.INVALID_RECORD, "record 0 has offset delta 1", 0);
    }

    @Test
    void recordWhoseFieldsOverrunItsLengthIsInvalid() {
        // Record 0 claims 1 byte (attributes only); its timestamp and offset delta would be read from
        // record 1's length and attributes. Kafka's reader refuses such a record.
        String record0 = "02" + "00";
        String record1 = "0c" + "00" + "00" + "02" + "01" + "01" + "00"; // len 6, ts 0, delta 1, null, null, 0 headers
        BatchValidator.Result r = validate(withRecordsArea(2, hex(record0 + record1)));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
    }

    @Test
    void keyLengthRunningPastTheRecordIsInvalid() {
        // len 6: attributes, ts 0, delta 0, key of 50 bytes (0x64) where 2 are left, value null, no headers.
        String record = "0c" + "00" + "00" + "00" + "64" + "01" + "00";
        BatchValidator.Result r = validate(withRecordsArea(1, hex(record)));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
    }

    @Test
    void headerCountRunningPastTheRecordIsInvalid() {
        // len 6: attributes, ts 0, delta 0, key null, value null, 3 headers (0x06) with no bytes for them.
        String record = "0c" + "00" + "00" + "00" + "01" + "01" + "06";
        BatchValidator.Result r = validate(withRecordsArea(1, hex(record)));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
    }

    @Test
    void negativeHeaderCountIsInvalid() {
        String record = "0c" + "00" + "00" + "00" + "01" + "01" + "01"; // -1 headers
        BatchValidator.Result r = validate(withRecordsArea(1, hex(record)));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
    }

    @Test
    void handWrittenMinimalRecordIsAccepted() {
        // The same layout as the rejected ones above, but consistent: a record with null key and value.
        String record = "0c" + "00" + "00" + "00" + "01" + "01" + "00";
        BatchValidator.Result r = validate(withRecordsArea(1, hex(record)));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
        assertThat(KafkaRecords.decode(withRecordsArea(1, hex(record))).get(0).key())
                .isNull();
    }

    @Test
    void overLongVarintInARecordIsInvalidNotAnException() {
        // len 16: attributes, an 11-byte timestamp delta, delta 0, key null, value null, no headers.
        String record = "20" + "00" + "ff".repeat(10) + "01" + "00" + "01" + "01" + "00";
        BatchValidator.Result r = validate(withRecordsArea(1, hex(record)));
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(r.message()).contains("malformed record 0").contains("varlong");
    }

    // ---- several batches ----

    @Test
    void twoValidBatchesFollowedByGarbageReportTheValidPrefix() {
        ByteBuffer a = batch("a", 2, 1);
        ByteBuffer b = batch("b", 3, 2);
        int prefix = a.remaining() + b.remaining();
        byte[] ff = new byte[40];
        Arrays.fill(ff, (byte) 0xFF);
        assertRejected(concat(a, b, ByteBuffer.wrap(ff)), BatchError.CORRUPT, "", prefix);
        assertRejected(concat(a, b, ByteBuffer.wrap(new byte[100])), BatchError.CORRUPT, "", prefix);
        assertRejected(concat(a, b, ByteBuffer.wrap(new byte[5])), BatchError.CORRUPT, "truncated", prefix);
        assertRejected(
                concat(a, b, ByteBuffer.wrap("garbage after the batches!".getBytes(StandardCharsets.US_ASCII))),
                BatchError.CORRUPT,
                "",
                prefix);
    }

    @Test
    void validBytesIsRelativeToThePosition() {
        ByteBuffer a = batch("a", 2, 1);
        ByteBuffer bad = batch("bad", 2, 1);
        bad.put(RecordBatch.MAGIC_OFFSET, (byte) 0);
        ByteBuffer buf = concat(ByteBuffer.wrap(new byte[9]), a, bad);
        buf.position(9);
        BatchValidator.Result r = validate(buf);
        assertThat(r.error()).isEqualTo(BatchError.UNSUPPORTED_MAGIC);
        assertThat(r.validBytes()).isEqualTo(a.remaining());
    }

    @Test
    void errorsCarryTheirKafkaErrorCodes() {
        assertThat(BatchError.NONE.kafkaError()).isEqualTo(Errors.NONE);
        assertThat(BatchError.CORRUPT.kafkaError()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(BatchError.INVALID_RECORD.kafkaError()).isEqualTo(Errors.INVALID_RECORD);
    }

    // ---- checkFraming ----

    @Test
    void checkFramingAcceptsAWholeBatchAnywhereInTheBuffer() {
        ByteBuffer a = batch("a", 2, 1);
        ByteBuffer b = batch("b", 4, 1);
        ByteBuffer buf = concat(a, b);
        assertThat(BatchValidator.checkFraming(buf, 0, buf.limit())).isNull();
        assertThat(BatchValidator.checkFraming(buf, a.remaining(), buf.limit())).isNull();
        assertThat(BatchValidator.checkFraming(buf, 0, a.remaining())).isNull();
    }

    @Test
    void checkFramingHonoursTheGivenEndNotTheLimit() {
        ByteBuffer a = batch("a", 2, 1);
        assertThat(BatchValidator.checkFraming(a, 0, a.limit() - 1)).contains("runs past");
        assertThat(BatchValidator.checkFraming(a, 0, 11)).contains("truncated");
        assertThat(BatchValidator.checkFraming(a, 0, 0)).contains("truncated");
    }

    @Test
    void checkFramingIgnoresContent() {
        ByteBuffer b = batch("a", 2, 1);
        b.put(RecordBatch.MAGIC_OFFSET, (byte) 9);
        b.put(b.limit() - 1, (byte) 0x7f);
        assertThat(BatchValidator.checkFraming(b, 0, b.limit())).isNull();
        b.putInt(RecordBatch.LENGTH_OFFSET, -1);
        assertThat(BatchValidator.checkFraming(b, 0, b.limit())).contains("smaller than a batch header");
    }

    // ---- checkIntact ----

    @Test
    void checkIntactAcceptsStoredBatchesOfAnyCodecAndTimestampType() {
        ByteBuffer plain = batch("p", 3, 1);
        ByteBuffer zstd = KafkaRecords.build(KafkaRecords.ZSTD, 100, records("z", 3, 1));
        RecordBatch.setLogAppendTime(zstd, 0, 99);
        ByteBuffer buf = concat(plain, zstd);
        assertThat(BatchValidator.checkIntact(buf, 0, buf.limit())).isNull();
        assertThat(BatchValidator.checkIntact(buf, plain.remaining(), buf.limit()))
                .isNull();
    }

    @Test
    void checkIntactAcceptsACompactedBatchWithOffsetGaps() {
        // Compaction keeps lastOffsetDelta but drops records: fine when stored, not for a producer.
        ByteBuffer b = batch("compacted", 2, 1);
        b.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 9);
        RecordBatch.writeCrc(b, 0);
        assertThat(BatchValidator.checkIntact(b, 0, b.limit())).isNull();
        assertThat(validate(b).error()).isEqualTo(BatchError.INVALID_RECORD);
    }

    @Test
    void checkIntactRejectsFramingMagicCrcAndNegativeDelta() {
        ByteBuffer ok = batch("x", 2, 1);
        assertThat(BatchValidator.checkIntact(ok, 0, ok.limit() - 1)).contains("runs past");

        ByteBuffer magic = batch("x", 2, 1);
        magic.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
        assertThat(BatchValidator.checkIntact(magic, 0, magic.limit())).contains("magic 1");

        ByteBuffer crc = batch("x", 2, 1);
        crc.put(crc.limit() - 1, (byte) (crc.get(crc.limit() - 1) + 1));
        assertThat(BatchValidator.checkIntact(crc, 0, crc.limit())).contains("CRC");

        ByteBuffer negative = batch("x", 2, 1);
        negative.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, -1);
        RecordBatch.writeCrc(negative, 0);
        assertThat(BatchValidator.checkIntact(negative, 0, negative.limit())).contains("negative lastOffsetDelta");
    }
}
