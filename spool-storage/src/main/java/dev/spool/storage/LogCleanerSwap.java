package dev.spool.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;

/**
 * The cleaner's side of one {@link Log}: a snapshot of what may be cleaned now, and the crash-safe
 * swap of cleaned segments in for old ones. Split from {@link Log} to keep it small; it works on the
 * log's segment map under the log's lock.
 *
 * <p>Lifecycle: one per log, created with it. Thread-safety: every method takes the log's lock; the
 * truncation counters are guarded by it too ({@link #onTruncated} is called with it held).
 */
final class LogCleanerSwap {
    private final Log log;
    /** Counts truncations, so the cleaner can tell a segment it read was cut since. */
    private int truncations;
    /** The lowest offset truncated to since the cleaner last asked; Long.MAX_VALUE if none. */
    private long truncatedToSinceCleaner = Long.MAX_VALUE;

    LogCleanerSwap(Log log) {
        this.log = log;
    }

    /**
     * What the cleaner may clean now: the non-active segments, oldest first, that end at or before
     * the first uncleanable offset = min(active segment's base, high watermark, first offset of an
     * ongoing transaction, base of the first segment with a record younger than
     * {@code min.compaction.lag.ms}); and each producer's last data offset (the batch the cleaner
     * keeps, {@link ProducerStateManager#lastDataOffsets}).
     */
    record CleanableSnapshot(
            List<LogSegment> segments,
            List<Long> segmentEnds,
            long firstUncleanableOffset,
            int truncations,
            Map<Long, Long> lastDataOffsets) {}

    /** Called under the log's lock when the log is truncated to {@code offset}. */
    void onTruncated(long offset) {
        truncations++;
        truncatedToSinceCleaner = Math.min(truncatedToSinceCleaner, offset);
    }

    /**
     * The lowest offset this log was truncated to since the last call (Long.MAX_VALUE if none): the
     * cleaner moves its checkpoint back to it, as records from there on were rewritten.
     */
    long takeTruncatedToSinceCleaner() {
        log.lock().lock();
        try {
            long t = truncatedToSinceCleaner;
            truncatedToSinceCleaner = Long.MAX_VALUE;
            return t;
        } finally {
            log.lock().unlock();
        }
    }

    CleanableSnapshot cleanableSnapshot(long nowMs) throws IOException {
        log.lock().lock();
        try {
            log.checkOnline();
            LogSegment active = log.activeSegment();
            long firstUncleanable = Math.min(active.baseOffset(), log.lastStableOffset());
            long minLag = log.config().minCompactionLagMs();
            List<LogSegment> out = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            List<LogSegment> all = new ArrayList<>(log.segmentMap().values());
            for (int i = 0; i + 1 < all.size(); i++) {
                LogSegment s = all.get(i);
                long end = all.get(i + 1).baseOffset();
                if (minLag > 0 && s.maxTimestampSoFar() > nowMs - minLag) {
                    firstUncleanable = Math.min(firstUncleanable, s.baseOffset());
                }
                if (end > firstUncleanable) {
                    break;
                }
                out.add(s);
                ends.add(end);
            }
            return new CleanableSnapshot(
                    out,
                    ends,
                    firstUncleanable,
                    truncations,
                    log.producerStates().lastDataOffsets());
        } finally {
            log.lock().unlock();
        }
    }

    /**
     * Swaps {@code cleaned} (files ending {@code .cleaned}, complete and flushed, based at the first
     * old segment's base) in for the adjacent segments {@code olds}: renames the cleaned files to
     * {@code .swap} (from here on a crash completes the swap on load), renames the old segments' files
     * to {@code .deleted}, replaces them in the map by the new segment, then renames the {@code .swap}
     * files to their final names. Refuses (returns false, deleting the cleaned files) if an old
     * segment is no longer a non-active segment of this log or the log was truncated since the
     * snapshot numbered {@code truncationsAtSnapshot}.
     */
    boolean replaceSegments(List<LogSegment> olds, LogSegment cleaned, int truncationsAtSnapshot) throws IOException {
        log.lock().lock();
        try {
            log.checkOnline();
            ConcurrentNavigableMap<Long, LogSegment> segments = log.segmentMap();
            boolean current = truncations == truncationsAtSnapshot
                    && !olds.isEmpty()
                    && cleaned.baseOffset() == olds.get(0).baseOffset();
            for (LogSegment old : olds) {
                current &= segments.get(old.baseOffset()) == old && old != log.activeSegment();
            }
            if (!current) {
                cleaned.deleteFiles();
                return false;
            }
            try {
                cleaned.changeFileSuffixes(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
                for (LogSegment old : olds) {
                    old.renameForDeletion();
                }
                // Put first (it replaces the first old one), then drop the others: a lock-free reader
                // always finds a segment holding its offset, old or new.
                segments.put(cleaned.baseOffset(), cleaned);
                for (LogSegment old : olds.subList(1, olds.size())) {
                    segments.remove(old.baseOffset());
                }
                cleaned.changeFileSuffixes(LogSegment.SWAP_SUFFIX, "");
            } catch (IOException e) {
                throw log.markOffline("segment swap in " + log.topicPartition(), e);
            }
            log.scheduleFileDeletion(olds);
            return true;
        } finally {
            log.lock().unlock();
        }
    }
}
