package dev.spool.storage;

import static dev.spool.protocol.record.RecordBatch.HEADER_SIZE;
import static dev.spool.protocol.record.RecordBatch.LOG_OVERHEAD;

import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.RecordTimestamps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;

/** Finds records by timestamp across a log's segments (ListOffsets by time and max-timestamp). */
final class TimestampSearch {
    private TimestampSearch() {}

    /**
     * The first record at or after {@code timestamp} (and at or after the log start) in any segment; a
     * compressed record claiming more than {@code maxRecordBytes} fails the search.
     */
    static Log.TimestampOffset firstAtOrAfter(
            Collection<LogSegment> segments, long timestamp, long logStartOffset, int maxRecordBytes)
            throws IOException {
        for (LogSegment segment : segments) {
            if (segment.size() == 0 || segment.maxTimestampSoFar() < timestamp) {
                continue;
            }
            long from = Math.max(segment.timeIndex().lookupStartOffset(timestamp), logStartOffset);
            Log.TimestampOffset found = search(segment, from, timestamp, logStartOffset, maxRecordBytes);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The record holding the largest timestamp of the log, or null if no batch has a timestamp. */
    static Log.TimestampOffset maxTimestamp(Collection<LogSegment> segments, long logStartOffset, int maxRecordBytes)
            throws IOException {
        LogSegment best = null;
        for (LogSegment segment : segments) {
            if (segment.size() > 0 && (best == null || segment.maxTimestampSoFar() > best.maxTimestampSoFar())) {
                best = segment;
            }
        }
        if (best == null || best.maxTimestampSoFar() < 0) {
            return null;
        }
        long ts = best.maxTimestampSoFar();
        return search(best, best.offsetOfMaxTimestampSoFar(), ts, logStartOffset, maxRecordBytes);
    }

    /**
     * Scans the segment's batches from the one holding {@code scanFrom} for the first record with
     * timestamp at least {@code target} and offset at least {@code minOffset}; null if there is none.
     */
    static Log.TimestampOffset search(
            LogSegment segment, long scanFrom, long target, long minOffset, int maxRecordBytes) throws IOException {
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
                        RecordTimestamps.firstAtOrAfter(batch.flip(), 0, target, minOffset, maxRecordBytes);
                if (found != null) {
                    return new Log.TimestampOffset(found.timestamp(), found.offset());
                }
            }
            pos += size;
        }
    }
}
