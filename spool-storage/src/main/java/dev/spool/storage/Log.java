package dev.spool.storage;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: an ordered list of {@link LogSegment}s in one directory, the last of which
 * (the active segment) takes appends.
 *
 * <p>Offsets: {@code logStartOffset ≤ highWatermark ≤ logEndOffset} and
 * {@code logStartOffset ≤ recoveryPoint ≤ logEndOffset} always hold. The log end offset is the offset
 * the next appended record gets; the high watermark is advanced by the log's owner (replication);
 * the recovery point is the offset below which everything is known to be on disk.
 *
 * <p>Lifecycle: {@link LogLoader#load} opens (and if needed recovers) a log; appends and reads until
 * {@link #close}; or {@link #markOffline} after an I/O error, after which every call fails.
 *
 * <p>Thread-safety: appends, rolls, truncations and retention are serialized by a short lock; batch
 * validation runs before it. Reads take no lock: they see an immutable snapshot of segment
 * boundaries and the published log end offset.
 */
public final class Log implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Log.class);

    /** ListOffsets' special timestamps. */
    public static final long LATEST_TIMESTAMP = -1L;

    public static final long EARLIEST_TIMESTAMP = -2L;
    public static final long MAX_TIMESTAMP = -3L;
    public static final long EARLIEST_LOCAL_TIMESTAMP = -4L;

    /** A record's offset and timestamp, as ListOffsets answers (timestamp -1 where none applies). */
    public record TimestampOffset(long timestamp, long offset) {}

    private final Path dir;
    private final TopicPartition topicPartition;
    private final LogEnv env;
    private final Time time;
    private final ScheduledExecutorService background;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentNavigableMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    /** Idempotent producers' state; guarded by {@link #lock}. */
    private final ProducerStateManager producerState = new ProducerStateManager();
    /**
     * False once a full truncation has deleted every producer-state snapshot and no roll has written one
     * since (only rolls and close write them while the log is open): the next full truncation then
     * need not list the directory. Guarded by {@link #lock}.
     */
    private boolean mayHaveSnapshots = true;

    private volatile LogConfig config;
    private volatile LogSegment activeSegment;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile long highWatermark;
    private volatile long recoveryPoint;
    /** The first offset of the oldest ongoing transaction (Long.MAX_VALUE if none); set under the lock. */
    private volatile long firstUnstableOffset = Long.MAX_VALUE;

    private volatile long lastFlushMs;
    private volatile IOException offlineCause;
    private long unflushedMessages;
    /** The cleaner's view: snapshots of cleanable segments and the swap of cleaned ones. */
    private final LogCleanerSwap cleaning = new LogCleanerSwap(this);
    /** Lock-free reads and offset lookups. */
    private final LogReader reader = new LogReader(this);

    private final LogRetention retention = new LogRetention(this);

    Log(
            Path dir,
            TopicPartition topicPartition,
            LogConfig config,
            LogEnv env,
            List<LogSegment> loaded,
            LogLoader.Offsets offsets) {
        this.dir = dir;
        this.topicPartition = topicPartition;
        this.config = config;
        this.env = env;
        this.time = env.time();
        this.background = env.background();
        for (LogSegment s : loaded) {
            segments.put(s.baseOffset(), s);
        }
        this.activeSegment = segments.lastEntry().getValue();
        this.logEndOffset = offsets.logEndOffset();
        this.logStartOffset = offsets.logStartOffset();
        this.recoveryPoint = offsets.recoveryPoint();
        this.highWatermark = offsets.highWatermark();
        this.lastFlushMs = time.milliseconds();
        checkOffsets();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /** Replaces the configuration; takes effect for the next append, roll and retention pass. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** Bytes in all segments. */
    public long size() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    public int numberOfSegments() {
        return segments.size();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return new ArrayList<>(segments.keySet());
    }

    public boolean isOffline() {
        return offlineCause != null;
    }

    LogEnv env() {
        return env;
    }

    /** The log's lock (package helpers that change the segment list take it). */
    ReentrantLock lock() {
        return lock;
    }

    /** The live segment map; changed only under {@link #lock()}. */
    ConcurrentNavigableMap<Long, LogSegment> segmentMap() {
        return segments;
    }

    LogSegment activeSegment() {
        return activeSegment;
    }

    /** The producer state; read and changed only under {@link #lock()}. */
    ProducerStateManager producerStates() {
        return producerState;
    }

    /** The cleaner's snapshot and swap operations on this log. */
    LogCleanerSwap cleaning() {
        return cleaning;
    }

    // ------------------------------------------------------------------------------------------------
    // Idempotent producers (rules in ProducerStateManager, snapshots in ProducerStateSnapshot)

    /** Builds the producer state from the latest snapshot and the batches after it (at load). */
    void loadProducerState() throws IOException {
        lock.lock();
        try {
            ProducerStateLoader.rebuild(dir, topicPartition, producerState, segments, logEndOffset);
            firstUnstableOffset = producerState.firstUnstableOffset();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Transactions: markers, the last stable offset, aborted transactions

    /**
     * The last stable offset: min(first offset of the oldest ongoing transaction, high watermark);
     * read_committed consumers read up to it.
     */
    public long lastStableOffset() {
        return Math.max(logStartOffset, Math.min(firstUnstableOffset, highWatermark));
    }

    /**
     * Writes a transaction marker for a producer at the log end (one control batch) and ends the
     * producer's transaction on this partition; an abort adds an entry to the {@code .txnindex}.
     * Refused (nothing written) with INVALID_PRODUCER_EPOCH for an epoch below the producer's, and
     * TRANSACTION_COORDINATOR_FENCED for a coordinator epoch below the last seen for the producer.
     * Transaction versions 0/1 (the rule of this overload); see the other for version 2.
     */
    public AppendResult appendTxnMarker(
            long producerId, short producerEpoch, int coordinatorEpoch, TxnResult result, int leaderEpoch)
            throws LogOfflineException {
        return appendTxnMarker(producerId, producerEpoch, coordinatorEpoch, result, leaderEpoch, (short) 0);
    }

    /** As above; from {@code transactionVersion} 2 the epoch must exceed the producer's (Kafka's TV2 rule). */
    public AppendResult appendTxnMarker(
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            TxnResult result,
            int leaderEpoch,
            short transactionVersion)
            throws LogOfflineException {
        lock.lock();
        try {
            checkOnline();
            AppendResult refused = producerState.checkMarker(
                    producerId, producerEpoch, coordinatorEpoch, transactionVersion, logStartOffset);
            if (refused != null) {
                return refused;
            }
            long now = time.milliseconds();
            long offset = logEndOffset;
            ByteBuffer marker = TxnMarker.build(offset, producerId, producerEpoch, coordinatorEpoch, result, now);
            RecordBatch.setPartitionLeaderEpoch(marker, 0, leaderEpoch);
            write(marker, offset + 1, 1, now);
            learnFrom(marker);
            return new AppendResult(BatchError.NONE, null, offset, offset, -1, logStartOffset);
        } finally {
            lock.unlock();
        }
    }

    /** Updates producer state, the active segment's {@code .txnindex} and the LSO after a write. */
    private void learnFrom(ByteBuffer written) throws LogOfflineException {
        try {
            producerState.onAppended(written, activeSegment.txnIndex());
        } catch (IOException e) {
            throw markOffline("transaction index write of " + topicPartition, e);
        }
        firstUnstableOffset = producerState.firstUnstableOffset();
    }

    /**
     * The aborted transactions a read_committed fetch of [{@code startOffset}, {@code upperBoundOffset})
     * must be told about: those whose data overlaps that range, in marker order.
     */
    public List<AbortedTxn> collectAbortedTransactions(long startOffset, long upperBoundOffset) {
        return TransactionIndex.collect(segments, startOffset, upperBoundOffset);
    }

    /** Forgets producers whose last batch is {@code producer.id.expiration.ms} old; returns how many. */
    public int removeExpiredProducers(long expirationMs) {
        return underLock(() -> producerState.removeExpired(time.milliseconds(), expirationMs));
    }

    /** True if the producer has a transaction ongoing here (KIP-890 verifies only a first batch). */
    public boolean hasOngoingTransaction(long producerId) {
        return underLock(() -> {
            ProducerStateEntry e = producerState.entry(producerId);
            return e != null && e.currentTxnFirstOffset() >= 0;
        });
    }

    /** Number of idempotent producers this partition remembers. */
    public int producerCount() {
        return underLock(producerState::producerCount);
    }

    /** The state of every producer this partition remembers (DescribeProducers): an immutable copy. */
    public List<ActiveProducer> activeProducers() {
        return underLock(producerState::activeProducers);
    }

    private <T> T underLock(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Append

    /**
     * Appends a producer's batches: validates them (outside the lock), then assigns offsets in place,
     * stamps the leader epoch and, if configured, LogAppendTime, and writes them with one write. An
     * invalid batch fails the whole append and nothing is written. The buffer's content is changed.
     */
    public AppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch) throws LogOfflineException {
        return appendAsLeader(batches, leaderEpoch, AppendOrigin.CLIENT);
    }

    /** As {@link #appendAsLeader(ByteBuffer, int)}; a {@link AppendOrigin#COORDINATOR}'s skip sequence checks. */
    public AppendResult appendAsLeader(ByteBuffer batches, int leaderEpoch, AppendOrigin origin)
            throws LogOfflineException {
        LogConfig cfg = config;
        BatchValidator.Result v = BatchValidator.validate(batches, cfg.maxMessageBytes());
        if (!v.ok()) {
            return AppendResult.failed(v.error(), v.message(), logStartOffset);
        }
        AppendResult refused = ClientBatchRules.checkKeys(batches, cfg, origin, topicPartition, logStartOffset);
        if (refused != null) {
            return refused;
        }
        if (batches.remaining() > cfg.segmentBytes()) {
            return AppendResult.failed(
                    BatchError.TOO_LARGE,
                    "append of " + batches.remaining() + " bytes exceeds segment.bytes " + cfg.segmentBytes(),
                    logStartOffset);
        }
        boolean idempotent = v.batchCount() == 1
                ? ProducerStateManager.needsCheck(batches, batches.position())
                : ProducerStateManager.anyProducerId(batches);
        lock.lock();
        try {
            checkOnline();
            long now = time.milliseconds();
            refused = ClientBatchRules.checkTimestamps(batches, cfg, now, logStartOffset);
            if (refused != null) {
                return refused;
            }
            boolean logAppendTime = cfg.timestampType() == LogConfig.TimestampType.LOG_APPEND_TIME;
            if (idempotent && origin == AppendOrigin.CLIENT) {
                AppendResult refusedOrDuplicate =
                        producerState.checkLeaderAppend(batches, logStartOffset, logAppendTime);
                if (refusedOrDuplicate != null) {
                    return refusedOrDuplicate;
                }
            }
            long first = logEndOffset;
            long next = first;
            for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
                RecordBatch.setBaseOffset(batches, pos, next);
                RecordBatch.setPartitionLeaderEpoch(batches, pos, leaderEpoch);
                if (logAppendTime) {
                    RecordBatch.setLogAppendTime(batches, pos, now);
                }
                next = RecordBatch.nextOffset(batches, pos);
            }
            write(batches, next, v.recordCount(), now);
            if (idempotent) {
                learnFrom(batches);
            }
            return new AppendResult(BatchError.NONE, null, first, next - 1, logAppendTime ? now : -1, logStartOffset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends batches that already carry their offsets (a follower copying its leader). They must be
     * intact and start at or after the log end offset.
     */
    public AppendResult appendAsFollower(ByteBuffer batches) throws LogOfflineException {
        int end = batches.limit();
        long records = 0;
        for (int pos = batches.position(); pos < end; pos += RecordBatch.sizeInBytes(batches, pos)) {
            String problem = BatchValidator.checkIntact(batches, pos, end);
            if (problem != null) {
                return AppendResult.failed(BatchError.CORRUPT, problem, logStartOffset);
            }
            records += RecordBatch.lastOffsetDelta(batches, pos) + 1L;
        }
        if (!batches.hasRemaining()) {
            return AppendResult.failed(BatchError.CORRUPT, "no record batch", logStartOffset);
        }
        lock.lock();
        try {
            checkOnline();
            long first = RecordBatch.baseOffset(batches, batches.position());
            if (first < logEndOffset) {
                return AppendResult.failed(
                        BatchError.INVALID_RECORD,
                        "batch offset " + first + " is below the log end offset " + logEndOffset,
                        logStartOffset);
            }
            long next = first;
            for (int pos = batches.position(); pos < end; pos += RecordBatch.sizeInBytes(batches, pos)) {
                if (RecordBatch.baseOffset(batches, pos) < next) {
                    return AppendResult.failed(BatchError.INVALID_RECORD, "batch offsets go backwards", logStartOffset);
                }
                next = RecordBatch.nextOffset(batches, pos);
            }
            write(batches, next, records, time.milliseconds());
            learnFrom(batches);
            return new AppendResult(BatchError.NONE, null, first, next - 1, -1, logStartOffset);
        } finally {
            lock.unlock();
        }
    }

    /** Writes validated batches ending before {@code next}; caller holds the lock. */
    private void write(ByteBuffer batches, long next, long records, long now) throws LogOfflineException {
        try {
            LogSegment segment = maybeRoll(batches.remaining(), next - 1, now);
            segment.append(batches);
        } catch (IOException e) {
            throw markOffline("append to " + topicPartition, e);
        } catch (RuntimeException e) {
            throw markOffline("append to " + topicPartition, new IOException("append failed: " + e, e));
        }
        logEndOffset = next;
        unflushedMessages += records;
        if (unflushedMessages >= config.flushMessages()) {
            flush();
        }
    }

    private LogSegment maybeRoll(int bytes, long lastOffset, long now) throws IOException {
        LogSegment active = activeSegment;
        if (active.shouldRoll(bytes, lastOffset, config, now)) {
            return roll(now);
        }
        return active;
    }

    /** Starts a new active segment at the log end offset; the old one becomes read-only. */
    public void roll() throws LogOfflineException {
        lock.lock();
        try {
            checkOnline();
            roll(time.milliseconds());
        } catch (IOException e) {
            throw markOffline("roll of " + topicPartition, e);
        } finally {
            lock.unlock();
        }
    }

    /** Rolls at {@code now}; caller holds the lock. */
    LogSegment roll(long now) throws IOException {
        LogSegment old = activeSegment;
        long newBase = logEndOffset;
        if (old.baseOffset() == newBase && old.size() == 0) {
            return old; // already empty at this offset
        }
        old.onBecomeInactive();
        mayHaveSnapshots = true;
        ProducerStateSnapshot.write(dir, newBase, producerState);
        LogSegment fresh = LogSegment.create(dir, newBase, config, env);
        segments.put(newBase, fresh);
        activeSegment = fresh;
        LOG.debug("Rolled {} to a new segment at offset {}", topicPartition, newBase);
        return fresh;
    }

    // ------------------------------------------------------------------------------------------------
    // Read (LogReader)

    /**
     * Reads whole batches from the one holding {@code startOffset}, from one segment, below
     * {@code upperBound} (HW, LSO for read_committed, log end for followers); see {@link LogReader#read}.
     */
    public ReadResult read(long startOffset, int maxBytes, long upperBound, boolean minOneBatch)
            throws LogOfflineException {
        return reader.read(startOffset, maxBytes, upperBound, minOneBatch);
    }

    /**
     * ListOffsets: {@link #EARLIEST_TIMESTAMP}, {@link #LATEST_TIMESTAMP}, {@link #MAX_TIMESTAMP},
     * {@link #EARLIEST_LOCAL_TIMESTAMP}, or the first record whose timestamp is at least
     * {@code timestamp}. Returns null if no record qualifies.
     */
    public TimestampOffset fetchOffsetByTimestamp(long timestamp) throws LogOfflineException {
        return reader.fetchOffsetByTimestamp(timestamp);
    }

    // ------------------------------------------------------------------------------------------------
    // Offsets moved by the owner

    /** Sets the high watermark, clamped to [logStartOffset, logEndOffset]; returns the value set. */
    public long updateHighWatermark(long offset) {
        lock.lock();
        try {
            highWatermark = Math.max(logStartOffset, Math.min(offset, logEndOffset));
            return highWatermark;
        } finally {
            lock.unlock();
        }
    }

    /**
     * DeleteRecords: advances the log start offset to {@code offset} (never backwards, never past the
     * high watermark) and deletes segments that lie wholly below it. Returns the new log start offset,
     * or -1 if {@code offset} is beyond the high watermark. See {@link LogRetention}.
     */
    public long deleteRecordsBefore(long offset) throws LogOfflineException {
        return retention.deleteRecordsBefore(offset);
    }

    /** One retention pass; returns the number of segments deleted. See {@link LogRetention}. */
    public int deleteOldSegments() throws LogOfflineException {
        return retention.deleteOldSegments();
    }

    /**
     * Raises the log start offset to {@code offset} if it is higher, and the recovery point with it;
     * caller holds the lock (retention).
     */
    void raiseLogStartOffset(long offset) {
        if (offset > logStartOffset) {
            logStartOffset = offset;
        }
        recoveryPoint = Math.max(recoveryPoint, logStartOffset);
    }

    void scheduleDeletion(Collection<LogSegment> toDelete) throws IOException {
        LogSegment.renameAndDeleteLater(toDelete, background, config.fileDeleteDelayMs());
    }

    /** Deletes the files of segments already renamed {@code .deleted}, after {@code file.delete.delay.ms}. */
    void scheduleFileDeletion(Collection<LogSegment> toDelete) {
        LogSegment.deleteFilesLater(toDelete, background, config.fileDeleteDelayMs());
    }

    // ------------------------------------------------------------------------------------------------
    // Truncation (replication)

    /**
     * Removes every record at or after {@code offset}. A batch that holds {@code offset} is removed whole,
     * so the log end offset becomes at most {@code offset}. Returns true if anything was removed.
     */
    public boolean truncateTo(long offset) throws LogOfflineException {
        if (offset < 0) {
            throw new IllegalArgumentException("cannot truncate to a negative offset " + offset);
        }
        lock.lock();
        try {
            checkOnline();
            if (offset >= logEndOffset) {
                return false;
            }
            cleaning.onTruncated(offset);
            if (offset <= segments.firstKey()) {
                truncateFullyAndStartAtLocked(offset);
                return true;
            }
            // Newest first: a crash part-way through the renames then leaves a contiguous prefix.
            List<LogSegment> removed = new ArrayList<>(
                    segments.tailMap(offset, false).descendingMap().values());
            LogSegment holder = segments.floorEntry(offset).getValue();
            for (LogSegment s : removed) {
                segments.remove(s.baseOffset());
            }
            if (!removed.isEmpty()) {
                holder.offsetIndex().resizeForAppends(config.segmentIndexBytes());
                holder.timeIndex().resizeForAppends(config.segmentIndexBytes());
                activeSegment = holder;
                scheduleDeletion(removed);
            }
            holder.truncateTo(offset);
            logEndOffset = holder.readNextOffset();
            clampOffsets();
            ProducerStateLoader.rebuild(dir, topicPartition, producerState, segments, logEndOffset);
            firstUnstableOffset = producerState.firstUnstableOffset();
            return true;
        } catch (IOException e) {
            throw markOffline("truncation of " + topicPartition, e);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the whole log and starts it empty at {@code offset} (a follower far behind its leader). */
    public void truncateFullyAndStartAt(long offset) throws LogOfflineException {
        lock.lock();
        try {
            checkOnline();
            truncateFullyAndStartAtLocked(offset);
        } catch (IOException e) {
            throw markOffline("truncation of " + topicPartition, e);
        } finally {
            lock.unlock();
        }
    }

    private void truncateFullyAndStartAtLocked(long offset) throws IOException {
        cleaning.onTruncated(offset);
        List<LogSegment> all = new ArrayList<>(segments.values());
        segments.clear();
        scheduleDeletion(all);
        if (mayHaveSnapshots) {
            ProducerStateSnapshot.deleteAbove(dir, -1);
            mayHaveSnapshots = false;
        }
        producerState.clear();
        firstUnstableOffset = Long.MAX_VALUE;
        LogSegment fresh = LogSegment.create(dir, offset, config, env);
        segments.put(offset, fresh);
        activeSegment = fresh;
        logEndOffset = offset;
        logStartOffset = offset;
        highWatermark = offset;
        recoveryPoint = offset;
        unflushedMessages = 0;
    }

    private void clampOffsets() {
        highWatermark = Math.min(highWatermark, logEndOffset);
        recoveryPoint = Math.min(recoveryPoint, logEndOffset);
        logStartOffset = Math.min(logStartOffset, logEndOffset);
        checkOffsets();
    }

    // ------------------------------------------------------------------------------------------------
    // Durability

    /** Forces everything appended so far to disk and moves the recovery point to the log end offset. */
    public void flush() throws LogOfflineException {
        checkOnline();
        long upTo = logEndOffset;
        if (upTo <= recoveryPoint) {
            // Nothing appended since the last flush (as Kafka, which flushes only above the recovery
            // point): no fsync, so a clean shutdown of many idle logs costs no disk round trips.
            lock.lock();
            try {
                unflushedMessages = 0;
                lastFlushMs = time.milliseconds();
            } finally {
                lock.unlock();
            }
            return;
        }
        try {
            for (LogSegment segment :
                    segments.tailMap(segmentFloorKey(recoveryPoint), true).values()) {
                segment.flush();
            }
        } catch (IOException e) {
            throw markOffline("flush of " + topicPartition, e);
        }
        lock.lock();
        try {
            if (upTo > recoveryPoint) {
                recoveryPoint = Math.min(upTo, logEndOffset);
            }
            unflushedMessages = 0;
            lastFlushMs = time.milliseconds();
        } finally {
            lock.unlock();
        }
    }

    private long segmentFloorKey(long offset) {
        Long key = segments.floorKey(offset);
        return key == null ? segments.firstKey() : key;
    }

    /** Flushes if {@code flush.ms} has passed since the last flush and there is something to flush. */
    public void maybeFlushByTime() throws LogOfflineException {
        long now = time.milliseconds();
        if (recoveryPoint < logEndOffset && now - lastFlushMs >= config.flushMs()) {
            flush();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Lifecycle and faults

    void checkOnline() throws LogOfflineException {
        IOException cause = offlineCause;
        if (cause != null) {
            throw new LogOfflineException("log " + topicPartition + " in " + dir + " is offline", cause);
        }
    }

    /** Takes the log offline after an I/O error; returns the exception to throw. */
    LogOfflineException markOffline(String what, IOException e) {
        if (e instanceof LogOfflineException) {
            return (LogOfflineException) e;
        }
        offlineCause = e;
        LOG.error("Log {} in {} is offline after an I/O error during {}", topicPartition, dir, what, e);
        return new LogOfflineException("log " + topicPartition + " is offline: " + what + " failed: " + e, e);
    }

    private void checkOffsets() {
        assert logStartOffset <= highWatermark && highWatermark <= logEndOffset
                : "offsets out of order: start " + logStartOffset + " hw " + highWatermark + " end " + logEndOffset;
        assert logStartOffset <= recoveryPoint && recoveryPoint <= logEndOffset
                : "recovery point " + recoveryPoint + " outside [" + logStartOffset + ", " + logEndOffset + "]";
    }

    /**
     * Writes the producer-state snapshot at the log end offset (unless one is there already: an idle
     * log costs no write), seals the active segment's indexes and closes every file. Does not flush.
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (!isOffline()) {
                ProducerStateSnapshot.writeAtCloseIfAbsent(dir, topicPartition, logEndOffset, producerState);
            }
            for (LogSegment s : segments.values()) {
                if (isOffline()) {
                    s.closeQuietly();
                } else {
                    s.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files without sealing anything (simulates a crash in tests; used for offline logs). */
    void closeWithoutSealing() {
        for (LogSegment s : segments.values()) {
            s.closeQuietly();
        }
    }

    /** Deletes all segment files (the directory itself is removed by the manager). */
    void deleteAllSegments() {
        lock.lock();
        try {
            for (LogSegment s : segments.values()) {
                try {
                    s.deleteFiles();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            segments.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Log(" + topicPartition + ", start=" + logStartOffset + ", hw=" + highWatermark + ", end=" + logEndOffset
                + ", segments=" + segments.size() + ")";
    }
}
