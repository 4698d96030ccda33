package dev.spool.storage;

import dev.spool.common.TopicPartition;
import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition's log from its directory: removes leftovers of interrupted deletions, opens every
 * segment and, after an unclean stop, recovers (re-validates, truncates, re-indexes) every segment from
 * the one holding the recovery point on, plus any segment whose index is missing. Leftovers of the
 * cleaner are settled first: {@code .cleaned} files are deleted (the old segment is intact), a
 * {@code .swap} file replaces its old segment (see {@link #completeSwaps}). A segment cut short
 * by recovery makes every later segment invalid, and they are deleted.
 */
public final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    private LogLoader() {}

    /** What the broker's checkpoints say about a log, and whether the last stop was clean. */
    public record LoadParams(boolean hadCleanShutdown, long recoveryPoint, long logStartOffset, long highWatermark) {
        /** A new log, or one with no checkpointed state: recover everything. */
        public static final LoadParams FRESH = new LoadParams(false, 0, 0, 0);
    }

    /** The offsets a loaded log starts with. */
    record Offsets(long logStartOffset, long recoveryPoint, long highWatermark, long logEndOffset) {}

    /** Loads (creating if absent) the log in {@code dir}. */
    public static Log load(Path dir, TopicPartition tp, LogConfig config, LogEnv env, LoadParams params)
            throws IOException {
        Files.createDirectories(dir);
        completeSwaps(dir, tp);
        TreeMap<Long, Path> logFiles = new TreeMap<>();
        List<Path> indexFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(LogSegment.DELETED_SUFFIX)
                        || name.endsWith(".tmp")
                        || name.endsWith(LogSegment.CLEANED_SUFFIX)
                        || name.endsWith(LogSegment.SWAP_SUFFIX)) { // indexes renamed before their log
                    Files.deleteIfExists(f);
                } else if (LogFiles.baseOffsetOf(f, LogSegment.LOG_SUFFIX) >= 0) {
                    logFiles.put(LogFiles.baseOffsetOf(f, LogSegment.LOG_SUFFIX), f);
                } else if (name.endsWith(LogSegment.INDEX_SUFFIX)
                        || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)
                        || name.endsWith(TransactionIndex.SUFFIX)) {
                    indexFiles.add(f);
                }
            }
        }
        for (Path index : indexFiles) {
            String name = index.getFileName().toString();
            String suffix = name.endsWith(LogSegment.TIME_INDEX_SUFFIX)
                    ? LogSegment.TIME_INDEX_SUFFIX
                    : name.endsWith(TransactionIndex.SUFFIX) ? TransactionIndex.SUFFIX : LogSegment.INDEX_SUFFIX;
            if (!logFiles.containsKey(LogFiles.baseOffsetOf(index, suffix))) {
                Files.deleteIfExists(index); // an index without its log
            }
        }

        List<LogSegment> segments = new ArrayList<>();
        List<Long> bases = new ArrayList<>(logFiles.keySet());
        long nextOffset = -1;
        boolean recoveredAny = false;
        long firstRecoveredBase = -1;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            Long nextBase = last ? null : bases.get(i + 1);
            boolean indexMissing = !Files.exists(dir.resolve(LogFiles.fileName(base, LogSegment.INDEX_SUFFIX)))
                    || !Files.exists(dir.resolve(LogFiles.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
            boolean pastRecoveryPoint = nextBase == null || nextBase > params.recoveryPoint();
            boolean needsRecovery = (!params.hadCleanShutdown() && pastRecoveryPoint) || indexMissing;
            if (needsRecovery) {
                // Recovery rebuilds both indexes and never trusts them; loading them first would read a
                // preallocated (full-size) file of an unclean stop into a full-size heap buffer.
                Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, LogSegment.INDEX_SUFFIX)));
                Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
            }
            long mtime = Files.getLastModifiedTime(logFiles.get(base)).toMillis();
            LogSegment segment = LogSegment.open(dir, base, config, env, mtime, last || needsRecovery);
            segments.add(segment);
            if (needsRecovery) {
                LogRecovery.Result r = LogRecovery.recover(segment);
                segment.flush();
                if (!recoveredAny) {
                    firstRecoveredBase = base;
                }
                recoveredAny = true;
                nextOffset = r.nextOffset();
                // A segment must end where the next begins; one that was cut, or that ends short (its
                // tail lost before this start), leaves later segments after a hole: they go.
                if (!last && (r.truncatedBytes() > 0 || r.nextOffset() != nextBase)) {
                    if (r.truncatedBytes() == 0) {
                        LOG.warn(
                                "Segment {} of {} ends at offset {} but the next segment starts at {}",
                                base,
                                tp,
                                r.nextOffset(),
                                nextBase);
                    }
                    deleteLaterSegments(dir, bases.subList(i + 1, bases.size()), tp);
                    break; // this segment is now the last, and active
                }
                if (!last) {
                    segment.onBecomeInactive();
                }
            } else if (last) {
                nextOffset = segment.readNextOffset();
            }
        }
        if (segments.isEmpty()) {
            long start = Math.max(0, params.logStartOffset());
            segments.add(LogSegment.create(dir, start, config, env));
            nextOffset = start;
        }
        long logEnd = nextOffset;
        long logStart =
                Math.min(Math.max(params.logStartOffset(), segments.get(0).baseOffset()), logEnd);
        long recoveryPoint = recoveredAny ? logEnd : clamp(params.recoveryPoint(), logStart, logEnd);
        long hw = clamp(params.highWatermark(), logStart, logEnd);
        LOG.info(
                "Loaded {} from {}: {} segment(s), offsets [{}, {}), recovery point {}{}",
                tp,
                dir,
                segments.size(),
                logStart,
                logEnd,
                recoveryPoint,
                recoveredAny ? " (recovered)" : "");
        if (params.hadCleanShutdown() && !recoveredAny) {
            ProducerStateLoader.assumeNoProducersIfNoSnapshot(dir, tp, segments, logEnd);
        }
        if (recoveredAny) {
            // Snapshots above the first recovered segment may describe batches that did not survive,
            // and the replay must pass over every recovered segment to rebuild its .txnindex (as
            // Kafka, which deletes the snapshots after the recovery point).
            ProducerStateSnapshot.deleteAbove(dir, firstRecoveredBase);
        }
        Log log = new Log(dir, tp, config, env, segments, new Offsets(logStart, recoveryPoint, hw, logEnd));
        log.loadProducerState();
        return log;
    }

    /**
     * Finishes segment swaps the cleaner committed but did not complete: a {@code <base>.log.swap}
     * file replaces every old segment whose base offset lies in [base, the swap's next offset) (the
     * cleaner merges a run of adjacent segments into one, and a run's last batch is always kept, so
     * that range is exactly the run). Those segments' files and every index of the swap's base (old,
     * {@code .swap} or half renamed) are deleted, then the {@code .swap} log takes the final name; its
     * indexes are rebuilt by recovery because they are missing. {@code .cleaned} files (a swap not yet
     * committed) are deleted by the caller.
     */
    private static void completeSwaps(Path dir, TopicPartition tp) throws IOException {
        String swapLog = LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX;
        List<Path> swaps = new ArrayList<>();
        List<Long> logBases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (LogFiles.baseOffsetOf(f, swapLog) >= 0) {
                    swaps.add(f);
                } else if (LogFiles.baseOffsetOf(f, LogSegment.LOG_SUFFIX) >= 0) {
                    logBases.add(LogFiles.baseOffsetOf(f, LogSegment.LOG_SUFFIX));
                }
            }
        }
        for (Path swap : swaps) {
            long base = LogFiles.baseOffsetOf(swap, swapLog);
            long next = Math.max(base + 1, scanNextOffset(swap, base));
            LOG.info("Completing the swap of cleaned segment [{}, {}) of {}", base, next, tp);
            for (long old : logBases) {
                if (old >= base && old < next) {
                    for (String suffix : new String[] {
                        LogSegment.LOG_SUFFIX,
                        LogSegment.INDEX_SUFFIX,
                        LogSegment.TIME_INDEX_SUFFIX,
                        TransactionIndex.SUFFIX
                    }) {
                        Files.deleteIfExists(dir.resolve(LogFiles.fileName(old, suffix)));
                    }
                }
            }
            for (String suffix :
                    new String[] {LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX, TransactionIndex.SUFFIX}) {
                Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, suffix)));
                Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, suffix) + LogSegment.SWAP_SUFFIX));
            }
            Files.move(
                    swap,
                    dir.resolve(LogFiles.fileName(base, LogSegment.LOG_SUFFIX)),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The offset after the last whole batch of a segment file, read from batch headers only
     * ({@code base} if it holds none). A swap file was flushed before it was committed, so it is whole.
     */
    static long scanNextOffset(Path file, long base) throws IOException {
        long next = base;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
            long pos = 0;
            while (pos + RecordBatch.HEADER_SIZE <= size) {
                header.clear();
                while (header.hasRemaining()) {
                    if (ch.read(header, pos + header.position()) < 0) {
                        return next;
                    }
                }
                int batchSize = RecordBatch.sizeInBytes(header, 0);
                if (batchSize < RecordBatch.HEADER_SIZE || pos + batchSize > size) {
                    return next;
                }
                next = RecordBatch.nextOffset(header, 0);
                pos += batchSize;
            }
        }
        return next;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(v, hi));
    }

    private static void deleteLaterSegments(Path dir, List<Long> bases, TopicPartition tp) throws IOException {
        for (long base : bases) {
            LOG.warn("Deleting segment {} of {}: an earlier segment was truncated by recovery", base, tp);
            Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, LogSegment.LOG_SUFFIX)));
            Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, LogSegment.INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, LogSegment.TIME_INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(LogFiles.fileName(base, TransactionIndex.SUFFIX)));
        }
    }
}
