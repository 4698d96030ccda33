package dev.spool.storage;

import static dev.spool.protocol.record.RecordBatch.HEADER_SIZE;
import static dev.spool.protocol.record.RecordBatch.LOG_OVERHEAD;

import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.RecordTimestamps;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Finds the first record at or after a timestamp in one segment (ListOffsets by time). */
final class TimestampSearch {
    private TimestampSearch() {}

    /**
     * Scans the segment's batches from the one holding {@code scanFrom} for the first record with
     * timestamp at least {@code target} and offset at least {@code minOffset}; null if there is none.
     */
    static Log.TimestampOffset search(LogSegment segment, long scanFrom, long target, long minOffset)
            throws IOException {
        int limit = segment.size();
        LogSegment.BatchPosition at = segment.translateOffset(scanFrom, limit);
        if (at == null) {
            return null;
        }
        int pos = at.position();
        while (true) {
            ByteBuffer h = segment.readHeader(pos, limit);
            if (h == null) {
                return null;
            }
            int size = LOG_OVERHEAD + RecordBatch.length(h, 0);
            if (size < HEADER_SIZE || pos + size > limit) {
                return null;
            }
            if (RecordBatch.maxTimestamp(h, 0) >= target && RecordBatch.lastOffset(h, 0) >= minOffset) {
                ByteBuffer batch = ByteBuffer.allocate(size);
                while (batch.hasRemaining()) {
                    if (segment.channel().read(batch, pos + batch.position()) < 0) {
                        return null;
                    }
                }
                RecordTimestamps.OffsetAndTimestamp found =
                        RecordTimestamps.firstAtOrAfter(batch.flip(), 0, target, minOffset);
                if (found != null) {
                    return new Log.TimestampOffset(found.timestamp(), found.offset());
                }
            }
            pos += size;
        }
    }
}
