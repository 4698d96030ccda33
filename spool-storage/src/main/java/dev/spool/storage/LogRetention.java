package dev.spool.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What leaves one {@link Log} from its start: DeleteRecords (the log start offset moved by a client)
 * and retention passes ({@code retention.ms}, {@code retention.bytes}), each removing the oldest whole
 * segments. Split from {@link Log} to keep it small.
 *
 * <p>Lifecycle: one per log, created with it. Thread-safety: every operation takes the log's lock.
 */
final class LogRetention {
    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);

    private final Log log;
    private final NavigableMap<Long, LogSegment> segments;
    private final ReentrantLock lock;

    LogRetention(Log log) {
        this.log = log;
        this.segments = log.segmentMap();
        this.lock = log.lock();
    }

    /** See {@link Log#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) throws LogOfflineException {
        lock.lock();
        try {
            log.checkOnline();
            if (offset > log.highWatermark()) {
                return -1;
            }
            log.raiseLogStartOffset(offset);
            deleteSegments(SegmentRetention.belowLogStart(log.logStartOffset()), "log start offset");
            return log.logStartOffset();
        } catch (IOException e) {
            throw log.markOffline("delete records of " + log.topicPartition(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One retention pass: deletes the oldest segments that lie below the high watermark and are past
     * {@code retention.ms} (by their largest timestamp), beyond {@code retention.bytes}, or wholly below
     * the log start offset. Time and size retention apply only when {@code cleanup.policy} contains
     * {@code delete} (as in Kafka); deletion below the log start offset always applies. Returns the
     * number of segments deleted.
     */
    int deleteOldSegments() throws LogOfflineException {
        lock.lock();
        try {
            log.checkOnline();
            LogConfig cfg = log.config();
            long now = log.env().time().milliseconds();
            int deleted = deleteSegments(SegmentRetention.belowLogStart(log.logStartOffset()), "log start offset");
            if (cfg.delete() && cfg.retentionMs() >= 0) {
                deleted += deleteSegments(SegmentRetention.olderThan(now, cfg.retentionMs()), "retention.ms");
            }
            if (cfg.delete() && cfg.retentionBytes() >= 0) {
                deleted += deleteSegments(
                        SegmentRetention.beyondSize(log.size(), cfg.retentionBytes()), "retention.bytes");
            }
            return deleted;
        } catch (IOException e) {
            throw log.markOffline("retention of " + log.topicPartition(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the longest prefix of segments that satisfy {@code rule} and lie below the HW. */
    private int deleteSegments(SegmentRetention.SegmentPredicate rule, String reason) throws IOException {
        List<LogSegment> all = new ArrayList<>(segments.values());
        List<LogSegment> deletable =
                SegmentRetention.deletablePrefix(all, log.logEndOffset(), log.highWatermark(), rule);
        if (deletable.isEmpty()) {
            return 0;
        }
        if (deletable.size() == all.size()) {
            log.roll(log.env().time().milliseconds()); // always keep an active segment
        }
        for (LogSegment segment : deletable) {
            segments.remove(segment.baseOffset());
        }
        long newStart = segments.firstKey();
        ProducerStateSnapshot.deleteBelow(log.dir(), newStart);
        log.raiseLogStartOffset(newStart);
        LOG.info(
                "Deleting {} segment(s) of {} by {}; log start offset now {}",
                deletable.size(),
                log.topicPartition(),
                reason,
                log.logStartOffset());
        log.scheduleDeletion(deletable);
        return deletable.size();
    }
}
