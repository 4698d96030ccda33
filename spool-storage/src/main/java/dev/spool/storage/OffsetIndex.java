package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from record offset to byte position in the segment's {@code .log} file.
 *
 * <pre>
 *  entry (8 bytes):  +---------------------------+--------------------+
 *                    | relativeOffset int32      | position int32     |
 *                    +---------------------------+--------------------+
 * </pre>
 *
 * {@code relativeOffset} is the batch's base offset minus the segment's base offset; {@code position}
 * is where that batch starts in the log file. Entries are strictly increasing in both fields.
 */
final class OffsetIndex extends AbstractIndex {
    static final int RELATIVE_OFFSET_OFFSET = 0;
    static final int POSITION_OFFSET = 4;
    static final int ENTRY_SIZE = 8;

    private int pendingRelativeOffset;
    private int pendingPosition;

    /** The result of a lookup: a batch boundary at or before the searched offset. */
    record Position(long offset, int position) {}

    OffsetIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    private OffsetIndex(Path file, long baseOffset, int maxIndexSize) {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /** The empty, writable index of a new segment; its file is written when first flushed or sealed. */
    static OffsetIndex createNew(Path file, long baseOffset, int maxIndexSize) {
        return new OffsetIndex(file, baseOffset, maxIndexSize);
    }

    /** Adds an entry; {@code offset} must exceed the last entry's and fit in 32 bits relative to the base. */
    void append(long offset, int position) {
        int relative = relative(offset);
        int n = entries();
        if (n > 0 && relative <= relativeOffsetAt(buffer(), n - 1)) {
            throw new IllegalArgumentException("offset index entry " + offset + " is not after the last entry "
                    + (baseOffset + relativeOffsetAt(buffer(), n - 1)) + " in " + file());
        }
        pendingRelativeOffset = relative;
        pendingPosition = position;
        appendEntry();
    }

    private int relative(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit relative to base " + baseOffset);
        }
        return (int) relative;
    }

    @Override
    protected void writeEntry(ByteBuffer buf, int at) {
        buf.putInt(at + RELATIVE_OFFSET_OFFSET, pendingRelativeOffset);
        buf.putInt(at + POSITION_OFFSET, pendingPosition);
    }

    @Override
    protected long keyAt(ByteBuffer buf, int n) {
        return relativeOffsetAt(buf, n);
    }

    private static int relativeOffsetAt(ByteBuffer buf, int n) {
        return buf.getInt(n * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    private static int positionAt(ByteBuffer buf, int n) {
        return buf.getInt(n * ENTRY_SIZE + POSITION_OFFSET);
    }

    /**
     * The last indexed batch start at or before {@code offset}; the segment start (base offset,
     * position 0) if there is none.
     */
    Position lookup(long offset) {
        int slot = largestLowerBound(Math.max(0, offset - baseOffset));
        ByteBuffer buf = buffer(); // after the entry count: holds every counted entry
        if (slot < 0) {
            return new Position(baseOffset, 0);
        }
        return new Position(baseOffset + relativeOffsetAt(buf, slot), positionAt(buf, slot));
    }

    /**
     * The last indexed batch start at or before file position {@code position} (positions grow with
     * offsets); the segment start if there is none.
     */
    Position lookupByPosition(int position) {
        int hi = entries() - 1;
        ByteBuffer buf = buffer(); // after the entry count: holds every counted entry
        int lo = 0;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (positionAt(buf, mid) <= position) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return new Position(baseOffset, 0);
        }
        return new Position(baseOffset + relativeOffsetAt(buf, found), positionAt(buf, found));
    }

    /** The last entry, or the segment start if there are none. */
    Position lastEntry() {
        int n = entries();
        if (n == 0) {
            return new Position(baseOffset, 0);
        }
        return new Position(baseOffset + relativeOffsetAt(buffer(), n - 1), positionAt(buffer(), n - 1));
    }

    /** Removes entries for offsets at or after {@code offset}. */
    void truncateTo(long offset) {
        int slot = largestLowerBound(offset - baseOffset - 1);
        truncateToEntries(slot + 1);
    }
}
