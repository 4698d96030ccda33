package dev.spool.storage;

import dev.spool.common.TopicPartition;
import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a partition's {@link ProducerStateManager}: deletes snapshots above the log end offset
 * (their batches are gone), reads the latest valid snapshot at or below it (deleting any that fail
 * to decode), then replays the headers of the batches from the snapshot's offset (or the first
 * segment, without one) to the log end. Used when a log is loaded (after recovery, so the replayed
 * batches are intact) and after a truncation. Runs under the log's lock or before the log is used.
 * The replay also rebuilds the {@code .txnindex} of the segments it reads: each abort marker adds its
 * entry to its segment's index unless the index has it already (recovery empties the index of every
 * segment it re-reads, and the loader starts the replay at or below the first of them).
 */
final class ProducerStateLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateLoader.class);

    /** Bytes read at a time while replaying; only batch headers are looked at. */
    static final int CHUNK_BYTES = 64 * 1024;

    private ProducerStateLoader() {}

    /** Clears {@code state} and rebuilds it for a log ending at {@code logEndOffset}. Returns the replay start. */
    static long rebuild(
            Path dir,
            TopicPartition tp,
            ProducerStateManager state,
            NavigableMap<Long, LogSegment> segments,
            long logEndOffset)
            throws IOException {
        state.clear();
        ProducerStateSnapshot.deleteAbove(dir, logEndOffset);
        TreeMap<Long, Path> snapshots = ProducerStateSnapshot.list(dir);
        long from = segments.isEmpty() ? logEndOffset : segments.firstKey();
        for (Map.Entry<Long, Path> s : snapshots.descendingMap().entrySet()) {
            try {
                ProducerStateSnapshot.read(s.getValue(), state);
                from = Math.max(from, s.getKey());
                break;
            } catch (IOException e) {
                LOG.warn("Deleting unreadable producer-state snapshot {} of {}: {}", s.getValue(), tp, e.getMessage());
                state.clear();
                Files.deleteIfExists(s.getValue());
            }
        }
        replay(state, segments, from, logEndOffset);
        return from;
    }

    /**
     * After a clean shutdown, a log without any snapshot was written before producer state existed
     * (a clean close always leaves one): rather than reading the whole log, write empty snapshots at
     * the bases of the last two segments and at the log end, as Kafka does for the same upgrade case.
     * No batch of such a log carries a producer id: the broker handed none out.
     */
    static void assumeNoProducersIfNoSnapshot(Path dir, TopicPartition tp, List<LogSegment> segments, long logEnd)
            throws IOException {
        if (!ProducerStateSnapshot.list(dir).isEmpty()) {
            return;
        }
        ProducerStateManager empty = new ProducerStateManager();
        for (int i = Math.max(0, segments.size() - 2); i < segments.size(); i++) {
            ProducerStateSnapshot.write(dir, segments.get(i).baseOffset(), empty);
        }
        ProducerStateSnapshot.write(dir, logEnd, empty);
        LOG.info("No producer-state snapshot for {} after a clean shutdown: starting with no producers", tp);
    }

    /** Applies the batches with a producer id from offset {@code from} up to {@code logEndOffset}. */
    static void replay(
            ProducerStateManager state, NavigableMap<Long, LogSegment> segments, long from, long logEndOffset)
            throws IOException {
        if (from >= logEndOffset) {
            return;
        }
        Long startKey = segments.floorKey(from);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES);
        for (LogSegment segment : segments.tailMap(startKey == null ? segments.firstKey() : startKey, true)
                .values()) {
            int limit = segment.size();
            int filePos = 0;
            if (segment.baseOffset() < from) {
                LogSegment.BatchPosition at = segment.translateOffset(from, limit);
                if (at == null) {
                    continue;
                }
                filePos = at.position();
            }
            scan(segment.channel(), filePos, limit, buf, state, from, segment.txnIndex());
        }
    }

    private static void scan(
            FileChannel ch,
            int filePos,
            int limit,
            ByteBuffer buf,
            ProducerStateManager state,
            long from,
            TransactionIndex txnIndex)
            throws IOException {
        while (filePos + RecordBatch.HEADER_SIZE <= limit) {
            buf.clear();
            buf.limit(Math.min(buf.capacity(), limit - filePos));
            while (buf.hasRemaining()) {
                if (ch.read(buf, filePos + buf.position()) < 0) {
                    break;
                }
            }
            int filled = buf.position();
            buf.limit(filled);
            int pos = 0;
            while (pos + RecordBatch.HEADER_SIZE <= filled) {
                int size = RecordBatch.sizeInBytes(buf, pos);
                if (size < RecordBatch.HEADER_SIZE) {
                    throw new IOException("batch of " + size + " bytes at position " + (filePos + pos));
                }
                if (RecordBatch.producerId(buf, pos) != RecordBatch.NO_PRODUCER_ID
                        && RecordBatch.baseOffset(buf, pos) >= from) {
                    if (RecordBatch.isControl(buf, pos) && pos + size > filled) {
                        // A marker's record is read too: read again from this batch on.
                        if (pos == 0) {
                            throw new IOException("control batch of " + size + " bytes at position " + filePos);
                        }
                        break;
                    }
                    AbortedTxn aborted = state.applyBatch(buf, pos);
                    if (aborted != null) {
                        txnIndex.append(aborted);
                    }
                }
                pos += size;
            }
            if (pos == 0) {
                return; // not even a header left
            }
            filePos += pos;
        }
    }
}
