package dev.spool.storage;

import static dev.spool.protocol.record.RecordBatch.HEADER_SIZE;
import static dev.spool.protocol.record.RecordBatch.LOG_OVERHEAD;

import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: a {@code .log} file of v2 record batches (byte-identical to the
 * wire) starting at {@link #baseOffset()}, with its sparse {@code .index} and {@code .timeindex}.
 *
 * <p>Lifecycle: <b>open</b> (created empty, or loaded from disk) → <b>append</b> while it is the
 * log's active segment → <b>roll</b> ({@link #onBecomeInactive}: indexes trimmed, read-only from then
 * on) → <b>delete</b> (renamed {@code .deleted}, removed later). {@link LogRecovery} re-validates a
 * segment and rebuilds its indexes after an unclean stop.
 *
 * <p>Thread-safety: a single writer (the owning {@link Log}, under its lock) appends, truncates and
 * rolls. Readers run concurrently without locks: they see bytes up to the published {@link #size()}.
 */
final class LogSegment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    /** Suffix of a segment the cleaner is writing; such files are deleted on load. */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** Suffix of a cleaned segment whose replacement is committed; the load completes the swap. */
    static final String SWAP_SUFFIX = ".swap";

    /** A per-thread buffer for batch headers read while scanning. */
    private static final ThreadLocal<ByteBuffer> HEADER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(HEADER_SIZE));

    private final long baseOffset;
    private final int indexIntervalBytes;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private volatile Path logFile;
    private final long createdMs;

    /** Bytes of whole batches in the file; readers never look past it. */
    private volatile int size;

    /** Where the last appended batch ends, or null when unknown (after load or truncation). */
    private volatile Tail tail;

    private int bytesSinceLastIndexEntry;
    private volatile long maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestampSoFar = -1;
    /** Timestamp of the first batch, which {@code segment.ms} counts from; NO_TIMESTAMP if none yet. */
    private long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;

    /** Milliseconds taken off {@code segment.ms} for this segment ({@code segment.jitter.ms}). */
    private final long rollJitterMs;

    /** Where a batch lies in the file, from a header scan. */
    record BatchPosition(long baseOffset, long lastOffset, int position, int size) {
        int end() {
            return position + size;
        }
    }

    private LogSegment(
            Path dir,
            long baseOffset,
            LogConfig config,
            LogEnv.FileChannelOpener channels,
            long createdMs,
            boolean fresh,
            boolean writableIndexes,
            String fileSuffix)
            throws IOException {
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = config.indexIntervalBytes();
        // segment.jitter.ms: a random part taken off segment.ms for this segment, as Kafka draws it.
        this.rollJitterMs = config.segmentJitterMs() == 0
                ? 0
                : ThreadLocalRandom.current().nextLong(Math.min(config.segmentJitterMs(), config.segmentMs()));
        this.logFile = dir.resolve(LogFiles.fileName(baseOffset, LOG_SUFFIX) + fileSuffix);
        Path offsetIndexFile = dir.resolve(LogFiles.fileName(baseOffset, INDEX_SUFFIX) + fileSuffix);
        Path timeIndexFile = dir.resolve(LogFiles.fileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix);
        if (fresh) {
            this.channel = createNew(channels, logFile);
            // No index file yet: each writes its own when first flushed or sealed, replacing any stale
            // file at its name (an earlier incarnation of this offset range is never reused).
            this.offsetIndex = OffsetIndex.createNew(offsetIndexFile, baseOffset, config.segmentIndexBytes());
            this.timeIndex = TimeIndex.createNew(timeIndexFile, baseOffset, config.segmentIndexBytes());
        } else {
            this.channel = channels.open(
                    logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.offsetIndex =
                    new OffsetIndex(offsetIndexFile, baseOffset, config.segmentIndexBytes(), writableIndexes);
            this.timeIndex = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes(), writableIndexes);
        }
        Path txnIndexFile = TransactionIndex.file(dir, baseOffset, fileSuffix);
        this.txnIndex = fresh ? TransactionIndex.create(txnIndexFile) : TransactionIndex.open(txnIndexFile);
        long fileSize = fresh ? 0 : channel.size();
        if (fileSize > Integer.MAX_VALUE) {
            throw new IOException("segment " + logFile + " is larger than 2 GiB: " + fileSize);
        }
        this.size = (int) fileSize;
        this.createdMs = createdMs;
        // segment.ms counts from the first batch's timestamp, also for a segment loaded from disk.
        ByteBuffer firstHeader = readHeader(0, size);
        if (firstHeader != null) {
            rollingBasedTimestamp = RecordBatch.maxTimestamp(firstHeader, 0);
        }
        TimeIndex.Entry last = timeIndex.lastEntry();
        if (last != null) {
            maxTimestampSoFar = last.timestamp();
            offsetOfMaxTimestampSoFar = last.offset();
        }
    }

    /** Creates a new, empty active segment (replacing any files left at that base offset). */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, LogEnv env) throws IOException {
        return new LogSegment(
                dir, baseOffset, config, env.channels(), env.time().milliseconds(), true, true, "");
    }

    /**
     * Opens a new, empty {@code .log} file: one open(2) when nothing is at that name, which is nearly
     * always; a file left there (by an earlier incarnation of the segment) is deleted and the open
     * retried, so readers that still hold the old file keep their channel to it.
     */
    private static FileChannel createNew(LogEnv.FileChannelOpener channels, Path file) throws IOException {
        try {
            return channels.open(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            Files.delete(file);
            return channels.open(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
    }

    /**
     * Creates a new, empty segment whose three files carry {@code fileSuffix} after their usual name
     * (the cleaner's {@code .cleaned} segments); {@link #changeFileSuffixes} renames them later.
     */
    static LogSegment createWithSuffix(Path dir, long baseOffset, LogConfig config, LogEnv env, String fileSuffix)
            throws IOException {
        return new LogSegment(
                dir, baseOffset, config, env.channels(), env.time().milliseconds(), true, true, fileSuffix);
    }

    /**
     * Opens an existing segment. Its indexes are taken as they are; callers recover the segment
     * ({@link LogRecovery}) when they cannot be trusted.
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, LogEnv env, long fileMtimeMs, boolean active)
            throws IOException {
        return new LogSegment(dir, baseOffset, config, env.channels(), fileMtimeMs, false, active, "");
    }

    long baseOffset() {
        return baseOffset;
    }

    /** The aborted transactions whose markers lie in this segment. */
    TransactionIndex txnIndex() {
        return txnIndex;
    }

    /** Bytes of whole batches, as published to readers. */
    int size() {
        return size;
    }

    Path logFile() {
        return logFile;
    }

    /** Bytes of offset-index entries (what a merged segment's index would need for these batches). */
    long offsetIndexBytes() {
        return (long) offsetIndex.entries() * OffsetIndex.ENTRY_SIZE;
    }

    /** Bytes of time-index entries. */
    long timeIndexBytes() {
        return (long) timeIndex.entries() * TimeIndex.ENTRY_SIZE;
    }

    FileChannel channel() {
        return channel;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    long maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    long offsetOfMaxTimestampSoFar() {
        return offsetOfMaxTimestampSoFar;
    }

    /** The largest timestamp in the segment, or the file's modification time if it has none (as Kafka). */
    long largestTimestamp() throws IOException {
        long ts = maxTimestampSoFar;
        return ts >= 0 ? ts : Files.getLastModifiedTime(logFile).toMillis();
    }

    /** Milliseconds since the segment's first batch's timestamp (or its creation), for {@code segment.ms}. */
    long timeWaitedForRoll(long nowMs) {
        long from = rollingBasedTimestamp >= 0 ? rollingBasedTimestamp : createdMs;
        return nowMs - from;
    }

    /**
     * True if {@code bytes} more would not fit below {@code segment.bytes}, the segment is older than
     * {@code segment.ms} less its jitter, or an index is full.
     */
    boolean shouldRoll(int bytes, long lastOffset, LogConfig config, long nowMs) {
        if (size == 0) {
            return false;
        }
        return size > config.segmentBytes() - bytes
                || timeWaitedForRoll(nowMs) > config.segmentMs() - rollJitterMs
                || offsetIndex.isFull()
                || timeIndex.isFull()
                || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /**
     * Appends the batches in {@code batches} (offsets already assigned, all within this segment's
     * 32-bit relative range) with one positional write, then indexes them and publishes the new size.
     * On an I/O error the file is cut back to its previous size before the error is thrown, so no
     * partial batch stays behind.
     */
    void append(ByteBuffer batches) throws IOException {
        int start = size;
        int pos = batches.position();
        int end = batches.limit();
        try {
            long writeAt = start;
            ByteBuffer src = batches.duplicate();
            while (src.hasRemaining()) {
                writeAt += channel.write(src, writeAt);
            }
        } catch (IOException e) {
            cutBack(start);
            throw e;
        }
        int filePos = start;
        long next = -1;
        BatchPosition last = null;
        try {
            while (pos < end) {
                int batchSize = RecordBatch.sizeInBytes(batches, pos);
                next = RecordBatch.nextOffset(batches, pos);
                long batchBase = RecordBatch.baseOffset(batches, pos);
                long batchLast = RecordBatch.lastOffset(batches, pos);
                indexBatch(batchBase, batchLast, RecordBatch.maxTimestamp(batches, pos), filePos, batchSize);
                last = new BatchPosition(batchBase, batchLast, filePos, batchSize);
                filePos += batchSize;
                pos += batchSize;
            }
        } catch (RuntimeException e) {
            // A bug, not an I/O fault: leave nothing of this append behind, then let the log go offline.
            cutBack(start);
            offsetIndex.truncateTo(RecordBatch.baseOffset(batches, batches.position()));
            timeIndex.truncateTo(RecordBatch.baseOffset(batches, batches.position()));
            throw e;
        }
        size = filePos;
        if (last != null) {
            tail = new Tail(next, filePos, last);
        }
    }

    /**
     * The offset after the last appended batch, the file position where it ends, and that batch: a
     * consumer at the log end fetches exactly this batch, which is then found without reading headers.
     */
    record Tail(long nextOffset, int position, BatchPosition lastBatch) {}

    /**
     * The file position at which offset {@code bound} starts, looking no further than {@code limit}
     * (a size seen by the caller); {@code limit} if no batch below it holds the bound. When the bound is
     * where the last append ended (a consumer reading up to the high watermark of the active segment),
     * that is known without reading a header.
     */
    int positionOf(long bound, int limit) throws IOException {
        Tail t = tail;
        if (t != null && t.nextOffset() == bound && t.position() <= limit) {
            return t.position();
        }
        BatchPosition at = translateOffset(bound, limit);
        return at == null ? limit : at.position();
    }

    private void cutBack(int length) {
        try {
            channel.truncate(length);
        } catch (IOException suppressed) {
            LOG.error("Could not cut {} back to {} bytes after a failed write", logFile, length, suppressed);
        }
    }

    /** Updates the in-memory timestamps and the sparse indexes for one batch written at {@code position}. */
    void indexBatch(long batchBaseOffset, long lastOffset, long maxTimestamp, int position, int batchSize) {
        if (rollingBasedTimestamp < 0 && position == 0) {
            rollingBasedTimestamp = maxTimestamp;
        }
        if (maxTimestamp > maxTimestampSoFar) {
            maxTimestampSoFar = maxTimestamp;
            offsetOfMaxTimestampSoFar = lastOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes || position == 0) {
            if (!offsetIndex.isFull()) {
                offsetIndex.append(batchBaseOffset, position);
            }
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /** Clears in-memory and index state before a rebuild ({@link LogRecovery}). */
    void resetIndexes() {
        offsetIndex.reset();
        timeIndex.reset();
        bytesSinceLastIndexEntry = 0;
        maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = -1;
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
    }

    /** Sets the published size after a rebuild that truncated the file to {@code validBytes}. */
    void truncateFileTo(int validBytes) throws IOException {
        if (channel.size() > validBytes) {
            channel.truncate(validBytes);
        }
        tail = null;
        size = validBytes;
    }

    /**
     * Reads the header of the batch at {@code position}; returns null if no whole header lies before
     * {@code limit}. The returned buffer is this thread's and valid until its next call.
     */
    ByteBuffer readHeader(int position, int limit) throws IOException {
        if (limit - position < HEADER_SIZE) {
            return null;
        }
        ByteBuffer header = HEADER.get().clear();
        while (header.hasRemaining()) {
            if (channel.read(header, position + header.position()) < 0) {
                return null;
            }
        }
        return header.flip();
    }

    /**
     * The first batch, scanning from {@code from}, whose last offset is at least {@code offset}, below
     * file position {@code limit}; null if there is none.
     */
    BatchPosition findBatch(long offset, OffsetIndex.Position from, int limit) throws IOException {
        int pos = from.position();
        while (true) {
            ByteBuffer h = readHeader(pos, limit);
            if (h == null) {
                return null;
            }
            int batchSize = LOG_OVERHEAD + RecordBatch.length(h, 0);
            if (batchSize < HEADER_SIZE || pos + batchSize > limit) {
                return null;
            }
            long last = RecordBatch.lastOffset(h, 0);
            if (last >= offset) {
                return new BatchPosition(RecordBatch.baseOffset(h, 0), last, pos, batchSize);
            }
            pos += batchSize;
        }
    }

    /**
     * The batch containing {@code offset} (or the first after it) below {@code limit}; null if none. An
     * offset in the last appended batch (a consumer that keeps up with the producer) is answered from
     * {@link #tail} without a scan: otherwise every fetch would read the headers of all batches since
     * the last index entry (up to {@code index.interval.bytes} of them).
     */
    BatchPosition translateOffset(long offset, int limit) throws IOException {
        Tail t = tail;
        if (t != null) {
            BatchPosition last = t.lastBatch();
            if (offset >= last.baseOffset() && offset <= last.lastOffset() && last.end() <= limit) {
                return last;
            }
        }
        return findBatch(offset, offsetIndex.lookup(offset), limit);
    }

    /**
     * Reads whole batches starting with the one that holds {@code startOffset}: at most {@code maxBytes}
     * unless {@code minOneBatch} and the first batch alone is larger (KIP-74), and nothing at or past
     * file position {@code maxPosition} (a batch boundary). Returns null if no batch holds an offset
     * at or after {@code startOffset} below {@code maxPosition}.
     */
    FileSlice read(long startOffset, int maxBytes, int maxPosition, boolean minOneBatch) throws IOException {
        int limit = Math.min(maxPosition, size);
        BatchPosition first = translateOffset(startOffset, limit);
        if (first == null) {
            return null;
        }
        int start = first.position();
        if (first.size() > maxBytes) {
            return minOneBatch ? new FileSlice(channel, start, first.size()) : new FileSlice(channel, start, 0);
        }
        long wanted = (long) start + maxBytes;
        if (wanted >= limit) {
            return new FileSlice(channel, start, limit - start);
        }
        // Find the last batch boundary at or before start + maxBytes: jump by the index, then scan.
        OffsetIndex.Position near = offsetIndex.lookupByPosition((int) wanted);
        int end = Math.max(first.end(), near.position());
        while (true) {
            ByteBuffer h = readHeader(end, limit);
            if (h == null) {
                break;
            }
            int batchSize = LOG_OVERHEAD + RecordBatch.length(h, 0);
            if (batchSize < HEADER_SIZE || (long) end + batchSize > wanted) {
                break;
            }
            end += batchSize;
        }
        return new FileSlice(channel, start, end - start);
    }

    /** The offset after the last batch in the segment (its base offset if it is empty). */
    long readNextOffset() throws IOException {
        OffsetIndex.Position from = offsetIndex.lastEntry();
        int pos = from.position();
        long next = baseOffset;
        int limit = size;
        while (true) {
            ByteBuffer h = readHeader(pos, limit);
            if (h == null) {
                return next;
            }
            int batchSize = LOG_OVERHEAD + RecordBatch.length(h, 0);
            if (batchSize < HEADER_SIZE || pos + batchSize > limit) {
                return next;
            }
            next = RecordBatch.nextOffset(h, 0);
            pos += batchSize;
        }
    }

    /**
     * Removes every batch at or after {@code offset} (the batch that holds it included; callers truncate
     * at batch boundaries). Returns the number of bytes removed.
     */
    int truncateTo(long offset) throws IOException {
        BatchPosition from = translateOffset(offset, size);
        if (from == null) {
            return 0;
        }
        int oldSize = size;
        // The whole batch holding the offset goes, so index entries from its base offset on go too.
        offsetIndex.truncateTo(from.baseOffset());
        timeIndex.truncateTo(from.baseOffset());
        txnIndex.truncateTo(from.baseOffset());
        tail = null;
        size = from.position();
        channel.truncate(from.position());
        recomputeMaxTimestamp();
        bytesSinceLastIndexEntry = 0;
        if (size == 0) {
            rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        }
        return oldSize - size;
    }

    /**
     * Recomputes the largest timestamp after a truncation: the time index is sparse, so the surviving
     * batches after its last entry are scanned too (as Kafka does).
     */
    private void recomputeMaxTimestamp() throws IOException {
        TimeIndex.Entry last = timeIndex.lastEntry();
        long maxTs = last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
        long maxTsOffset = last == null ? -1 : last.offset();
        int limit = size;
        int pos = 0;
        if (last != null) {
            BatchPosition at = translateOffset(last.offset(), limit);
            pos = at == null ? limit : at.position();
        }
        while (true) {
            ByteBuffer h = readHeader(pos, limit);
            if (h == null) {
                break;
            }
            int batchSize = LOG_OVERHEAD + RecordBatch.length(h, 0);
            if (batchSize < HEADER_SIZE || pos + batchSize > limit) {
                break;
            }
            if (RecordBatch.maxTimestamp(h, 0) > maxTs) {
                maxTs = RecordBatch.maxTimestamp(h, 0);
                maxTsOffset = RecordBatch.lastOffset(h, 0);
            }
            pos += batchSize;
        }
        maxTimestampSoFar = maxTs;
        offsetOfMaxTimestampSoFar = maxTsOffset;
    }

    /** Seals the segment when the log rolls: a final time-index entry, indexes trimmed to their entries. */
    void onBecomeInactive() throws IOException {
        if (maxTimestampSoFar >= 0) {
            timeIndex.maybeAppendFinal(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Makes the segment's bytes and indexes durable. */
    void flush() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /**
     * Renames all files with the {@code .deleted} suffix; they are removed later by {@link #deleteFiles}.
     * A {@code .deleted} file of an earlier segment at the same base offset (the cleaner replaces a
     * segment again before the first one's delayed deletion) is replaced: it was going anyway, and
     * open channels keep serving readers. Each file takes one rename(2) ({@code ATOMIC_MOVE}: no
     * checks of source and target first), which matters where segments come and go often.
     */
    void renameForDeletion() throws IOException {
        Path deleted = deletedName(logFile);
        Files.move(logFile, deleted, StandardCopyOption.ATOMIC_MOVE);
        logFile = deleted;
        offsetIndex.renameReplacing(deletedName(offsetIndex.file()));
        timeIndex.renameReplacing(deletedName(timeIndex.file()));
        txnIndex.renameReplacing(deletedName(txnIndex.file()));
    }

    private static Path deletedName(Path file) {
        return file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    }

    /**
     * Renames the three files from ending in {@code from} to ending in {@code to} (either may be empty):
     * the indexes first, the {@code .log} last, so that the {@code .log} file's name says how far a
     * rename got.
     */
    void changeFileSuffixes(String from, String to) throws IOException {
        offsetIndex.renameTo(changeSuffix(offsetIndex.file(), from, to));
        timeIndex.renameTo(changeSuffix(timeIndex.file(), from, to));
        txnIndex.renameTo(changeSuffix(txnIndex.file(), from, to));
        Path target = changeSuffix(logFile, from, to);
        Files.move(logFile, target);
        logFile = target;
    }

    private static Path changeSuffix(Path file, String from, String to) {
        String name = file.getFileName().toString();
        if (!name.endsWith(from)) {
            throw new IllegalStateException("file " + file + " does not end with " + from);
        }
        return file.resolveSibling(name.substring(0, name.length() - from.length()) + to);
    }

    /** Closes the channel and removes the files. */
    void deleteFiles() throws IOException {
        closeQuietly();
        Files.deleteIfExists(logFile);
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        txnIndex.deleteIfExists();
    }

    /** Renames the segments' files {@code .deleted} now and deletes them later ({@link #deleteFilesLater}). */
    static void renameAndDeleteLater(
            java.util.Collection<LogSegment> toDelete,
            java.util.concurrent.ScheduledExecutorService background,
            long delayMs)
            throws IOException {
        for (LogSegment segment : toDelete) {
            segment.renameForDeletion();
        }
        deleteFilesLater(toDelete, background, delayMs);
    }

    /**
     * Deletes the files of segments already renamed {@code .deleted} after {@code delayMs} on
     * {@code background} (at once without one); a failure is logged, the files then stay until the
     * next load removes them.
     */
    static void deleteFilesLater(
            java.util.Collection<LogSegment> toDelete,
            java.util.concurrent.ScheduledExecutorService background,
            long delayMs) {
        List<LogSegment> copy = List.copyOf(toDelete);
        Runnable task = () -> {
            for (LogSegment segment : copy) {
                try {
                    segment.deleteFiles();
                } catch (IOException e) {
                    LOG.warn("Could not delete {}", segment.logFile(), e);
                }
            }
        };
        if (background == null) {
            task.run();
        } else {
            background.schedule(task, delayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Error closing {}", logFile, e);
        }
    }

    /** Closes the segment: a final time-index entry, indexes trimmed, the file closed. */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                onBecomeInactive();
            }
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile.getFileName() + ", size=" + size + ")";
    }
}
