package dev.spool.protocol.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Descriptor of the Kafka v2 record batch (magic 2), the unit Spool stores and sends: static accessors
 * over a {@link ByteBuffer} at a given position, no copies and no allocation.
 *
 * <pre>
 *  0                   8          12                    16    17        21           23
 *  +-------------------+----------+---------------------+-----+---------+------------+
 *  | baseOffset int64  | length   | partitionLeaderEpoch|magic| crc     | attributes |
 *  |                   | int32    | int32               |int8 | uint32  | int16      |
 *  +-------------------+----------+---------------------+-----+---------+------------+
 *  23                  27                 35                43                 51
 *  +-------------------+------------------+-----------------+------------------+
 *  | lastOffsetDelta   | baseTimestamp    | maxTimestamp    | producerId int64 |
 *  | int32             | int64            | int64           |                  |
 *  +-------------------+------------------+-----------------+------------------+
 *  51               53                57              61
 *  +----------------+-----------------+---------------+-----------------------------+
 *  | producerEpoch  | baseSequence    | recordCount   | records (maybe compressed)  |
 *  | int16          | int32           | int32         | ...                         |
 *  +----------------+-----------------+---------------+-----------------------------+
 * </pre>
 *
 * <p>{@code length} counts the bytes after itself, so a batch occupies {@code LOG_OVERHEAD + length}
 * bytes. The CRC-32C covers everything from {@code attributes} to the end of the batch; {@code baseOffset}
 * and {@code partitionLeaderEpoch} lie outside it so a broker can assign them without recomputing it.
 *
 * <p>Attributes: bits 0-2 compression codec, bit 3 timestamp type (1 = LogAppendTime), bit 4
 * transactional, bit 5 control batch, bit 6 delete horizon set (compaction).
 */
public final class RecordBatch {
    private RecordBatch() {}

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BASE_OFFSET_LENGTH = 8;
    public static final int LENGTH_OFFSET = BASE_OFFSET_OFFSET + BASE_OFFSET_LENGTH;
    public static final int LENGTH_LENGTH = 4;
    /** Bytes before the part that {@code length} counts: baseOffset and length. */
    public static final int LOG_OVERHEAD = LENGTH_OFFSET + LENGTH_LENGTH;

    public static final int PARTITION_LEADER_EPOCH_OFFSET = LOG_OVERHEAD;
    public static final int PARTITION_LEADER_EPOCH_LENGTH = 4;
    public static final int MAGIC_OFFSET = PARTITION_LEADER_EPOCH_OFFSET + PARTITION_LEADER_EPOCH_LENGTH;
    public static final int MAGIC_LENGTH = 1;
    public static final int CRC_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int CRC_LENGTH = 4;
    public static final int ATTRIBUTES_OFFSET = CRC_OFFSET + CRC_LENGTH;
    public static final int ATTRIBUTES_LENGTH = 2;
    public static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + ATTRIBUTES_LENGTH;
    public static final int LAST_OFFSET_DELTA_LENGTH = 4;
    public static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + LAST_OFFSET_DELTA_LENGTH;
    public static final int BASE_TIMESTAMP_LENGTH = 8;
    public static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + BASE_TIMESTAMP_LENGTH;
    public static final int MAX_TIMESTAMP_LENGTH = 8;
    public static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + MAX_TIMESTAMP_LENGTH;
    public static final int PRODUCER_ID_LENGTH = 8;
    public static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + PRODUCER_ID_LENGTH;
    public static final int PRODUCER_EPOCH_LENGTH = 2;
    public static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + PRODUCER_EPOCH_LENGTH;
    public static final int BASE_SEQUENCE_LENGTH = 4;
    public static final int RECORDS_COUNT_OFFSET = BASE_SEQUENCE_OFFSET + BASE_SEQUENCE_LENGTH;
    public static final int RECORDS_COUNT_LENGTH = 4;
    public static final int RECORDS_OFFSET = RECORDS_COUNT_OFFSET + RECORDS_COUNT_LENGTH;
    /** The size of a batch header, and so of the smallest possible batch. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;

    /** The only magic Spool stores. */
    public static final byte MAGIC_V2 = 2;

    public static final int COMPRESSION_CODEC_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    public static final int CONTROL_FLAG_MASK = 0x20;
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;
    /** The highest compression codec id Kafka defines (zstd). */
    public static final int MAX_COMPRESSION_CODEC = 4;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    // ---- accessors: absolute reads and writes at batch start position `pos` ----

    public static long baseOffset(ByteBuffer buf, int pos) {
        return buf.getLong(pos + BASE_OFFSET_OFFSET);
    }

    public static void setBaseOffset(ByteBuffer buf, int pos, long baseOffset) {
        buf.putLong(pos + BASE_OFFSET_OFFSET, baseOffset);
    }

