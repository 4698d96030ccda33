package dev.spool.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sparse, sorted, fixed-entry-size index file of a segment, memory-mapped. The file is preallocated
 * to {@code maxIndexSize} while its segment is active and trimmed to its entries when the segment rolls
 * or closes.
 *
 * <p>Thread-safety: one writer (the log, under its lock) appends and truncates; readers search
 * concurrently without locks. {@link #entries} is published after the entry's bytes are written.
 */
abstract class AbstractIndex implements AutoCloseable {
    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private int maxEntries;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;

    /**
     * Opens or creates the index. An existing file's length (rounded down to whole entries) is its
     * number of entries; for a writable index the file is then extended to {@code maxIndexSize}.
     */
    AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize, boolean writable) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        boolean existed = Files.exists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long length = raf.length();
            int validEntries = existed ? (int) Math.min(length / entrySize, Integer.MAX_VALUE / entrySize) : 0;
            if (writable) {
                long target = Math.max(roundDown(maxIndexSize), (long) validEntries * entrySize);
                raf.setLength(target);
            } else {
                raf.setLength((long) validEntries * entrySize);
            }
            this.mmap = map(raf);
            this.maxEntries = mmap.limit() / entrySize;
            this.entries = validEntries;
        }
    }

    private int roundDown(int size) {
        return Math.max(entrySize, size / entrySize * entrySize);
    }

    private static MappedByteBuffer map(RandomAccessFile raf) throws IOException {
        return raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, raf.length());
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

    protected MappedByteBuffer buffer() {
        return mmap;
    }

    protected int entrySize() {
        return entrySize;
    }

    /** Writes entry bytes at slot {@code entries} via {@link #writeEntry} and publishes it. */
    protected void appendEntry() {
        if (entries >= maxEntries) {
            throw new IllegalStateException("index " + file + " is full (" + maxEntries + " entries)");
        }
        writeEntry(mmap, entries * entrySize);
        entries = entries + 1;
    }

    /** Writes the pending entry's bytes at byte {@code at} of the mapping. */
    protected abstract void writeEntry(MappedByteBuffer buf, int at);

    /** The key (an offset or a timestamp) of entry {@code n}. */
    protected abstract long keyAt(MappedByteBuffer buf, int n);

    /**
     * The slot of the last entry whose key is at most {@code key}, or -1 if every entry's key is
     * larger (or there are none). Keys are non-decreasing.
     */
    protected int largestLowerBound(long key) {
        MappedByteBuffer buf = mmap;
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(buf, mid) <= key) {
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
    }

    /** Removes all entries. */
    void reset() {
        entries = 0;
    }

    /** Forces the mapped entries to disk. */
    void flush() {
        mmap.force();
    }

    /** Shrinks the file to its entries; done when the segment becomes read-only. */
    void trimToValidSize() throws IOException {
        resize((long) entries * entrySize);
    }

    /** Grows the file to {@code maxIndexSize} again, when the segment becomes active after a restart. */
    void resizeForAppends(int maxIndexSize) throws IOException {
        resize(Math.max(roundDown(maxIndexSize), (long) entries * entrySize));
    }

    private void resize(long newLength) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            mmap.force();
            raf.setLength(newLength);
            mmap = map(raf);
            maxEntries = mmap.limit() / entrySize;
        }
    }

    /** Renames the file (to the {@code .deleted} name before background removal). */
    void renameTo(Path target) throws IOException {
        Files.move(file, target);
        file = target;
    }

    void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        trimToValidSize();
    }
}
