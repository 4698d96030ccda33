package dev.spool.protocol.record;

import static dev.spool.protocol.record.RecordBatch.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds uncompressed v2 record batches byte-for-byte as Kafka's producer does, for tests, tools and
 * broker-written control batches. Not on the produce path: producers send ready batches.
 */
public final class BatchBuilder {
    private BatchBuilder() {}

    /** Producer identity for idempotent or transactional batches. */
    public record ProducerInfo(long producerId, short producerEpoch, int baseSequence, boolean transactional) {
        public static final ProducerInfo NONE = new ProducerInfo(NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, false);
    }

    /** A plain batch with base offset 0 and no producer id. */
    public static ByteBuffer build(List<SimpleRecord> records) {
        return build(0L, ProducerInfo.NONE, records);
    }

    /** Builds one batch; the returned buffer is positioned at 0 and limited to the batch. */
    public static ByteBuffer build(long baseOffset, ProducerInfo producer, List<SimpleRecord> records) {
        return build(baseOffset, producer, records, producer.transactional() ? TRANSACTIONAL_FLAG_MASK : 0);
    }

    /**
     * Builds a control batch (attributes control + transactional, as Kafka writes transaction
     * markers) of one record with {@code key} and {@code value}; base sequence -1.
     */
    public static ByteBuffer buildControl(
            long baseOffset, long producerId, short producerEpoch, long timestamp, byte[] key, byte[] value) {
        return build(
                baseOffset,
                new ProducerInfo(producerId, producerEpoch, NO_SEQUENCE, true),
                List.of(new SimpleRecord(timestamp, key, value)),
                TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK);
    }

    private static ByteBuffer build(
            long baseOffset, ProducerInfo producer, List<SimpleRecord> records, int attributes) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        long baseTimestamp = records.get(0).timestamp();
        long maxTimestamp = NO_TIMESTAMP;
        int size = HEADER_SIZE;
        for (int i = 0; i < records.size(); i++) {
            SimpleRecord r = records.get(i);
            int body = bodySize(r, i, r.timestamp() - baseTimestamp);
            size += Varint.sizeOfVarint(body) + body;
            maxTimestamp = Math.max(maxTimestamp, r.timestamp());
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putLong(BASE_OFFSET_OFFSET, baseOffset);
        buf.putInt(LENGTH_OFFSET, size - LOG_OVERHEAD);
        buf.putInt(PARTITION_LEADER_EPOCH_OFFSET, NO_PARTITION_LEADER_EPOCH);
        buf.put(MAGIC_OFFSET, MAGIC_V2);
        buf.putShort(ATTRIBUTES_OFFSET, (short) attributes);
        buf.putInt(LAST_OFFSET_DELTA_OFFSET, records.size() - 1);
        buf.putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp);
        buf.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buf.putLong(PRODUCER_ID_OFFSET, producer.producerId());
        buf.putShort(PRODUCER_EPOCH_OFFSET, producer.producerEpoch());
        buf.putInt(BASE_SEQUENCE_OFFSET, producer.baseSequence());
        buf.putInt(RECORDS_COUNT_OFFSET, records.size());
        buf.position(RECORDS_OFFSET);
        for (int i = 0; i < records.size(); i++) {
            SimpleRecord r = records.get(i);
            long timestampDelta = r.timestamp() - baseTimestamp;
            Varint.writeVarint(buf, bodySize(r, i, timestampDelta));
            buf.put((byte) 0);
            Varint.writeVarlong(buf, timestampDelta);
            Varint.writeVarint(buf, i);
            writeBytes(buf, r.key());
            writeBytes(buf, r.value());
            Varint.writeVarint(buf, r.headers().size());
            for (SimpleRecord.Header h : r.headers()) {
                writeBytes(buf, h.key().getBytes(StandardCharsets.UTF_8));
                writeBytes(buf, h.value());
            }
        }
        buf.flip();
        writeCrc(buf, 0);
        return buf;
    }

    private static int bodySize(SimpleRecord r, int offsetDelta, long timestampDelta) {
        int size = 1 + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(offsetDelta);
        size += bytesSize(r.key()) + bytesSize(r.value());
        size += Varint.sizeOfVarint(r.headers().size());
        for (SimpleRecord.Header h : r.headers()) {
            size += bytesSize(h.key().getBytes(StandardCharsets.UTF_8)) + bytesSize(h.value());
        }
        return size;
    }

    private static int bytesSize(byte[] b) {
        return b == null ? 1 : Varint.sizeOfVarint(b.length) + b.length;
    }

    private static void writeBytes(ByteBuffer buf, byte[] b) {
        if (b == null) {
            Varint.writeVarint(buf, -1);
        } else {
            Varint.writeVarint(buf, b.length);
            buf.put(b);
        }
    }
}
