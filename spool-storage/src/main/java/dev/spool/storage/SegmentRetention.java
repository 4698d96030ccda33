package dev.spool.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a log's oldest segments a deletion rule (log start offset, {@code retention.ms},
 * {@code retention.bytes}) may remove. Pure decisions over a list of segments; {@link Log} takes them
 * under its lock and applies them. Not thread-safe: the size rule counts down as it is asked.
 */
final class SegmentRetention {
    private SegmentRetention() {}

    /** A rule on one segment, given the segment after it (null for the last). */
    @FunctionalInterface
    interface SegmentPredicate {
        boolean test(LogSegment segment, LogSegment next) throws IOException;
    }

    /** Segments that end at or below the log start offset (DeleteRecords, retention). */
    static SegmentPredicate belowLogStart(long logStartOffset) {
        return (segment, next) -> next != null && next.baseOffset() <= logStartOffset;
    }

    /** Segments whose largest timestamp is more than {@code retentionMs} before {@code nowMs}. */
    static SegmentPredicate olderThan(long nowMs, long retentionMs) {
        return (segment, next) -> nowMs - segment.largestTimestamp() > retentionMs;
    }

    /** The oldest segments whose removal still leaves at least {@code retentionBytes} of {@code logBytes}. */
    static SegmentPredicate beyondSize(long logBytes, long retentionBytes) {
        long[] excess = {logBytes - retentionBytes};
        return (segment, next) -> {
            if (excess[0] - segment.size() >= 0) {
                excess[0] -= segment.size();
                return true;
            }
            return false;
        };
    }

    /**
     * The longest prefix of {@code all} (oldest first) whose segments satisfy {@code rule} and end at or
     * below the high watermark; an empty active segment is never part of it.
     */
    static List<LogSegment> deletablePrefix(
            List<LogSegment> all, long logEndOffset, long highWatermark, SegmentPredicate rule) throws IOException {
        List<LogSegment> deletable = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LogSegment segment = all.get(i);
            LogSegment next = i + 1 < all.size() ? all.get(i + 1) : null;
            long segmentEnd = next != null ? next.baseOffset() : logEndOffset;
            boolean belowHighWatermark = segmentEnd <= highWatermark;
            boolean emptyActive = next == null && segment.size() == 0;
            if (!belowHighWatermark || emptyActive || !rule.test(segment, next)) {
                break;
            }
            deletable.add(segment);
        }
        return deletable;
    }
}
