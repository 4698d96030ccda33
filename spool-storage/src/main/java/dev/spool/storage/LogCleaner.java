package dev.spool.storage;

import static dev.spool.protocol.record.RecordBatch.HEADER_SIZE;
import static dev.spool.protocol.record.RecordBatch.LOG_OVERHEAD;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts logs whose {@code cleanup.policy} contains {@code compact}: keeps, for every key, only the
 * record with the highest offset (Kafka's log cleaner, simplified).
 *
 * <p><b>Role.</b> One pass over a log ({@link #clean}):
 *
 * <ol>
 *   <li>The cleanable range is the log's non-active segments that end at or before the first
 *       uncleanable offset = min(active segment's base, high watermark, first segment holding a record
 *       younger than {@code min.compaction.lag.ms}). The <i>dirty</i> part starts at the offset in this
 *       log directory's {@value #CHECKPOINT_FILE} file (Kafka's name and format), or the log start.
 *   <li>A key → latest offset map ({@link KeyOffsetMap}: key digests in a fixed table of
 *       {@code log.cleaner.dedupe.buffer.size / log.cleaner.threads} bytes) is built over the dirty
 *       part, record by record; when a new key does not fit, the map ends there and this pass cleans
 *       only up to that offset (the next pass continues from it).
 *   <li>The segments from the log start that begin below the map's end are grouped into runs of
 *       adjacent segments that fit one segment together ({@link #groupSegments}, as Kafka does); each
 *       run is rewritten into one segment, keeping a record unless the map holds its key at a higher
 *       offset. Keyless records are kept.
 *       Offsets (gaps allowed), timestamps, producer id/epoch/sequence, attributes and the codec are
 *       preserved ({@link KafkaRecords#filter}). Transactions, as Kafka's cleaner treats them
 *       ({@link CleanedTransactions}): the records of aborted transactions (from the {@code .txnindex})
 *       are removed and do not enter the map; committed transactional records are compacted like any
 *       other; a marker whose transaction has no batch left is stamped with a delete horizon of now +
 *       {@code delete.retention.ms} and removed by a pass after it; the cleaned {@code .txnindex} keeps
 *       the aborted transactions whose markers stay. A batch left empty is dropped, except a
 *       producer's newest data batch (kept empty, as Kafka does, so its sequence survives) and the
 *       last batch of a run (kept empty, so a cleaned segment still ends where the next one begins:
 *       recovery relies on that to detect lost segment tails, and on it to know which old segments a
 *       {@code .swap} replaces).
 *   <li>Tombstones: the first rewrite of a batch holding a tombstone stamps it with a delete horizon
 *       of now + {@code delete.retention.ms} (KIP-534, as Kafka does); a later pass removes a
 *       tombstone whose horizon has passed, if it lies in the part cleaned by an earlier pass (so
 *       every older record of its key is already gone).
 *   <li>The checkpoint moves to the map's end once every rewritten segment was swapped in.
 * </ol>
 *
 * <p><b>Crash safety.</b> A run is written as {@code <base>.log.cleaned} (+ indexes), flushed, then
 * swapped in by {@link LogCleanerSwap#replaceSegments}: renamed {@code .swap} (the commit point), the old
 * segments renamed {@code .deleted}, the new one put in the segment map and renamed to its final
 * name. {@link LogLoader} deletes {@code .cleaned} files and completes {@code .swap}s (deleting every
 * old segment in the swap's offset range), so a crash at any step recovers to the old or the new
 * segments of a run, never a mix.
 *
 * <p><b>I/O.</b> Segments are read in chunks of {@code log.cleaner.io.buffer.size}; the bytes read and
 * written by all threads together are throttled to {@code log.cleaner.io.max.bytes.per.second}
 * ({@link IoThrottler}).
 *
 * <p><b>Lifecycle and thread-safety.</b> A cleaner is created once per broker and is thread-safe:
 * {@link LogManager} runs {@code log.cleaner.threads} threads that each call {@link #cleanDirtiest};
 * a log is cleaned by one thread at a time (a second {@link #clean} of it returns at once), and each
 * pass borrows one of at most {@code threads} key maps, sized for the records its dirty part can
 * hold (at most the per-thread share) and kept for reuse, so a broker whose compacted logs are small
 * never allocates the whole {@code log.cleaner.dedupe.buffer.size}.
 * Checkpoint updates are serialized. Cleaning reads segments without the log's lock (non-active
 * segments do not change) and takes it only for the snapshot and each swap, so appends and reads go
 * on meanwhile.
 */
public final class LogCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /** Per log directory: partition → offset up to which the log was cleaned. */
    public static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    /**
     * The broker's cleaner settings (Kafka's {@code log.cleaner.*} keys): {@code dedupeBufferBytes}
     * is shared by the {@code threads} (each thread's key map gets an equal part, at most 2 GiB as in
     * Kafka); {@code ioBufferBytes} is the read buffer of a pass; {@code ioMaxBytesPerSecond} bounds
     * the read + write rate of all threads together.
     */
    public record Config(
            long dedupeBufferBytes, double loadFactor, int threads, double ioMaxBytesPerSecond, int ioBufferBytes) {
        public static final long DEFAULT_DEDUPE_BUFFER_BYTES = 134_217_728L;
        public static final double DEFAULT_LOAD_FACTOR = 0.9;
        public static final int DEFAULT_THREADS = 1;
        public static final double DEFAULT_IO_MAX_BYTES_PER_SECOND = Double.MAX_VALUE;
        public static final int DEFAULT_IO_BUFFER_BYTES = 524_288;

        public Config {
            if (threads < 1) {
                throw new IllegalArgumentException("log.cleaner.threads must be positive: " + threads);
            }
            if (dedupeBufferBytes < (long) threads * KeyOffsetMap.BYTES_PER_ENTRY * 2) {
                throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size " + dedupeBufferBytes
                        + " is too small for " + threads + " thread(s)");
            }
            if (!(loadFactor > 0 && loadFactor <= 1)) {
                throw new IllegalArgumentException(
                        "log.cleaner.io.buffer.load.factor must be in (0, 1]: " + loadFactor);
            }
            if (!(ioMaxBytesPerSecond > 0)) {
                throw new IllegalArgumentException(
                        "log.cleaner.io.max.bytes.per.second must be positive: " + ioMaxBytesPerSecond);
            }
            if (ioBufferBytes < HEADER_SIZE) {
                throw new IllegalArgumentException("log.cleaner.io.buffer.size is too small: " + ioBufferBytes);
            }
        }

        /** Kafka's defaults. */
        public static Config defaults() {
            return new Config(
                    DEFAULT_DEDUPE_BUFFER_BYTES,
                    DEFAULT_LOAD_FACTOR,
                    DEFAULT_THREADS,
                    DEFAULT_IO_MAX_BYTES_PER_SECOND,
                    DEFAULT_IO_BUFFER_BYTES);
        }

        /** The table bytes of one thread's key map. */
        long mapBytesPerThread() {
            return Math.min(dedupeBufferBytes / threads, Integer.MAX_VALUE);
        }
    }

    /** What one pass did. */
    public record Stats(
            int segmentsRewritten,
            long bytesBefore,
            long bytesAfter,
            long recordsRead,
            long recordsRetained,
            long cleanedUpTo) {
        static final Stats NOTHING = new Stats(0, 0, 0, 0, 0, -1);
    }

    private final Time time;
    private final Config config;
    private final LongFunction<KeyOffsetMap> newMap;
    /** One permit per thread's share of {@code log.cleaner.dedupe.buffer.size}: passes that hold a map. */
    private final Semaphore mapPermits;
    /** Maps kept for reuse by later passes (at most one per permit). */
    private final Queue<KeyOffsetMap> idleMaps = new ConcurrentLinkedQueue<>();

    private final IoThrottler throttler;
    /** Logs being cleaned now: never two passes on one log. */
    private final Set<TopicPartition> inProgress = ConcurrentHashMap.newKeySet();
    /** Serializes checkpoint file updates and the choice of the next log; signalled when a log is released. */
    private final Object checkpointLock = new Object();

    /** A cleaner with the given settings. */
    public LogCleaner(Time time, Config config) {
        this(
                time,
                config,
                records -> KeyOffsetMap.forRecords(records, config.mapBytesPerThread(), config.loadFactor()));
    }

    /** A one-thread cleaner whose key map holds exactly {@code maxMapEntries} keys (tests). */
    LogCleaner(Time time, int maxMapEntries) {
        this(time, Config.defaults(), records -> KeyOffsetMap.ofEntries(maxMapEntries));
        if (maxMapEntries < 1) {
            throw new IllegalArgumentException("maxMapEntries must be positive: " + maxMapEntries);
        }
    }

    private LogCleaner(Time time, Config config, LongFunction<KeyOffsetMap> newMap) {
        this.time = time;
        this.config = config;
        this.newMap = newMap;
        this.mapPermits = new Semaphore(config.threads());
        this.throttler = IoThrottler.of(time, config.ioMaxBytesPerSecond());
    }

    public Config config() {
        return config;
    }

    /** The checkpoint file of the log directory holding {@code log}. */
    static OffsetCheckpointFile checkpointFile(Log log) {
        return new OffsetCheckpointFile(log.dir().toAbsolutePath().getParent().resolve(CHECKPOINT_FILE));
    }

    /**
     * The offset up to which {@code log} was cleaned (its log start offset if never). If the log was
     * truncated below the checkpoint since the last call, the checkpoint moves back to the truncation
     * offset first (records from there on were replaced and are dirty), as Kafka does. Only in memory
     * until then: a crash between a truncation and the next cleaner pass keeps the old checkpoint.
     */
    public long cleanedOffset(Log log) throws IOException {
        synchronized (checkpointLock) {
            OffsetCheckpointFile file = checkpointFile(log);
            Map<TopicPartition, Long> all = file.read();
            Long cp = all.get(log.topicPartition());
            long truncatedTo = log.cleaning().takeTruncatedToSinceCleaner();
            if (cp != null && truncatedTo < cp) {
                LOG.info(
                        "{} was truncated to {}: cleaner checkpoint {} moves back",
                        log.topicPartition(),
                        truncatedTo,
                        cp);
                cp = truncatedTo;
                all.put(log.topicPartition(), cp);
                file.write(all);
            }
            return Math.max(cp == null ? 0 : cp, log.logStartOffset());
        }
    }

    /** How dirty a compacted log is now. */
    record Dirtiness(long dirtyBytes, long cleanableBytes, boolean overdue) {
        double ratio() {
            return cleanableBytes == 0 ? 0 : (double) dirtyBytes / cleanableBytes;
        }

        /** Kafka's rule: overdue (max.compaction.lag.ms) with dirty bytes, or dirty enough. */
        boolean needsCleaning(LogConfig cfg) {
            return dirtyBytes > 0 && (overdue || ratio() >= cfg.minCleanableDirtyRatio());
        }
    }

    /** The dirty and cleanable bytes of {@code log}, or null if it is not compacted. */
    Dirtiness dirtiness(Log log) throws IOException {
        LogConfig cfg = log.config();
        if (!cfg.compact()) {
            return null;
        }
        long now = time.milliseconds();
        LogCleanerSwap.CleanableSnapshot snap = log.cleaning().cleanableSnapshot(now);
        long dirtyStart = cleanedOffset(log);
        long total = 0;
        long dirty = 0;
        boolean overdue = false;
        for (int i = 0; i < snap.segments().size(); i++) {
            LogSegment s = snap.segments().get(i);
            total += s.size();
            if (snap.segmentEnds().get(i) > dirtyStart) {
                if (dirty == 0 && now - s.largestTimestamp() > cfg.maxCompactionLagMs()) {
                    overdue = true;
                }
                dirty += s.size();
            }
        }
        return new Dirtiness(dirty, total, overdue);
    }

    /**
     * Cleans {@code log} if it is compacted and either its dirty part is at least
     * {@code min.cleanable.dirty.ratio} of its cleanable bytes or its oldest dirty segment's largest
     * timestamp is older than {@code max.compaction.lag.ms}.
     */
    public Stats cleanIfNeeded(Log log) throws IOException {
        Dirtiness d = dirtiness(log);
        if (d == null || !d.needsCleaning(log.config())) {
            return Stats.NOTHING;
        }
        return clean(log);
    }

    /**
     * Picks, among {@code logs}, the compacted online log that needs cleaning with the highest dirty
     * ratio and that no other thread is cleaning, and cleans it (Kafka's choice of the dirtiest log).
     * Returns null if no log needs cleaning. A log whose assessment fails is skipped and a pass that
     * fails is logged: both come back as {@link Stats#NOTHING} for that log.
     */
    public CleanedLog cleanDirtiest(Collection<Log> logs) {
        Log best = null;
        synchronized (checkpointLock) {
            double bestRatio = -1;
            for (Log log : logs) {
                if (log.isOffline() || !log.config().compact() || inProgress.contains(log.topicPartition())) {
                    continue;
                }
                Dirtiness d;
                try {
                    d = dirtiness(log);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not assess {} for cleaning", log.topicPartition(), e);
                    continue;
                }
                if (d != null && d.needsCleaning(log.config()) && d.ratio() > bestRatio) {
                    best = log;
                    bestRatio = d.ratio();
                }
            }
            if (best == null || !inProgress.add(best.topicPartition())) {
                return null;
            }
        }
        try {
            return new CleanedLog(best, cleanClaimed(best));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cleaning of {} failed; it is retried later", best.topicPartition(), e);
            return new CleanedLog(best, Stats.NOTHING);
        } finally {
            release(best.topicPartition());
        }
    }

    /** A log chosen by {@link #cleanDirtiest} and what its pass did. */
    public record CleanedLog(Log log, Stats stats) {}

    /**
     * One cleaning pass over {@code log} regardless of its dirty ratio; nothing if it is not
     * compacted or another thread is cleaning it.
     */
    public Stats clean(Log log) throws IOException {
        if (!inProgress.add(log.topicPartition())) {
            return Stats.NOTHING;
        }
        try {
            return cleanClaimed(log);
        } finally {
            release(log.topicPartition());
        }
    }

    private void release(TopicPartition tp) {
        synchronized (checkpointLock) {
            inProgress.remove(tp);
            checkpointLock.notifyAll();
        }
    }

    /** Something done to a log while no pass cleans it. */
    @FunctionalInterface
    public interface LogAction {
        void run() throws IOException;
    }

    /**
     * Runs {@code action} (closing or deleting the log of {@code tp}) once no pass is cleaning it,
     * waiting for a running pass to end, and keeps new passes off it meanwhile (Kafka aborts cleaning
     * before it deletes a log). A pass that chose the log earlier and starts afterwards fails on the
     * closed log and is logged.
     */
    public void whileNotCleaning(TopicPartition tp, LogAction action) throws IOException {
        synchronized (checkpointLock) {
            while (!inProgress.add(tp)) {
                try {
                    checkpointLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for the cleaner to leave " + tp);
                }
            }
        }
        try {
            action.run();
        } finally {
            release(tp);
        }
    }

    private Stats cleanClaimed(Log log) throws IOException {
        LogConfig cfg = log.config();
        if (!cfg.compact()) {
            return Stats.NOTHING;
        }
        long now = time.milliseconds();
        LogCleanerSwap.CleanableSnapshot snap = log.cleaning().cleanableSnapshot(now);
        long dirtyStart = cleanedOffset(log);
        if (dirtyStart >= snap.firstUncleanableOffset() || snap.segments().isEmpty()) {
            return Stats.NOTHING;
        }
        // The dirty part holds at most as many records as it spans offsets: the map need not be larger.
        KeyOffsetMap map = borrowMap(snap.firstUncleanableOffset() - dirtyStart);
        try {
            map.clear();
            return cleanWith(log, cfg, now, snap, dirtyStart, map);
        } finally {
            idleMaps.add(map);
            mapPermits.release();
        }
    }

    /**
     * A map for a pass over at most {@code records} records: an idle one if it is large enough (or
     * already of the full per-thread size), else a new one sized for them within the per-thread
     * bound, which replaces it. Waits while every thread's share is in use.
     */
    private KeyOffsetMap borrowMap(long records) throws IOException {
        try {
            mapPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for a cleaner map");
        }
        KeyOffsetMap idle = idleMaps.poll();
        if (idle != null
                && (idle.maxEntries() >= records
                        || idle.tableBytes() + KeyOffsetMap.BYTES_PER_ENTRY > config.mapBytesPerThread())) {
            return idle;
        }
        try {
            return newMap.apply(records);
        } catch (RuntimeException | Error e) {
            mapPermits.release();
            throw e;
        }
    }

    private Stats cleanWith(
            Log log, LogConfig cfg, long now, LogCleanerSwap.CleanableSnapshot snap, long dirtyStart, KeyOffsetMap map)
            throws IOException {
        long mapEnd = buildMap(log, snap, dirtyStart, map);
        if (mapEnd <= dirtyStart) {
            return Stats.NOTHING;
        }
        List<List<LogSegment>> groups = groupSegments(snap, mapEnd, cfg);
        if (groups.isEmpty()) {
            return Stats.NOTHING;
        }
        // One walk over every group, from the log start: see CleanedTransactions.
        List<LogSegment> lastGroup = groups.get(groups.size() - 1);
        CleanedTransactions txns = new CleanedTransactions(log.collectAbortedTransactions(
                groups.get(0).get(0).baseOffset(),
                lastGroup.get(lastGroup.size() - 1).readNextOffset()));
        int rewritten = 0;
        long before = 0;
        long after = 0;
        long read = 0;
        long retained = 0;
        boolean allSwapped = true;
        for (List<LogSegment> group : groups) {
            SegmentResult r = cleanGroup(log, group, map, txns, snap, dirtyStart, now);
            for (LogSegment s : group) {
                before += s.size();
            }
            after += r.bytes;
            read += r.recordsRead;
            retained += r.recordsRetained;
            if (r.swapped) {
                rewritten++;
            } else if (r.changed) {
                allSwapped = false;
                break; // the log changed under us: try again next time
            }
        }
        if (allSwapped) {
            writeCheckpoint(log, mapEnd);
        }
        LOG.info(
                "Cleaned {} up to offset {}: {} segment(s) written, {} -> {} bytes, {} of {} records kept, "
                        + "{} keys mapped{}",
                log.topicPartition(),
                mapEnd,
                rewritten,
                before,
                after,
                retained,
                read,
                map.size(),
                allSwapped ? "" : " (a swap was refused; checkpoint not moved)");
        return new Stats(rewritten, before, after, read, retained, allSwapped ? mapEnd : -1);
    }

    /**
     * Kafka's grouping: the segments that begin below {@code mapEnd}, in runs of adjacent segments
     * whose sizes add up to at most {@code segment.bytes}, whose index entries would fit in
     * {@code segment.index.bytes} and whose offsets fit one segment's 32-bit relative range; each run
     * is rewritten into one segment.
     */
    static List<List<LogSegment>> groupSegments(LogCleanerSwap.CleanableSnapshot snap, long mapEnd, LogConfig cfg) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> segs = snap.segments();
        int i = 0;
        while (i < segs.size() && segs.get(i).baseOffset() < mapEnd) {
            LogSegment first = segs.get(i);
            List<LogSegment> group = new ArrayList<>();
            group.add(first);
            long bytes = first.size();
            long offsetIndexBytes = first.offsetIndexBytes();
            long timeIndexBytes = first.timeIndexBytes();
            i++;
            while (i < segs.size() && segs.get(i).baseOffset() < mapEnd) {
                LogSegment next = segs.get(i);
                long nextEnd = snap.segmentEnds().get(i);
                if (bytes + next.size() > cfg.segmentBytes()
                        || offsetIndexBytes + next.offsetIndexBytes() > cfg.segmentIndexBytes()
                        || timeIndexBytes + next.timeIndexBytes() > cfg.segmentIndexBytes()
                        || nextEnd - 1 - first.baseOffset() > Integer.MAX_VALUE) {
                    break;
                }
                group.add(next);
                bytes += next.size();
                offsetIndexBytes += next.offsetIndexBytes();
                timeIndexBytes += next.timeIndexBytes();
                i++;
            }
            groups.add(group);
        }
        return groups;
    }

    /**
     * Fills {@code map} from {@code dirtyStart} on with the keys of records that are not in aborted
     * transactions; returns the offset it covers up to (exclusive).
     */
    private long buildMap(Log log, LogCleanerSwap.CleanableSnapshot snap, long dirtyStart, KeyOffsetMap map)
            throws IOException {
        CleanedTransactions txns =
                new CleanedTransactions(log.collectAbortedTransactions(dirtyStart, snap.firstUncleanableOffset()));
        int maxRecordBytes = log.config().maxDecompressedMessageBytes();
        long[] mapEnd = {dirtyStart};
        boolean[] full = {false};
        for (int i = 0; i < snap.segments().size() && !full[0]; i++) {
            LogSegment segment = snap.segments().get(i);
            long segmentEnd = snap.segmentEnds().get(i);
            if (segmentEnd <= dirtyStart) {
                continue;
            }
            forEachChunk(segment, chunk -> {
                for (int pos = 0; pos < chunk.limit() && !full[0]; pos += RecordBatch.sizeInBytes(chunk, pos)) {
                    long lastOffset = RecordBatch.lastOffset(chunk, pos);
                    if (lastOffset < dirtyStart) {
                        continue;
                    }
                    long producerId = RecordBatch.producerId(chunk, pos);
                    if (RecordBatch.isControl(chunk, pos)) {
                        TxnMarker.Parsed marker = TxnMarker.parse(chunk, pos);
                        if (marker != null) {
                            txns.onMarker(producerId, marker.result(), lastOffset);
                        }
                    } else if (!txns.onDataBatch(producerId, RecordBatch.isTransactional(chunk, pos), lastOffset)) {
                        int size = RecordBatch.sizeInBytes(chunk, pos);
                        KafkaRecords.forEachKey(chunk, pos, size, maxRecordBytes, (offset, key) -> {
                            if (offset < dirtyStart || key == null) {
                                return true;
                            }
                            if (!map.put(key, offset)) {
                                full[0] = true;
                                mapEnd[0] = offset;
                                return false;
                            }
                            return true;
                        });
                        if (full[0]) {
                            return;
                        }
                    }
                    mapEnd[0] = RecordBatch.nextOffset(chunk, pos);
                }
            });
            if (!full[0]) {
                mapEnd[0] = segmentEnd;
            }
        }
        return mapEnd[0];
    }

    private static final class SegmentResult {
        boolean changed;
        boolean swapped;
        long bytes;
        long recordsRead;
        long recordsRetained;
    }

    /**
     * Rewrites a run of adjacent segments into one {@code .cleaned} segment at the first one's base
     * offset and swaps it in for all of them. A run of one segment that nothing was removed from is
     * left as it is.
     */
    private SegmentResult cleanGroup(
            Log log,
            List<LogSegment> group,
            KeyOffsetMap map,
            CleanedTransactions txns,
            LogCleanerSwap.CleanableSnapshot snap,
            long dirtyStart,
            long now)
            throws IOException {
        LogConfig cfg = log.config();
        LogSegment first = group.get(0);
        long groupNext = group.get(group.size() - 1).readNextOffset();
        Map<Long, Long> lastDataOffsets = snap.lastDataOffsets();
        KafkaRecords.RecordFilter filter = new KafkaRecords.RecordFilter() {
            /** True while the records of the current batch are all to go. */
            private boolean discardRecords;

            @Override
            public KafkaRecords.BatchAction checkBatch(KafkaRecords.BatchView batch) {
                long producerId = batch.producerId();
                boolean noDataLeft; // a marker whose transaction has no batch left, or an emptied control batch
                if (batch.control()) {
                    noDataLeft = switch (batch.marker()) {
                        case COMMIT -> txns.onMarker(producerId, TxnResult.COMMIT, batch.lastOffset());
                        case ABORT -> txns.onMarker(producerId, TxnResult.ABORT, batch.lastOffset());
                        case EMPTY -> true;
                        default -> false;
                    };
                    discardRecords = noDataLeft
                            && batch.deleteHorizonMs().isPresent()
                            && batch.deleteHorizonMs().getAsLong() <= now;
                } else {
                    noDataLeft = false;
                    discardRecords = txns.onDataBatch(producerId, batch.transactional(), batch.lastOffset());
                }
                boolean mustStay = batch.lastOffset() + 1 >= groupNext
                        || (batch.hasProducerId()
                                && lastDataOffsets.getOrDefault(producerId, -1L) == batch.lastOffset());
                if (discardRecords) {
                    return mustStay ? KafkaRecords.BatchAction.KEEP_IF_EMPTY : KafkaRecords.BatchAction.DROP;
                }
                if (noDataLeft && !(mustStay && batch.marker() == KafkaRecords.Marker.EMPTY)) {
                    return KafkaRecords.BatchAction.STAMP_MARKER_OF_EMPTY_TXN;
                }
                return mustStay ? KafkaRecords.BatchAction.KEEP_IF_EMPTY : KafkaRecords.BatchAction.DROP_IF_EMPTY;
            }

            @Override
            public boolean retain(KafkaRecords.BatchView batch, long offset, ByteBuffer key, boolean tombstone) {
                if (discardRecords) {
                    return false; // an aborted transaction's record, or a marker past its delete horizon
                }
                if (batch.control() || key == null) {
                    return true;
                }
                long latest = map.get(key);
                if (latest >= 0 && offset < latest) {
                    return false;
                }
                boolean expiredTombstone = tombstone
                        && offset < dirtyStart
                        && batch.deleteHorizonMs().isPresent()
                        && batch.deleteHorizonMs().getAsLong() <= now;
                return !expiredTombstone;
            }
        };
        SegmentResult result = new SegmentResult();
        result.changed = group.size() > 1;
        LogSegment cleaned =
                LogSegment.createWithSuffix(log.dir(), first.baseOffset(), cfg, log.env(), LogSegment.CLEANED_SUFFIX);
        try {
            for (LogSegment segment : group) {
                forEachChunk(segment, chunk -> {
                    KafkaRecords.Filtered f = KafkaRecords.filter(
                            chunk, filter, now, cfg.deleteRetentionMs(), cfg.maxDecompressedMessageBytes());
                    result.recordsRead += f.recordsRead();
                    result.recordsRetained += f.recordsRetained();
                    if (!f.batches().equals(chunk)) {
                        result.changed = true;
                    }
                    if (f.batches().hasRemaining()) {
                        throttler.maybeThrottle(f.batches().remaining());
                        cleaned.append(f.batches());
                    }
                });
            }
            result.bytes = cleaned.size();
            // The aborted transactions whose markers stay in this run (each entry lives with its marker).
            List<AbortedTxn> keptAborted = txns.takeKeptAborted();
            if (!result.changed) {
                cleaned.deleteFiles();
                result.bytes = first.size();
                return result;
            }
            cleaned.txnIndex().replaceAll(keptAborted);
            cleaned.onBecomeInactive();
            cleaned.flush();
        } catch (IOException | RuntimeException e) {
            cleaned.deleteFiles();
            throw e;
        }
        result.swapped = log.cleaning().replaceSegments(group, cleaned, snap.truncations());
        return result;
    }

    private void writeCheckpoint(Log log, long offset) throws IOException {
        synchronized (checkpointLock) {
            OffsetCheckpointFile file = checkpointFile(log);
            Map<TopicPartition, Long> all = file.read();
            all.put(log.topicPartition(), offset);
            file.write(all);
        }
    }

    /** Forgets the checkpoint of a log (deleted, or truncated below it: everything is dirty again). */
    public void resetCheckpoint(Path logDir, TopicPartition tp) throws IOException {
        synchronized (checkpointLock) {
            OffsetCheckpointFile file =
                    new OffsetCheckpointFile(logDir.toAbsolutePath().getParent().resolve(CHECKPOINT_FILE));
            Map<TopicPartition, Long> all = file.read();
            if (all.remove(tp) != null) {
                file.write(all);
            }
        }
    }

    @FunctionalInterface
    private interface ChunkConsumer {
        void accept(ByteBuffer wholeBatches) throws IOException;
    }

    /**
     * Calls {@code consumer} with the segment's batches, whole, in buffers of about
     * {@code log.cleaner.io.buffer.size}; the bytes read count against the I/O limit.
     */
    private void forEachChunk(LogSegment segment, ChunkConsumer consumer) throws IOException {
        FileChannel ch = segment.channel();
        int size = segment.size();
        ByteBuffer buf = ByteBuffer.allocate(Math.max(HEADER_SIZE, Math.min(config.ioBufferBytes(), size)));
        int pos = 0;
        while (pos < size) {
            buf.clear();
            buf.limit(Math.min(buf.capacity(), size - pos));
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position()) < 0) {
                    throw new IOException("unexpected end of " + segment.logFile() + " at " + (pos + buf.position()));
                }
            }
            buf.flip();
            int end = 0;
            while (end + LOG_OVERHEAD <= buf.limit()) {
                int batchSize = RecordBatch.sizeInBytes(buf, end);
                if (batchSize < HEADER_SIZE) {
                    throw new IOException("bad batch length in " + segment.logFile() + " at " + (pos + end));
                }
                if (end + batchSize > buf.limit()) {
                    break;
                }
                end += batchSize;
            }
            if (end == 0) {
                if (buf.limit() < LOG_OVERHEAD || buf.limit() == size - pos) {
                    throw new IOException("truncated batch in " + segment.logFile() + " at " + pos);
                }
                buf = ByteBuffer.allocate(RecordBatch.sizeInBytes(buf, 0)); // one batch larger than the buffer
                continue;
            }
            throttler.maybeThrottle(end);
            consumer.accept(buf.duplicate().position(0).limit(end).slice());
            pos += end;
        }
    }

    /** The segments a pass would rewrite: for tests. */
    static List<Long> cleanableBases(Log log, long nowMs) throws IOException {
        return log.cleaning().cleanableSnapshot(nowMs).segments().stream()
                .map(LogSegment::baseOffset)
                .toList();
    }
}
