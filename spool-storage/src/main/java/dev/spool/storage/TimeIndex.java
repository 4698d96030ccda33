package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset in a segment: each entry says "every record before
 * {@code relativeOffset} has a timestamp at most {@code timestamp}"; entries only grow in both fields.
 *
 * <pre>
 *  entry (12 bytes): +------------------------------+--------------------------+
 *                    | timestamp int64              | relativeOffset int32     |
 *                    +------------------------------+--------------------------+
 * </pre>
 *
 * {@code relativeOffset} is the offset of the batch holding the largest timestamp so far, minus the
 * segment's base offset.
 */
final class TimeIndex extends AbstractIndex {
    static final int TIMESTAMP_OFFSET = 0;
    static final int RELATIVE_OFFSET_OFFSET = 8;
    static final int ENTRY_SIZE = 12;

    private long pendingTimestamp;
    private int pendingRelativeOffset;

    /** A timestamp and the offset of the batch that holds it. */
    record Entry(long timestamp, long offset) {}

    TimeIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    private TimeIndex(Path file, long baseOffset, int maxIndexSize) {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /** The empty, writable index of a new segment; its file is written when first flushed or sealed. */
    static TimeIndex createNew(Path file, long baseOffset, int maxIndexSize) {
        return new TimeIndex(file, baseOffset, maxIndexSize);
    }

    /**
     * Full one entry early: the last slot is kept for the entry {@link #maybeAppendFinal} writes when the
     * segment stops taking appends, so a sealed segment's largest timestamp is always in its index.
     */
    @Override
    boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /** Appends if {@code timestamp} is larger than the last entry's and the index is not full. */
    void maybeAppend(long timestamp, long offset) {
        if (!isFull()) {
            appendIfLarger(timestamp, offset);
        }
    }

    /**
     * The entry for the segment's largest timestamp when it is rolled or closed; may use the slot
     * {@link #isFull} reserves.
     */
    void maybeAppendFinal(long timestamp, long offset) {
        if (entries() < maxEntries()) {
            appendIfLarger(timestamp, offset);
        }
    }

    private void appendIfLarger(long timestamp, long offset) {
        if (timestamp < 0 || offset < 0) {
            return; // batches without timestamps (NO_TIMESTAMP) are not time-indexed
        }
        int n = entries();
        if (n > 0 && timestamp <= timestampAt(buffer(), n - 1)) {
            return;
        }
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit relative to base " + baseOffset);
        }
        if (n > 0 && relative < relativeOffsetAt(buffer(), n - 1)) {
            relative = relativeOffsetAt(buffer(), n - 1);
        }
        pendingTimestamp = timestamp;
        pendingRelativeOffset = (int) relative;
        appendEntry();
    }

    @Override
    protected void writeEntry(ByteBuffer buf, int at) {
        buf.putLong(at + TIMESTAMP_OFFSET, pendingTimestamp);
        buf.putInt(at + RELATIVE_OFFSET_OFFSET, pendingRelativeOffset);
    }

    @Override
    protected long keyAt(ByteBuffer buf, int n) {
        return timestampAt(buf, n);
    }

    private static long timestampAt(ByteBuffer buf, int n) {
        return buf.getLong(n * ENTRY_SIZE + TIMESTAMP_OFFSET);
    }

    private static int relativeOffsetAt(ByteBuffer buf, int n) {
        return buf.getInt(n * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    /**
     * An offset from which a scan finds the first record with a timestamp at least {@code timestamp}:
     * the offset of the last entry whose timestamp is below it, or the segment base if there is none.
     */
    long lookupStartOffset(long timestamp) {
        int slot = largestLowerBound(timestamp - 1);
        return slot < 0 ? baseOffset : baseOffset + relativeOffsetAt(buffer(), slot);
    }

    /** The last entry, or null if there are none. */
    Entry lastEntry() {
        int n = entries();
        if (n == 0) {
            return null;
        }
        return new Entry(timestampAt(buffer(), n - 1), baseOffset + relativeOffsetAt(buffer(), n - 1));
    }

    /** Removes entries whose offset is at or after {@code offset}. */
    void truncateTo(long offset) {
        int n = entries();
        ByteBuffer buf = buffer();
        while (n > 0 && baseOffset + relativeOffsetAt(buf, n - 1) >= offset) {
            n--;
        }
        truncateToEntries(n);
    }
}
