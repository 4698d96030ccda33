package dev.spool.storage;

import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The read side of one {@link Log}: whole-batch file slices for fetches and offset lookups for
 * ListOffsets. Split from {@link Log} to keep it small.
 *
 * <p>Lifecycle: one per log, created with it. Thread-safety: takes no lock; it reads the log's
 * concurrent segment map and its published offsets.
 */
final class LogReader {
    private final Log log;
    private final NavigableMap<Long, LogSegment> segments;

    LogReader(Log log) {
        this.log = log;
        this.segments = log.segmentMap();
    }

    /**
     * Reads whole batches starting with the one holding {@code startOffset}, from a single segment:
     * at most {@code maxBytes} (but the first batch whole even if larger, when {@code minOneBatch}),
     * and nothing at or beyond {@code upperBound} (an offset at a batch boundary: the high watermark
     * for consumers, the last stable offset for read_committed ones, the log end offset for
     * followers). An offset outside
     * [{@code logStartOffset}, {@code logEndOffset}] gives {@link ReadResult.Status#OFFSET_OUT_OF_RANGE}.
     */
    ReadResult read(long startOffset, int maxBytes, long upperBound, boolean minOneBatch) throws LogOfflineException {
        log.checkOnline();
        long end = log.logEndOffset();
        long start = log.logStartOffset();
        if (startOffset < start || startOffset > end) {
            return new ReadResult(ReadResult.Status.OFFSET_OUT_OF_RANGE, null, start, end);
        }
        long bound = Math.min(upperBound, end);
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
            if (entry == null) {
                entry = segments.firstEntry();
            }
            while (entry != null && startOffset < bound) {
                LogSegment segment = entry.getValue();
                int maxPosition = maxPosition(segment, bound);
                FileSlice slice = segment.read(startOffset, maxBytes, maxPosition, minOneBatch);
                if (slice != null) {
                    return new ReadResult(ReadResult.Status.OK, slice, start, end);
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException e) {
            throw log.markOffline("read of " + log.topicPartition(), e);
        }
        return new ReadResult(
                ReadResult.Status.OK, FileSlice.empty(log.activeSegment().channel()), start, end);
    }

    /** The file position in {@code segment} where offset {@code bound} starts (or its end). */
    private int maxPosition(LogSegment segment, long bound) throws IOException {
        Map.Entry<Long, LogSegment> next = segments.higherEntry(segment.baseOffset());
        if (next != null && next.getKey() <= bound) {
            return Integer.MAX_VALUE;
        }
        // The segment may grow while we read, and its size is published apart from the log end offset:
        // bound the read by the size seen now, cut at the batch holding the bound if that size has it.
        return segment.positionOf(bound, segment.size());
    }

    /**
     * ListOffsets: {@link Log#EARLIEST_TIMESTAMP}, {@link Log#LATEST_TIMESTAMP}, {@link Log#MAX_TIMESTAMP},
     * {@link Log#EARLIEST_LOCAL_TIMESTAMP}, or the first record whose timestamp is at least
     * {@code timestamp}. Returns null if no record qualifies.
     */
    Log.TimestampOffset fetchOffsetByTimestamp(long timestamp) throws LogOfflineException {
        log.checkOnline();
        if (timestamp == Log.EARLIEST_TIMESTAMP || timestamp == Log.EARLIEST_LOCAL_TIMESTAMP) {
            return new Log.TimestampOffset(RecordBatch.NO_TIMESTAMP, log.logStartOffset());
        }
        if (timestamp == Log.LATEST_TIMESTAMP) {
            return new Log.TimestampOffset(RecordBatch.NO_TIMESTAMP, log.logEndOffset());
        }
        try {
            if (timestamp == Log.MAX_TIMESTAMP) {
                return TimestampSearch.maxTimestamp(
                        segments.values(), log.logStartOffset(), log.config().maxDecompressedMessageBytes());
            }
            if (timestamp < 0) {
                return null;
            }
            return TimestampSearch.firstAtOrAfter(
                    segments.values(),
                    timestamp,
                    log.logStartOffset(),
                    log.config().maxDecompressedMessageBytes());
        } catch (IOException e) {
            throw log.markOffline("offset lookup in " + log.topicPartition(), e);
        }
    }
}
