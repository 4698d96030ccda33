package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A sparse, sorted, fixed-entry-size index file of a segment.
 *
 * <p>While its segment is active the index is <b>writable</b>: entries live in a heap buffer that grows
 * as needed, and reach the file (preallocated to {@code maxIndexSize}) only on {@link #flush},
 * {@link #trimToValidSize} and {@link #close}. The index of a new segment has no file until it first
 * writes one (as Kafka's lazily created indexes of a rolled segment): a segment removed before its index
 * was ever written (a follower's log emptied and restarted, a retention pass over young segments)
 * costs no file operations for it. Appends never dirty memory-mapped pages: with many active
 * partitions, page-cache write-back of mapped index pages slowed every write. Nothing is lost by this:
 * after an unclean stop, indexes past the recovery point are rebuilt, and a flush writes the entries before
 * the recovery point moves. When the segment rolls or closes, the file is trimmed to its entries and the
 * index becomes <b>sealed</b>: a read-only memory map.
 *
 * <p>Thread-safety: one writer (the log, under its lock) appends and truncates; readers search
 * concurrently without locks. A new buffer is published before the entry count that needs it, and the
 * entry count after the entry's bytes, so a reader that reads the count first and then the buffer sees
 * every entry it counts.
 */
abstract class AbstractIndex implements AutoCloseable {
    /** First heap buffer of a writable index; it doubles up to the maximum. */
    static final int INITIAL_HEAP_BYTES = 4096;

    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private int maxEntries;
    private volatile ByteBuffer buf;
    private volatile int entries;
    private volatile boolean writable; // entries in a heap buffer; the file is opened only to write them
    private volatile boolean dirty; // entries changed since they were last written and forced
    /**
     * False while a new index has written no file. Changes, like the renames and the deletion that read
     * it, under this object's monitor: a flush outside the log's lock then never creates a file for an
     * index whose segment is being removed.
     */
    private boolean onDisk;
    /** Set when the file is renamed for deletion or deleted: a later flush must not create it again. */
    private boolean discarded;

    /**
     * Opens or creates the index. An existing file's length (rounded down to whole entries) is its
     * number of entries; a writable index loads them and extends the file to {@code maxIndexSize}.
     */
    AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize, boolean writable) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        boolean existed = Files.exists(file);
        long length = existed ? Files.size(file) : 0;
        this.entries = (int) Math.min(length / entrySize, Integer.MAX_VALUE / entrySize);
        if (writable) {
            openForAppends(maxIndexSize);
        } else {
            seal();
        }
    }

    /**
     * A new, empty, writable index of a new segment: nothing happens on disk until it first writes its
     * file, which then replaces whatever is at {@code file} (a new segment's index starts empty).
     */
    AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxEntries = roundDown(maxIndexSize) / entrySize;
        this.buf = ByteBuffer.allocate(capacityFor(1));
        this.writable = true;
    }

    private int roundDown(int size) {
        return Math.max(entrySize, size / entrySize * entrySize);
    }

    /** Loads the entries into a heap buffer and preallocates the file for appends. */
    private synchronized void openForAppends(int maxIndexSize) throws IOException {
        int n = entries;
        long max = Math.max(roundDown(maxIndexSize), (long) n * entrySize);
        maxEntries = (int) (max / entrySize);
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer heap = ByteBuffer.allocate(capacityFor(Math.max(n, 1)));
            ByteBuffer view = heap.duplicate().limit(n * entrySize);
            while (view.hasRemaining()) {
                if (ch.read(view, view.position()) < 0) {
                    break;
                }
            }
            if (ch.size() > max) {
                ch.truncate(max);
            } else {
                preallocate(ch, max);
            }
            buf = heap;
            writable = true;
        }
        onDisk = true;
    }

    /** A heap capacity for at least {@code n} entries: a power of two times the initial size, capped at the max. */
    private int capacityFor(int n) {
        long cap = Math.max(INITIAL_HEAP_BYTES / entrySize * entrySize, entrySize);
        while (cap < (long) n * entrySize) {
            cap *= 2;
        }
        return (int) Math.min(cap, (long) maxEntries * entrySize);
    }

    /**
     * Trims the file to the entries (already written) and maps it read-only; an index that never wrote
     * its file (no entries) creates it empty, one whose segment was removed touches no file.
     */
    private synchronized void seal() throws IOException {
        if (discarded) {
            maxEntries = entries; // its segment is gone: the entries stay readable from the heap
            return;
        }
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = (long) entries * entrySize;
            if (ch.size() != length) {
                ch.truncate(length);
            }
            ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
            maxEntries = entries;
            buf = mapped;
        }
        onDisk = true;
    }

    private boolean writable() {
        return writable;
    }

    Path file() {
        return file;
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    int maxEntries() {
        return maxEntries;
    }

    /** The current buffer; read {@link #entries()} before it. */
    protected ByteBuffer buffer() {
        return buf;
    }

    protected int entrySize() {
        return entrySize;
    }

    /** Writes entry bytes at slot {@code entries} via {@link #writeEntry} and publishes it. */
    protected void appendEntry() {
        int n = entries;
        if (n >= maxEntries || !writable()) {
            throw new IllegalStateException("index " + file + " is full (" + maxEntries + " entries) or sealed");
        }
        ByteBuffer b = buf;
        if ((n + 1) * entrySize > b.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(capacityFor(n + 1));
            bigger.put(0, b, 0, n * entrySize);
            buf = bigger; // published before the count that needs it
            b = bigger;
        }
        writeEntry(b, n * entrySize);
        entries = n + 1;
        dirty = true;
    }

    /** Writes the pending entry's bytes at byte {@code at} of the buffer. */
    protected abstract void writeEntry(ByteBuffer buf, int at);

    /** The key (an offset or a timestamp) of entry {@code n}. */
    protected abstract long keyAt(ByteBuffer buf, int n);

    /**
     * The slot of the last entry whose key is at most {@code key}, or -1 if every entry's key is
     * larger (or there are none). Keys are non-decreasing.
     */
    protected int largestLowerBound(long key) {
        int hi = entries - 1;
        ByteBuffer b = buf;
        int lo = 0;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(b, mid) <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Drops every entry from slot {@code n} on. */
    protected void truncateToEntries(int n) {
        entries = Math.max(0, Math.min(n, entries));
        dirty = true;
    }

    /** Removes all entries. */
    void reset() {
        entries = 0;
        dirty = true;
    }

    /** Writes the entries to the file and forces it to disk (a sealed index is already on disk). */
    void flush() throws IOException {
        if (!writable() || !dirty) {
            return;
        }
        // Cleared before the entries are read: an entry the log appends meanwhile (under its lock, while a
        // flush runs outside it) sets it again, so the next flush (or the seal) writes that entry too.
        dirty = false;
        boolean written = false;
        try {
            written = writeFirstFile() || writeEntries();
        } finally {
            if (!written) {
                dirty = true;
            }
        }
    }

    /** Writes the entries over the start of the existing file and forces it; false if it was removed meanwhile. */
    private boolean writeEntries() throws IOException {
        // Opened for the write only: an index holds no file descriptor between flushes, so each
        // partition costs one descriptor (its .log), as in Kafka, whose indexes are maps.
        Path target = file;
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            writeEntriesAtStart(ch);
            ch.force(false);
        } catch (NoSuchFileException e) {
            // A flush outside the log's lock can race with the segment's removal (retention, the
            // cleaner's swap): renamed or deleted meanwhile, there is nothing left to make durable.
            if (writable && target.equals(file)) {
                throw e;
            }
            return false;
        }
        return true;
    }

    /**
     * For an index that has no file yet: creates it (replacing anything at its name), writes the entries,
     * preallocates it to the maximum and forces it; returns true. False if it already has a file; true,
     * writing nothing, once the index was discarded (its segment removed meanwhile).
     */
    private synchronized boolean writeFirstFile() throws IOException {
        if (onDisk) {
            return false;
        }
        if (discarded) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeEntriesAtStart(ch);
            preallocate(ch, (long) maxEntries * entrySize); // as an active index's file is
            ch.force(false);
        }
        onDisk = true;
        return true;
    }

    /** Writes the entries (as many as counted now) from the start of {@code ch}. */
    private void writeEntriesAtStart(FileChannel ch) throws IOException {
        ByteBuffer view = buf.duplicate().position(0).limit(entries * entrySize);
        long at = 0;
        while (view.hasRemaining()) {
            at += ch.write(view, at);
        }
    }

    /** Extends a shorter file to {@code max} bytes (sparse); FileChannel.truncate only shrinks. */
    private static void preallocate(FileChannel ch, long max) throws IOException {
        if (ch.size() < max) {
            ch.write(ByteBuffer.allocate(1), max - 1);
        }
    }

    /** Writes the entries, shrinks the file to them and seals the index; done when the segment rolls. */
    void trimToValidSize() throws IOException {
        if (writable()) {
            flush(); // a no-op when nothing changed since the last flush (clean shutdown flushes first)
            writable = false;
        }
        seal();
    }

    /** Makes the index writable again, when its segment becomes active after a restart or a truncation. */
    void resizeForAppends(int maxIndexSize) throws IOException {
        if (writable()) {
            flush();
            writable = false;
        }
        openForAppends(maxIndexSize);
    }

    /**
     * Renames the file (the cleaner's suffix changes); fails if {@code target} exists. An index without a
     * file only takes the new name, for the file it writes later.
     */
    synchronized void renameTo(Path target) throws IOException {
        if (onDisk) {
            Files.move(file, target);
        }
        file = target;
    }

    /**
     * Renames the file (to the {@code .deleted} name before background removal) with one rename(2), no
     * checks first, replacing {@code target} if it exists; nothing to rename for an index without a file,
     * which then never writes one.
     */
    synchronized void renameReplacing(Path target) throws IOException {
        if (onDisk) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
        file = target;
        discarded = true;
    }

    synchronized void deleteIfExists() throws IOException {
        writable = false;
        discarded = true;
        if (onDisk) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() throws IOException {
        trimToValidSize();
    }
}
