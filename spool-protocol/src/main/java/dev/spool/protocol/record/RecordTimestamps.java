package dev.spool.protocol.record;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;

/**
 * Finds records by timestamp inside one batch, for ListOffsets: walks an uncompressed batch in place,
 * decompresses a compressed one (a rare path, never produce or fetch).
 */
public final class RecordTimestamps {
    private RecordTimestamps() {}

    /** A record's offset and its timestamp. */
    public record OffsetAndTimestamp(long offset, long timestamp) {}

    /**
     * The first record of the batch at {@code pos} whose timestamp is at least {@code target} and offset at
     * least {@code minOffset}, or null if there is none. Records of a LogAppendTime batch all carry the
     * batch's max timestamp.
     */
    public static OffsetAndTimestamp firstAtOrAfter(ByteBuffer buf, int pos, long target, long minOffset) {
        return firstAtOrAfter(buf, pos, target, minOffset, KafkaRecords.NO_RECORD_BOUND);
    }

    /**
     * As above; a compressed record claiming more than {@code maxRecordBytes}
     * ({@code max.decompressed.message.bytes}) fails the search before anything is allocated for it.
     */
    public static OffsetAndTimestamp firstAtOrAfter(
            ByteBuffer buf, int pos, long target, long minOffset, int maxRecordBytes) {
        long maxTs = RecordBatch.maxTimestamp(buf, pos);
        if (maxTs < target || minOffset > RecordBatch.lastOffset(buf, pos)) {
            return null;
        }
        long base = RecordBatch.baseOffset(buf, pos);
        if (RecordBatch.isLogAppendTime(buf, pos)) {
            return new OffsetAndTimestamp(Math.max(base, minOffset), maxTs);
        }
        if (RecordBatch.compressionCodec(buf, pos) != 0) {
            int size = RecordBatch.sizeInBytes(buf, pos);
            for (KafkaRecords.DecodedRecord r : KafkaRecords.decodeBatch(buf, pos, size, maxRecordBytes)) {
                if (r.timestamp() >= target && r.offset() >= minOffset) {
                    return new OffsetAndTimestamp(r.offset(), r.timestamp());
                }
            }
            return null;
        }
        long baseTs = RecordBatch.baseTimestamp(buf, pos);
        int count = RecordBatch.recordCount(buf, pos);
        ByteBuffer view = buf.duplicate().position(pos + RecordBatch.RECORDS_OFFSET);
        for (int i = 0; i < count; i++) {
            int length = Varint.readVarint(view);
            int next = view.position() + length;
            view.get(); // attributes
            long ts = baseTs + Varint.readVarlong(view);
            int offsetDelta = Varint.readVarint(view);
            if (ts >= target && base + offsetDelta >= minOffset) {
                return new OffsetAndTimestamp(base + offsetDelta, ts);
            }
            view.position(next);
        }
        return null;
    }
}
