package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aborted-transaction index of one segment, {@code <base>.txnindex}, in Kafka's format: one
 * entry per abort marker in the segment, in marker order.
 *
 * <pre>
 *  0          2                10               18              26                   34
 *  +----------+----------------+----------------+----------------+--------------------+
 *  | version  | producerId     | firstOffset    | lastOffset     | lastStableOffset   |
 *  | int16 =0 | int64          | int64          | int64          | int64              |
 *  +----------+----------------+----------------+----------------+--------------------+
 * </pre>
 * Big-endian. {@code lastOffset} is the marker's offset. The file is created on the first entry (most
 * segments have none). The entries are also held in memory (a segment has few); the file is read
 * once, when the segment is opened: a trailing partial entry or an entry of another version ends
 * what is read (the file is cut there). Recovery never trusts it: a recovered segment's index is
 * {@link #reset} and rebuilt from the markers by the producer-state replay.
 *
 * <p>Lifecycle: follows its segment (renamed, truncated, deleted with it). Thread-safety: changed
 * under the log's lock; {@link #entries} may be called by lock-free readers and returns a snapshot.
 */
final class TransactionIndex {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionIndex.class);

    static final String SUFFIX = ".txnindex";
    static final short VERSION = 0;
    static final int VERSION_OFFSET = 0;
    static final int PRODUCER_ID_OFFSET = 2;
    static final int FIRST_OFFSET_OFFSET = 10;
    static final int LAST_OFFSET_OFFSET = 18;
    static final int LAST_STABLE_OFFSET_OFFSET = 26;
    static final int ENTRY_SIZE = 34;

    private volatile Path file;
    /** Copy-on-write: readers take the reference without a lock. */
    private volatile List<AbortedTxn> entries;
    /** Whether a file of this index may exist at {@link #file}; false for a new index until its first entry. */
    private boolean onDisk;

    private TransactionIndex(Path file, List<AbortedTxn> entries, boolean onDisk) {
        this.file = file;
        this.entries = entries;
        this.onDisk = onDisk;
    }

    static Path file(Path dir, long baseOffset, String fileSuffix) {
        return dir.resolve(LogFiles.fileName(baseOffset, SUFFIX) + fileSuffix);
    }

    /**
     * A new, empty index: no file until its first entry, which replaces any file left at that name (the
     * index of an earlier incarnation of the segment is never reused).
     */
    static TransactionIndex create(Path file) {
        return new TransactionIndex(file, List.of(), false);
    }

    /** Opens the index of an existing segment, reading its file if there is one. */
    static TransactionIndex open(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new TransactionIndex(file, List.of(), false);
        }
        List<AbortedTxn> read = new ArrayList<>();
        long validBytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("transaction index " + file + " of " + size + " bytes is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) (size - size % ENTRY_SIZE));
            while (buf.hasRemaining()) {
                if (ch.read(buf, buf.position()) < 0) {
                    break;
                }
            }
            int pos = 0;
            while (pos + ENTRY_SIZE <= buf.position()) {
                if (buf.getShort(pos + VERSION_OFFSET) != VERSION) {
                    break;
                }
                read.add(decode(buf, pos));
                pos += ENTRY_SIZE;
            }
            validBytes = pos;
            if (validBytes < size) {
                LOG.warn("Cutting transaction index {} from {} to {} bytes", file, size, validBytes);
                ch.truncate(validBytes);
            }
        }
        return new TransactionIndex(file, List.copyOf(read), true);
    }

    private static AbortedTxn decode(ByteBuffer buf, int pos) {
        return new AbortedTxn(
                buf.getLong(pos + PRODUCER_ID_OFFSET),
                buf.getLong(pos + FIRST_OFFSET_OFFSET),
                buf.getLong(pos + LAST_OFFSET_OFFSET),
                buf.getLong(pos + LAST_STABLE_OFFSET_OFFSET));
    }

    static ByteBuffer encode(List<AbortedTxn> list) {
        ByteBuffer buf = ByteBuffer.allocate(list.size() * ENTRY_SIZE);
        int pos = 0;
        for (AbortedTxn t : list) {
            buf.putShort(pos + VERSION_OFFSET, VERSION);
            buf.putLong(pos + PRODUCER_ID_OFFSET, t.producerId());
            buf.putLong(pos + FIRST_OFFSET_OFFSET, t.firstOffset());
            buf.putLong(pos + LAST_OFFSET_OFFSET, t.lastOffset());
            buf.putLong(pos + LAST_STABLE_OFFSET_OFFSET, t.lastStableOffset());
            pos += ENTRY_SIZE;
        }
        return buf;
    }

    Path file() {
        return file;
    }

    /** The entries, in marker order (an immutable snapshot). */
    List<AbortedTxn> entries() {
        return entries;
    }

    /**
     * Appends an entry, unless its marker is not after the last entry's (a replay meeting a marker
     * already indexed). Creates the file on the first entry. Returns true if appended.
     */
    boolean append(AbortedTxn txn) throws IOException {
        List<AbortedTxn> current = entries;
        if (!current.isEmpty() && current.get(current.size() - 1).lastOffset() >= txn.lastOffset()) {
            return false;
        }
        ByteBuffer bytes = encode(List.of(txn));
        // The first entry of a new index starts its file afresh; later ones are appended.
        try (FileChannel ch = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                onDisk ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        }
        onDisk = true;
        List<AbortedTxn> next = new ArrayList<>(current.size() + 1);
        next.addAll(current);
        next.add(txn);
        entries = List.copyOf(next);
        return true;
    }

    /** Writes all of {@code list} as the whole content (the cleaner's copy into a new segment). */
    void replaceAll(List<AbortedTxn> list) throws IOException {
        if (list.isEmpty()) {
            Files.deleteIfExists(file);
            onDisk = false;
        } else {
            ByteBuffer bytes = encode(list);
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
            }
            onDisk = true;
        }
        entries = List.copyOf(list);
    }

    /** Removes the entries whose marker is at or after {@code offset}. */
    void truncateTo(long offset) throws IOException {
        List<AbortedTxn> current = entries;
        int keep = 0;
        while (keep < current.size() && current.get(keep).lastOffset() < offset) {
            keep++;
        }
        if (keep < current.size()) {
            replaceAll(current.subList(0, keep));
        }
    }

    /** Forgets every entry and deletes the file (recovery rebuilds it). */
    void reset() throws IOException {
        replaceAll(List.of());
    }

    /** Forces the file to disk, if there is one. */
    void flush() throws IOException {
        if (!entries.isEmpty() && Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
    }

    /** Renames the file (if it exists) and remembers the new name. */
    void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    /**
     * As {@link #renameTo}, by one rename(2) and no check first (the file exists only once the
     * segment has an aborted transaction); none for a new index that never wrote its file.
     */
    void renameReplacing(Path target) throws IOException {
        if (!onDisk) {
            file = target;
            return;
        }
        try {
            Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.NoSuchFileException e) {
            // no aborted transaction in this segment: no file
        }
        file = target;
    }

    void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }

    /**
     * The aborted transactions that overlap [{@code startOffset}, {@code upperBoundOffset}): entries
     * with {@code lastOffset >= startOffset} and {@code firstOffset < upperBoundOffset}, from the
     * segment holding {@code startOffset} on. A transaction's entry lives in the segment of its
     * marker, which may be well after the range; the search stops after the first segment with an
     * entry whose last stable offset reaches {@code upperBoundOffset} (every transaction begun below
     * the bound had ended by then), as Kafka's does.
     */
    static List<AbortedTxn> collect(
            java.util.NavigableMap<Long, LogSegment> segments, long startOffset, long upperBoundOffset) {
        List<AbortedTxn> out = new ArrayList<>();
        if (startOffset >= upperBoundOffset) {
            return out;
        }
        Long from = segments.floorKey(startOffset);
        for (LogSegment segment :
                segments.tailMap(from == null ? Long.MIN_VALUE : from, true).values()) {
            boolean complete = false;
            for (AbortedTxn t : segment.txnIndex().entries()) {
                if (t.lastOffset() >= startOffset && t.firstOffset() < upperBoundOffset) {
                    out.add(t);
                }
                complete |= t.lastStableOffset() >= upperBoundOffset;
            }
            if (complete) {
                break;
            }
        }
        return out;
    }
}
