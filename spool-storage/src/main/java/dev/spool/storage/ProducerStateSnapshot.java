package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Descriptor and I/O of a producer-state snapshot, {@code <20-digit offset>.snapshot} in the
 * partition's directory: the state of every idempotent producer after all batches below that offset.
 *
 * <pre>
 *  0          2               6               10
 *  +----------+---------------+---------------+---------------------------------+
 *  | version  | crc32c        | entryCount    | entries (entryCount times)      |
 *  | int16 =2 | uint32        | int32         |                                 |
 *  +----------+---------------+---------------+---------------------------------+
 *  entry:  producerId int64 | epoch int16 | lastTimestamp int64 | coordinatorEpoch int32
 *          | currentTxnFirstOffset int64 (-1: none) | batchCount int8 (0..5) | batches
 *  batch:  firstSeq int32 | lastSeq int32 | firstOffset int64 | offsetDelta int32 | timestamp int64
 * </pre>
 * Version 1 (before transactions) is still read: its entries lack the two transaction fields (read as
 * -1) and hold 1..5 batches. A version-2 entry may hold no batch (a producer known only by a marker).
 * Big-endian. The CRC-32C covers every byte after the CRC field. Batches are oldest first. A file
 * that is short, too long, of another version, with a bad CRC or impossible counts is refused
 * ({@link IOException}); the loader then deletes it and uses an older snapshot.
 *
 * <p>Written at segment roll and when the log is closed (clean shutdown), by temp file and rename:
 * atomic for a process crash. Not fsynced (no disk round trip on the append path or per idle log at
 * shutdown): a snapshot torn or lost by a power loss fails its checks and the loader falls back to an
 * older one and replays more batches, so correctness never depends on it being durable. The content
 * at an offset is a function of the log below it (and of producer expiry), so an existing snapshot at
 * the log end is not rewritten. Stateless; callers serialize writes per directory (the log's lock).
 */
final class ProducerStateSnapshot {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProducerStateSnapshot.class);

    private ProducerStateSnapshot() {}

    static final String SUFFIX = ".snapshot";

    static final short VERSION = 2;
    static final short VERSION_1 = 1;
    static final int VERSION_OFFSET = 0;
    static final int VERSION_LENGTH = 2;
    static final int CRC_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    static final int CRC_LENGTH = 4;
    static final int ENTRY_COUNT_OFFSET = CRC_OFFSET + CRC_LENGTH;
    static final int ENTRY_COUNT_LENGTH = 4;
    static final int HEADER_SIZE = ENTRY_COUNT_OFFSET + ENTRY_COUNT_LENGTH;
    /** producerId, epoch, lastTimestamp, coordinatorEpoch, currentTxnFirstOffset, batchCount. */
    static final int ENTRY_HEADER_SIZE = 8 + 2 + 8 + 4 + 8 + 1;
    /** Version 1: producerId, epoch, lastTimestamp, batchCount. */
    static final int ENTRY_HEADER_SIZE_V1 = 8 + 2 + 8 + 1;
    /** firstSeq, lastSeq, firstOffset, offsetDelta, timestamp. */
    static final int BATCH_SIZE = 4 + 4 + 8 + 4 + 8;

    static Path file(Path dir, long offset) {
        return dir.resolve(LogFiles.fileName(offset, SUFFIX));
    }

    /** The snapshot files of {@code dir} by offset. */
    static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                long offset = LogFiles.baseOffsetOf(f, SUFFIX);
                if (offset >= 0) {
                    out.put(offset, f);
                }
            }
        }
        return out;
    }

    static ByteBuffer encode(List<ProducerStateEntry> entries) {
        return encode(entries, VERSION);
    }

    /** Encodes in {@code version} (1 only for compatibility tests: it drops the transaction fields). */
    static ByteBuffer encode(List<ProducerStateEntry> entries, short version) {
        int entryHeader = version == VERSION_1 ? ENTRY_HEADER_SIZE_V1 : ENTRY_HEADER_SIZE;
        int size = HEADER_SIZE;
        for (ProducerStateEntry e : entries) {
            size += entryHeader + e.batchCount() * BATCH_SIZE;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION_OFFSET, version);
        buf.putInt(ENTRY_COUNT_OFFSET, entries.size());
        buf.position(HEADER_SIZE);
        for (ProducerStateEntry e : entries) {
            buf.putLong(e.producerId());
            buf.putShort(e.epoch());
            buf.putLong(e.lastTimestamp());
            if (version != VERSION_1) {
                buf.putInt(e.coordinatorEpoch());
                buf.putLong(e.currentTxnFirstOffset());
            }
            buf.put((byte) e.batchCount());
            for (int i = 0; i < e.batchCount(); i++) {
                buf.putInt(e.firstSeq(i));
                buf.putInt(e.lastSeq(i));
                buf.putLong(e.firstOffset(i));
                buf.putInt((int) (e.lastOffset(i) - e.firstOffset(i)));
                buf.putLong(e.timestamp(i));
            }
        }
        buf.putInt(CRC_OFFSET, (int) crc(buf));
        buf.flip();
        return buf;
    }

    private static long crc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), buf.arrayOffset() + ENTRY_COUNT_OFFSET, buf.limit() - ENTRY_COUNT_OFFSET);
        return crc.getValue();
    }

    /** Decodes a snapshot's bytes into entries added to {@code state}; throws if they are not valid. */
    static void decode(ByteBuffer buf, ProducerStateManager state) throws IOException {
        if (buf.remaining() < HEADER_SIZE) {
            throw new IOException("snapshot of " + buf.remaining() + " bytes is shorter than its header");
        }
        short version = buf.getShort(VERSION_OFFSET);
        if (version != VERSION && version != VERSION_1) {
            throw new IOException("unknown snapshot version " + version);
        }
        int entryHeader = version == VERSION_1 ? ENTRY_HEADER_SIZE_V1 : ENTRY_HEADER_SIZE;
        int minBatches = version == VERSION_1 ? 1 : 0;
        long stored = Integer.toUnsignedLong(buf.getInt(CRC_OFFSET));
        long computed = crc(buf);
        if (stored != computed) {
            throw new IOException("snapshot CRC " + stored + " does not match computed " + computed);
        }
        int count = buf.getInt(ENTRY_COUNT_OFFSET);
        if (count < 0 || (long) count * (entryHeader + minBatches * BATCH_SIZE) > buf.limit() - HEADER_SIZE) {
            throw new IOException("snapshot entry count " + count + " does not fit in " + buf.limit() + " bytes");
        }
        buf.position(HEADER_SIZE);
        for (int n = 0; n < count; n++) {
            if (buf.remaining() < entryHeader) {
                throw new IOException("snapshot entry " + n + " cut short");
            }
            long producerId = buf.getLong();
            short epoch = buf.getShort();
            long lastTimestamp = buf.getLong();
            int coordinatorEpoch = version == VERSION_1 ? -1 : buf.getInt();
            long txnFirstOffset = version == VERSION_1 ? -1 : buf.getLong();
            int batches = buf.get();
            if (producerId < 0
                    || batches < minBatches
                    || batches > ProducerStateEntry.MAX_BATCHES
                    || txnFirstOffset < -1) {
                throw new IOException(
                        "snapshot entry " + n + ": producer id " + producerId + " with " + batches + " batches");
            }
            if (buf.remaining() < batches * BATCH_SIZE) {
                throw new IOException("snapshot entry " + n + " cut short");
            }
            ProducerStateEntry e = new ProducerStateEntry(producerId, epoch);
            for (int i = 0; i < batches; i++) {
                int firstSeq = buf.getInt();
                int lastSeq = buf.getInt();
                long firstOffset = buf.getLong();
                int delta = buf.getInt();
                long timestamp = buf.getLong();
                if (firstOffset < 0 || delta < 0) {
                    throw new IOException(
                            "snapshot entry " + n + ": batch at offset " + firstOffset + " delta " + delta);
                }
                e.addBatch(epoch, firstSeq, lastSeq, firstOffset, firstOffset + delta, timestamp);
            }
            e.setLastTimestamp(lastTimestamp);
            e.setCoordinatorEpoch(coordinatorEpoch);
            e.setCurrentTxnFirstOffset(txnFirstOffset);
            state.put(e);
        }
        if (buf.hasRemaining()) {
            throw new IOException("snapshot has " + buf.remaining() + " bytes after its last entry");
        }
    }

    /** Writes (replaces) the snapshot at {@code offset} by temp file and rename, without fsync. */
    static void write(Path dir, long offset, ProducerStateManager state) throws IOException {
        Path target = file(dir, offset);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ByteBuffer content = encode(state.entries());
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * At a log's close: writes the snapshot at {@code logEndOffset} unless one exists (an idle log
     * costs no write). A failure is logged: it only costs a longer replay at the next load.
     */
    static void writeAtCloseIfAbsent(
            Path dir, dev.spool.common.TopicPartition tp, long logEndOffset, ProducerStateManager state) {
        try {
            if (!Files.exists(file(dir, logEndOffset))) {
                write(dir, logEndOffset, state);
            }
        } catch (IOException e) {
            LOG.warn("Could not write the producer-state snapshot of {}", tp, e);
        }
    }

    /** Reads the snapshot file {@code f} into {@code state}; throws if it is not a valid snapshot. */
    static void read(Path f, ProducerStateManager state) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException("snapshot " + f + " of " + size + " bytes is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new IOException("snapshot " + f + " ended early");
                }
            }
            buf.flip();
            decode(buf, state);
        }
    }

    /** Deletes the snapshots above {@code offset}. */
    static void deleteAbove(Path dir, long offset) throws IOException {
        for (Path f : list(dir).tailMap(offset, false).values()) {
            Files.deleteIfExists(f);
        }
    }

    /** Deletes the snapshots below {@code offset}. */
    static void deleteBelow(Path dir, long offset) throws IOException {
        for (Path f : list(dir).headMap(offset, false).values()) {
            Files.deleteIfExists(f);
        }
    }
}
