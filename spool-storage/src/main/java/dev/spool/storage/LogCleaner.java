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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>A key → latest offset map is built over the dirty part, record by record. It holds at most
 *       {@code maxMapEntries} keys; when a new key does not fit, the map ends there and this pass
 *       cleans only up to that offset (the next pass continues from it).
 *   <li>Every segment from the log start that begins below the map's end is rewritten, one for one,
 *       keeping a record unless the map holds its key at a higher offset. Keyless records are kept.
 *       Offsets (gaps allowed), timestamps, producer id/epoch/sequence, attributes and the codec are
 *       preserved ({@link KafkaRecords#filter}). Transactional and control batches are kept whole and
 *       do not enter the map (aborted data is not removed yet). A batch left empty is dropped, except
 *       a batch of an idempotent producer (kept empty, as Kafka does, so its sequence survives) and
 *       the last batch of a segment (kept empty, so a cleaned segment still ends where the next one
 *       begins: recovery relies on that to detect lost segment tails).
 *   <li>Tombstones: the first rewrite of a batch holding a tombstone stamps it with a delete horizon
 *       of now + {@code delete.retention.ms} (KIP-534, as Kafka does); a later pass removes a
 *       tombstone whose horizon has passed, if it lies in the part cleaned by an earlier pass (so
 *       every older record of its key is already gone).
 *   <li>The checkpoint moves to the map's end once every rewritten segment was swapped in.
 * </ol>
 *
 * <p><b>Crash safety.</b> A segment is written as {@code <base>.log.cleaned} (+ indexes), flushed,
 * then swapped in by {@link Log#replaceSegment}: renamed {@code .swap} (the commit point), the old
 * segment renamed {@code .deleted}, the new one put in the segment map and renamed to its final
 * name. {@link LogLoader} deletes {@code .cleaned} files and completes {@code .swap}s, so a crash at
 * any step recovers to the old or the new segment.
 *
 * <p><b>Lifecycle and thread-safety.</b> A cleaner is created once per broker; {@link #clean} and
 * {@link #cleanIfNeeded} may be called from any thread but run one at a time (they are synchronized,
 * which also serializes checkpoint file updates). Cleaning reads segments without the log's lock
 * (non-active segments do not change) and takes it only for the snapshot and each swap, so appends
 * and reads go on meanwhile. {@link LogManager} may run it on a background thread.
 */
public final class LogCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /** Per log directory: partition → offset up to which the log was cleaned. */
    public static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    /** Bytes read from a segment at a time (a larger batch gets a buffer of its own size). */
    static final int CHUNK_BYTES = 1 << 20;

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
    private final int maxMapEntries;

    /** A cleaner whose key → offset map holds at most {@code maxMapEntries} keys. */
    public LogCleaner(Time time, int maxMapEntries) {
        if (maxMapEntries < 1) {
            throw new IllegalArgumentException("maxMapEntries must be positive: " + maxMapEntries);
        }
        this.time = time;
        this.maxMapEntries = maxMapEntries;
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
    public synchronized long cleanedOffset(Log log) throws IOException {
        OffsetCheckpointFile file = checkpointFile(log);
        Map<TopicPartition, Long> all = file.read();
        Long cp = all.get(log.topicPartition());
        long truncatedTo = log.takeTruncatedToSinceCleaner();
        if (cp != null && truncatedTo < cp) {
            LOG.info("{} was truncated to {}: cleaner checkpoint {} moves back", log.topicPartition(), truncatedTo, cp);
            cp = truncatedTo;
            all.put(log.topicPartition(), cp);
            file.write(all);
        }
        return Math.max(cp == null ? 0 : cp, log.logStartOffset());
    }

    /**
     * Cleans {@code log} if it is compacted and either its dirty part is at least
     * {@code min.cleanable.dirty.ratio} of its cleanable bytes or its oldest dirty segment's largest
     * timestamp is older than {@code max.compaction.lag.ms}.
     */
    public synchronized Stats cleanIfNeeded(Log log) throws IOException {
        LogConfig cfg = log.config();
        if (!cfg.compact()) {
            return Stats.NOTHING;
        }
        long now = time.milliseconds();
        Log.CleanableSnapshot snap = log.cleanableSnapshot(now);
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
        if (dirty == 0 || (!overdue && (double) dirty / total < cfg.minCleanableDirtyRatio())) {
            return Stats.NOTHING;
        }
        return clean(log);
    }

    /** One cleaning pass over {@code log} regardless of its dirty ratio; nothing if it is not compacted. */
    public synchronized Stats clean(Log log) throws IOException {
        LogConfig cfg = log.config();
        if (!cfg.compact()) {
            return Stats.NOTHING;
        }
        long now = time.milliseconds();
        Log.CleanableSnapshot snap = log.cleanableSnapshot(now);
        long dirtyStart = cleanedOffset(log);
        if (dirtyStart >= snap.firstUncleanableOffset() || snap.segments().isEmpty()) {
            return Stats.NOTHING;
        }
        Map<ByteBuffer, Long> map = new HashMap<>();
        long mapEnd = buildMap(snap, dirtyStart, map);
        if (mapEnd <= dirtyStart) {
            return Stats.NOTHING;
        }
        int rewritten = 0;
        long before = 0;
        long after = 0;
        long read = 0;
        long retained = 0;
        boolean allSwapped = true;
        for (LogSegment segment : snap.segments()) {
            if (segment.baseOffset() >= mapEnd) {
                break;
            }
            SegmentResult r = cleanSegment(log, segment, map, dirtyStart, snap.truncations(), now);
            before += segment.size();
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
                "Cleaned {} up to offset {}: {} segment(s) rewritten, {} -> {} bytes, {} of {} records kept{}",
                log.topicPartition(),
                mapEnd,
                rewritten,
                before,
                after,
                retained,
                read,
                allSwapped ? "" : " (a swap was refused; checkpoint not moved)");
        return new Stats(rewritten, before, after, read, retained, allSwapped ? mapEnd : -1);
    }

    /** Fills {@code map} from {@code dirtyStart} on; returns the offset it covers up to (exclusive). */
    private long buildMap(Log.CleanableSnapshot snap, long dirtyStart, Map<ByteBuffer, Long> map) throws IOException {
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
                    if (RecordBatch.lastOffset(chunk, pos) < dirtyStart) {
                        continue;
                    }
                    boolean keepWhole = RecordBatch.isTransactional(chunk, pos) || RecordBatch.isControl(chunk, pos);
                    if (!keepWhole) {
                        for (KafkaRecords.DecodedRecord r :
                                KafkaRecords.decodeBatch(chunk, pos, RecordBatch.sizeInBytes(chunk, pos))) {
                            if (r.offset() < dirtyStart || r.key() == null) {
                                continue;
                            }
                            ByteBuffer key = ByteBuffer.wrap(r.key());
                            if (map.size() >= maxMapEntries && !map.containsKey(key)) {
                                full[0] = true;
                                mapEnd[0] = r.offset();
                                return;
                            }
                            map.put(key, r.offset());
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

    private SegmentResult cleanSegment(
            Log log, LogSegment segment, Map<ByteBuffer, Long> map, long dirtyStart, int truncations, long now)
            throws IOException {
        LogConfig cfg = log.config();
        long segmentNext = segment.readNextOffset();
        KafkaRecords.RecordFilter filter = new KafkaRecords.RecordFilter() {
            @Override
            public KafkaRecords.EmptyBatch ifEmpty(KafkaRecords.BatchView batch) {
                boolean last = batch.lastOffset() + 1 >= segmentNext;
                return last || batch.hasProducerId() ? KafkaRecords.EmptyBatch.RETAIN : KafkaRecords.EmptyBatch.DROP;
            }

            @Override
            public boolean retain(KafkaRecords.BatchView batch, long offset, ByteBuffer key, boolean tombstone) {
                if (batch.transactional() || batch.control() || key == null) {
                    return true;
                }
                Long latest = map.get(key);
                if (latest != null && offset < latest) {
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
        LogSegment cleaned =
                LogSegment.createWithSuffix(log.dir(), segment.baseOffset(), cfg, log.env(), LogSegment.CLEANED_SUFFIX);
        try {
            forEachChunk(segment, chunk -> {
                KafkaRecords.Filtered f = KafkaRecords.filter(chunk, filter, now, cfg.deleteRetentionMs());
                result.recordsRead += f.recordsRead();
                result.recordsRetained += f.recordsRetained();
                if (!f.batches().equals(chunk)) {
                    result.changed = true;
                }
                if (f.batches().hasRemaining()) {
                    cleaned.append(f.batches());
                }
            });
            result.bytes = cleaned.size();
            if (!result.changed) {
                cleaned.deleteFiles();
                result.bytes = segment.size();
                return result;
            }
            cleaned.onBecomeInactive();
            cleaned.flush();
        } catch (IOException | RuntimeException e) {
            cleaned.deleteFiles();
            throw e;
        }
        result.swapped = log.replaceSegment(segment, cleaned, truncations);
        return result;
    }

    private void writeCheckpoint(Log log, long offset) throws IOException {
        OffsetCheckpointFile file = checkpointFile(log);
        Map<TopicPartition, Long> all = file.read();
        all.put(log.topicPartition(), offset);
        file.write(all);
    }

    /** Forgets the checkpoint of a log (deleted, or truncated below it: everything is dirty again). */
    public synchronized void resetCheckpoint(Path logDir, TopicPartition tp) throws IOException {
        OffsetCheckpointFile file =
                new OffsetCheckpointFile(logDir.toAbsolutePath().getParent().resolve(CHECKPOINT_FILE));
        Map<TopicPartition, Long> all = file.read();
        if (all.remove(tp) != null) {
            file.write(all);
        }
    }

    @FunctionalInterface
    private interface ChunkConsumer {
        void accept(ByteBuffer wholeBatches) throws IOException;
    }

    /** Calls {@code consumer} with the segment's batches, whole, in buffers of about {@link #CHUNK_BYTES}. */
    private static void forEachChunk(LogSegment segment, ChunkConsumer consumer) throws IOException {
        FileChannel ch = segment.channel();
        int size = segment.size();
        ByteBuffer buf = ByteBuffer.allocate(Math.max(HEADER_SIZE, Math.min(CHUNK_BYTES, size)));
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
            consumer.accept(buf.duplicate().position(0).limit(end).slice());
            pos += end;
        }
    }

    /** The segments a pass would rewrite: for tests. */
    static List<Long> cleanableBases(Log log, long nowMs) throws IOException {
        return log.cleanableSnapshot(nowMs).segments().stream()
                .map(LogSegment::baseOffset)
                .toList();
    }
}