    /** The value of the length field: the batch's size minus {@link #LOG_OVERHEAD}. */
    public static int length(ByteBuffer buf, int pos) {
        return buf.getInt(pos + LENGTH_OFFSET);
    }

    /** The whole batch's size in bytes, as its length field claims. */
    public static int sizeInBytes(ByteBuffer buf, int pos) {
        return LOG_OVERHEAD + length(buf, pos);
    }

    public static int partitionLeaderEpoch(ByteBuffer buf, int pos) {
        return buf.getInt(pos + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public static void setPartitionLeaderEpoch(ByteBuffer buf, int pos, int epoch) {
        buf.putInt(pos + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    public static byte magic(ByteBuffer buf, int pos) {
        return buf.get(pos + MAGIC_OFFSET);
    }

    /** The stored CRC as an unsigned 32-bit value. */
    public static long crc(ByteBuffer buf, int pos) {
        return Integer.toUnsignedLong(buf.getInt(pos + CRC_OFFSET));
    }

    public static short attributes(ByteBuffer buf, int pos) {
        return buf.getShort(pos + ATTRIBUTES_OFFSET);
    }

    public static int compressionCodec(ByteBuffer buf, int pos) {
        return attributes(buf, pos) & COMPRESSION_CODEC_MASK;
    }

    public static boolean isLogAppendTime(ByteBuffer buf, int pos) {
        return (attributes(buf, pos) & TIMESTAMP_TYPE_MASK) != 0;
    }

    public static boolean isTransactional(ByteBuffer buf, int pos) {
        return (attributes(buf, pos) & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    public static boolean isControl(ByteBuffer buf, int pos) {
        return (attributes(buf, pos) & CONTROL_FLAG_MASK) != 0;
    }

    public static int lastOffsetDelta(ByteBuffer buf, int pos) {
        return buf.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
    }

    /** The offset of the batch's last record: {@code baseOffset + lastOffsetDelta}. */
    public static long lastOffset(ByteBuffer buf, int pos) {
        return baseOffset(buf, pos) + lastOffsetDelta(buf, pos);
    }

    /** The offset that follows the batch. */
    public static long nextOffset(ByteBuffer buf, int pos) {
        return lastOffset(buf, pos) + 1;
    }

    public static long baseTimestamp(ByteBuffer buf, int pos) {
        return buf.getLong(pos + BASE_TIMESTAMP_OFFSET);
    }

    public static long maxTimestamp(ByteBuffer buf, int pos) {
        return buf.getLong(pos + MAX_TIMESTAMP_OFFSET);
    }

    public static long producerId(ByteBuffer buf, int pos) {
        return buf.getLong(pos + PRODUCER_ID_OFFSET);
    }

    public static short producerEpoch(ByteBuffer buf, int pos) {
        return buf.getShort(pos + PRODUCER_EPOCH_OFFSET);
    }

    public static int baseSequence(ByteBuffer buf, int pos) {
        return buf.getInt(pos + BASE_SEQUENCE_OFFSET);
    }

    public static int recordCount(ByteBuffer buf, int pos) {
        return buf.getInt(pos + RECORDS_COUNT_OFFSET);
    }

    /** CRC-32C of the bytes the stored CRC covers, computed over the batch at {@code pos}. */
    public static long computeCrc(ByteBuffer buf, int pos) {
        int from = pos + ATTRIBUTES_OFFSET;
        int len = pos + sizeInBytes(buf, pos) - from;
        CRC32C crc = CRC.get();
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + from, len);
        } else {
            crc.update(buf.duplicate().limit(from + len).position(from));
        }
        return crc.getValue();
    }

    /** One CRC engine per thread: batches are checked on every append and recovery. */
    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

    /** Recomputes and stores the CRC, after a change to a field it covers. */
    public static void writeCrc(ByteBuffer buf, int pos) {
        buf.putInt(pos + CRC_OFFSET, (int) computeCrc(buf, pos));
    }

    /**
     * Stamps a LogAppendTime: sets the timestamp-type bit and {@code maxTimestamp}, then rewrites the
     * CRC, since both fields lie under it. As Kafka does, record timestamps inside are left as sent;
     * readers take the batch's maxTimestamp for every record of a LogAppendTime batch.
     */
    public static void setLogAppendTime(ByteBuffer buf, int pos, long timestamp) {
        short attrs = attributes(buf, pos);
        buf.putShort(pos + ATTRIBUTES_OFFSET, (short) (attrs | TIMESTAMP_TYPE_MASK));
        buf.putLong(pos + MAX_TIMESTAMP_OFFSET, timestamp);
        writeCrc(buf, pos);
    }
}
