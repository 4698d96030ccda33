package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simple in-memory model of a partition log for property, corruption and crash tests: which records
 * were appended at which offsets, where the batch boundaries are, and the expected log start offset,
 * high watermark and log end offset. Its {@code check*} methods compare a real {@link Log} with it.
 */
final class LogModel {

    /** One appended record. */
    record Rec(long offset, long timestamp, byte[] key, byte[] value) {
        @Override
        public String toString() {
            return "Rec(" + offset + ", ts=" + timestamp + ", value=" + value.length + " bytes)";
        }
    }

    /** One appended batch: its offsets and its size on disk. */
    record Batch(long baseOffset, long lastOffset, int sizeInBytes) {}

    /** A clock the test moves by hand. */
    static final class ManualTime implements Time {
        private final AtomicLong ms;

        ManualTime(long startMs) {
            this.ms = new AtomicLong(startMs);
        }

        @Override
        public long milliseconds() {
            return ms.get();
        }

        @Override
        public long nanoseconds() {
            return ms.get() * 1_000_000L;
        }

        void advance(long deltaMs) {
            ms.addAndGet(deltaMs);
        }
    }

    /** Every record not truncated away, by offset (records below the log start offset included). */
    final TreeMap<Long, Rec> records = new TreeMap<>();
    /** Every batch not truncated away, by base offset. */
    final TreeMap<Long, Batch> batches = new TreeMap<>();

    long logStartOffset;
    long highWatermark;
    long logEndOffset;

    LogModel() {}

    /** The model of a log that starts empty at {@code offset}. */
    static LogModel startingAt(long offset) {
        LogModel m = new LogModel();
        m.logStartOffset = offset;
        m.highWatermark = offset;
        m.logEndOffset = offset;
        return m;
    }

    // ------------------------------------------------------------------------------------------------
    // Building batches the model can follow

    /** Records with recognisable content: value "tag-i" followed by filler up to {@code valueSizes[i]}. */
    static List<SimpleRecord> records(String tag, int[] valueSizes, long[] timestamps) {
        List<SimpleRecord> out = new ArrayList<>();
        for (int i = 0; i < valueSizes.length; i++) {
            out.add(new SimpleRecord(timestamps[i], key(tag, i), value(tag, i, valueSizes[i])));
        }
        return out;
    }

    static byte[] key(String tag, int i) {
        return ("k-" + tag + "-" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** A value of exactly {@code size} bytes starting with "tag-i:" (truncated if size is smaller). */
    static byte[] value(String tag, int i, int size) {
        byte[] prefix = (tag + "-" + i + ":").getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[size];
        for (int j = 0; j < size; j++) {
            v[j] = j < prefix.length ? prefix[j] : (byte) ('a' + (j + i) % 26);
        }
        return v;
    }

    /** Concatenates batches into one buffer, as a producer sends several batches in one request. */
    static ByteBuffer concat(List<ByteBuffer> parts) {
        int size = 0;
        for (ByteBuffer b : parts) {
            size += b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer b : parts) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    /**
     * Builds one batch per group of records, all in one buffer, compressed with {@code codec} (a
     * {@link KafkaRecords} codec id). Offsets count up from {@code baseOffset}.
     */
    static ByteBuffer buildBatches(List<List<SimpleRecord>> groups, long baseOffset, int codec) {
        List<ByteBuffer> parts = new ArrayList<>();
        long next = baseOffset;
        for (List<SimpleRecord> g : groups) {
            parts.add(
                    codec == KafkaRecords.NONE
                            ? BatchBuilder.build(next, BatchBuilder.ProducerInfo.NONE, g)
                            : KafkaRecords.build(codec, next, g));
            next += g.size();
        }
        return concat(parts);
    }

    /** The same records, all with timestamp {@code timestamp} (what LogAppendTime makes of them). */
    static List<List<SimpleRecord>> withTimestamp(List<List<SimpleRecord>> groups, long timestamp) {
        List<List<SimpleRecord>> out = new ArrayList<>();
        for (List<SimpleRecord> g : groups) {
            List<SimpleRecord> copy = new ArrayList<>();
            for (SimpleRecord r : g) {
                copy.add(new SimpleRecord(timestamp, r.key(), r.value(), r.headers()));
            }
            out.add(copy);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Following the log

    /**
     * Records a successful append of {@code groups} (one batch each, sizes as in {@code buffer}) at the
     * model's log end offset.
     */
    void appended(List<List<SimpleRecord>> groups, ByteBuffer buffer) {
        int pos = buffer.position();
        for (List<SimpleRecord> g : groups) {
            long base = logEndOffset;
            int size = RecordBatch.sizeInBytes(buffer, pos);
            pos += size;
            for (int i = 0; i < g.size(); i++) {
                SimpleRecord r = g.get(i);
                records.put(base + i, new Rec(base + i, r.timestamp(), r.key(), r.value()));
            }
            batches.put(base, new Batch(base, base + g.size() - 1, size));
            logEndOffset = base + g.size();
        }
    }

    /** The first offset of the batch holding {@code offset} (or {@code offset} itself if none does). */
    long batchStart(long offset) {
        Map.Entry<Long, Batch> e = batches.floorEntry(offset);
        if (e != null && e.getValue().lastOffset() >= offset) {
            return e.getKey();
        }
        return offset;
    }

    /** {@link Log#truncateTo}: drops the batch holding {@code offset} and everything after it. */
    void truncateTo(long offset, long firstSegmentBase) {
        if (offset >= logEndOffset) {
            return;
        }
        if (offset <= firstSegmentBase) {
            truncateFullyAndStartAt(offset);
            return;
        }
        long end = batchStart(offset);
        records.tailMap(end, true).clear();
        batches.tailMap(end, true).clear();
        logEndOffset = end;
        highWatermark = Math.min(highWatermark, end);
        logStartOffset = Math.min(logStartOffset, end);
    }

    /** A model of this log cut at {@code end}: its records and batches below it, offsets clamped. */
    LogModel below(long end) {
        LogModel m = new LogModel();
        m.records.putAll(records.headMap(end, false));
        m.batches.putAll(batches.headMap(end, false));
        m.logEndOffset = end;
        m.highWatermark = Math.min(highWatermark, end);
        m.logStartOffset = Math.min(logStartOffset, end);
        return m;
    }

    void truncateFullyAndStartAt(long offset) {
        records.clear();
        batches.clear();
        logStartOffset = offset;
        highWatermark = offset;
        logEndOffset = offset;
    }

    /** Batch boundaries (and the log end offset) at or above {@code from}. */
    List<Long> boundariesFrom(long from) {
        List<Long> out = new ArrayList<>(batches.tailMap(from, true).keySet());
        out.add(logEndOffset);
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Checks

    /** The offsets of the log equal the model's, and the ordering invariants hold. */
    void checkOffsets(Log log) {
        assertThat(log.isOffline()).as("log offline").isFalse();
        assertThat(log.logEndOffset()).as("log end offset").isEqualTo(logEndOffset);
        assertThat(log.logStartOffset()).as("log start offset").isEqualTo(logStartOffset);
        assertThat(log.highWatermark()).as("high watermark").isEqualTo(highWatermark);
        checkInvariants(log);
    }

    static void checkInvariants(Log log) {
        long start = log.logStartOffset();
        long end = log.logEndOffset();
        assertThat(start).as("logStartOffset <= highWatermark").isLessThanOrEqualTo(log.highWatermark());
        assertThat(log.highWatermark()).as("highWatermark <= logEndOffset").isLessThanOrEqualTo(end);
        assertThat(start).as("logStartOffset <= recoveryPoint").isLessThanOrEqualTo(log.recoveryPoint());
        assertThat(log.recoveryPoint()).as("recoveryPoint <= logEndOffset").isLessThanOrEqualTo(end);
        List<Long> bases = log.segmentBaseOffsets();
        assertThat(bases).as("segments").isNotEmpty();
        assertThat(bases.get(0)).as("first segment base <= logStartOffset").isLessThanOrEqualTo(start);
        assertThat(bases.get(bases.size() - 1))
                .as("active segment base <= logEndOffset")
                .isLessThanOrEqualTo(end);
    }

    /** Checks one record decoded from the log against the model. */
    void checkRecord(KafkaRecords.DecodedRecord r) {
        Rec expected = records.get(r.offset());
        assertThat(expected)
                .as("record at offset %d is in the model", r.offset())
                .isNotNull();
        assertThat(r.timestamp()).as("timestamp at %d", r.offset()).isEqualTo(expected.timestamp());
        assertThat(r.key()).as("key at %d", r.offset()).isEqualTo(expected.key());
        assertThat(Arrays.equals(r.value(), expected.value()))
                .as("value at %d", r.offset())
                .isTrue();
    }

    /**
     * One read, checked: the slice holds whole batches starting with the one that holds {@code offset},
     * contiguous, matching the model, all below {@code bound}, at most {@code maxBytes} (unless a single
     * batch) and as much as allowed (it stops only at {@code maxBytes}, the bound or a segment end).
     */
    void checkRead(Log log, long offset, int maxBytes, long bound, boolean minOneBatch) throws IOException {
        ReadResult r = log.read(offset, maxBytes, bound, minOneBatch);
        String what = "read(" + offset + ", " + maxBytes + ", " + bound + ", " + minOneBatch + ") of " + log;
        if (offset < logStartOffset || offset > logEndOffset) {
            assertThat(r.status()).as(what).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
            return;
        }
        assertThat(r.status()).as(what).isEqualTo(ReadResult.Status.OK);
        long effectiveBound = Math.min(bound, logEndOffset);
        Batch holder = batches.get(batchStart(offset));
        boolean anything = holder != null && offset < effectiveBound && holder.lastOffset() < effectiveBound;
        if (!anything) {
            assertThat(r.sizeInBytes()).as(what + ": nothing readable").isZero();
            return;
        }
        if (!minOneBatch && holder.sizeInBytes() > maxBytes) {
            assertThat(r.sizeInBytes())
                    .as(what + ": first batch larger than maxBytes")
                    .isZero();
            return;
        }
        assertThat(r.sizeInBytes()).as(what + ": something readable").isPositive();
        ByteBuffer buf = r.slice().readFully();
        assertThat(buf.remaining()).as(what + ": slice fully readable").isEqualTo(r.sizeInBytes());
        int pos = 0;
        long expectedBase = holder.baseOffset();
        int batchCount = 0;
        while (pos < buf.limit()) {
            assertThat(buf.limit() - pos)
                    .as(what + ": whole batch header")
                    .isGreaterThanOrEqualTo(RecordBatch.HEADER_SIZE);
            int size = RecordBatch.sizeInBytes(buf, pos);
            assertThat(pos + size).as(what + ": whole batch").isLessThanOrEqualTo(buf.limit());
            long base = RecordBatch.baseOffset(buf, pos);
            Batch b = batches.get(base);
            assertThat(base).as(what + ": batches contiguous").isEqualTo(expectedBase);
            assertThat(b).as(what + ": batch at %d known", base).isNotNull();
            assertThat(RecordBatch.lastOffset(buf, pos)).as(what).isEqualTo(b.lastOffset());
            assertThat(size).as(what + ": batch size").isEqualTo(b.sizeInBytes());
            assertThat(b.lastOffset()).as(what + ": below bound").isLessThan(effectiveBound);
            List<KafkaRecords.DecodedRecord> decoded = KafkaRecords.decodeBatch(buf, pos, size);
            assertThat(decoded).as(what + ": records in batch %d", base).hasSize((int) (b.lastOffset() - base + 1));
            for (int i = 0; i < decoded.size(); i++) {
                assertThat(decoded.get(i).offset()).as(what).isEqualTo(base + i);
                checkRecord(decoded.get(i));
            }
            expectedBase = b.lastOffset() + 1;
            pos += size;
            batchCount++;
        }
        if (batchCount > 1) {
            assertThat(buf.limit()).as(what + ": at most maxBytes").isLessThanOrEqualTo(maxBytes);
        }
        // Maximal: the read stops at the bound, a segment boundary, or where the next batch would not fit.
        if (expectedBase < effectiveBound && !log.segmentBaseOffsets().contains(expectedBase)) {
            Batch next = batches.get(expectedBase);
            assertThat(next).as(what + ": next batch").isNotNull();
            boolean nextFits = (long) buf.limit() + next.sizeInBytes() <= maxBytes;
            assertThat(nextFits && next.lastOffset() < effectiveBound)
                    .as(what + ": stopped early before batch %d (%d bytes)", expectedBase, next.sizeInBytes())
                    .isFalse();
        }
    }

    /** Every offset in [logStartOffset, logEndOffset) is readable by itself and matches the model. */
    void checkEveryOffsetReadable(Log log) throws IOException {
        for (long o = logStartOffset; o < logEndOffset; o++) {
            checkRead(log, o, 1, logEndOffset, true);
        }
        checkRead(log, logEndOffset, 1 << 20, logEndOffset, true);
    }

    /** Reads the whole log with large reads: offsets [logStartOffset, logEndOffset), contiguous, as modelled. */
    void checkReadAll(Log log) throws IOException {
        long next = logStartOffset;
        while (next < logEndOffset) {
            ReadResult r = log.read(next, 1 << 20, logEndOffset, true);
            assertThat(r.ok()).as("read at %d", next).isTrue();
            assertThat(r.sizeInBytes()).as("read at %d of %s", next, log).isPositive();
            List<KafkaRecords.DecodedRecord> decoded =
                    KafkaRecords.decode(r.slice().readFully());
            assertThat(decoded).isNotEmpty();
            for (KafkaRecords.DecodedRecord d : decoded) {
                checkRecord(d);
                if (d.offset() >= next) {
                    assertThat(d.offset()).as("offsets contiguous").isEqualTo(next);
                    next = d.offset() + 1;
                }
            }
        }
        assertThat(next).isEqualTo(logEndOffset);
    }

    /** What ListOffsets by {@code timestamp} (≥ 0) must answer: the first record at or after it. */
    Log.TimestampOffset expectedOffsetForTimestamp(long timestamp) {
        for (Rec r : records.subMap(logStartOffset, true, logEndOffset, false).values()) {
            if (r.timestamp() >= timestamp) {
                return new Log.TimestampOffset(r.timestamp(), r.offset());
            }
        }
        return null;
    }

    /** ListOffsets by a timestamp or one of the special values, checked against the model. */
    void checkOffsetForTimestamp(Log log, long timestamp) throws IOException {
        Log.TimestampOffset actual = log.fetchOffsetByTimestamp(timestamp);
        String what = "fetchOffsetByTimestamp(" + timestamp + ") of " + log;
        if (timestamp == Log.EARLIEST_TIMESTAMP || timestamp == Log.EARLIEST_LOCAL_TIMESTAMP) {
            assertThat(actual).as(what).isEqualTo(new Log.TimestampOffset(RecordBatch.NO_TIMESTAMP, logStartOffset));
        } else if (timestamp == Log.LATEST_TIMESTAMP) {
            assertThat(actual).as(what).isEqualTo(new Log.TimestampOffset(RecordBatch.NO_TIMESTAMP, logEndOffset));
        } else if (timestamp == Log.MAX_TIMESTAMP) {
            // The first record holding the largest timestamp among the records still on disk; checked
            // only when that record is at or above the log start offset (below it the answer is moot).
            long firstOnDisk = log.segmentBaseOffsets().get(0);
            Rec best = null;
            for (Rec r : records.subMap(firstOnDisk, true, logEndOffset, false).values()) {
                if (best == null || r.timestamp() > best.timestamp()) {
                    best = r;
                }
            }
            if (best == null) {
                assertThat(actual).as(what).isNull();
            } else if (best.offset() >= logStartOffset) {
                assertThat(actual).as(what).isEqualTo(new Log.TimestampOffset(best.timestamp(), best.offset()));
            }
        } else {
            assertThat(actual).as(what).isEqualTo(expectedOffsetForTimestamp(timestamp));
        }
    }

    /** ListOffsets for every record's timestamp, one below and one above each, and the special values. */
    void checkAllTimestamps(Log log) throws IOException {
        for (Rec r : records.subMap(logStartOffset, true, logEndOffset, false).values()) {
            checkOffsetForTimestamp(log, r.timestamp());
            checkOffsetForTimestamp(log, r.timestamp() + 1);
        }
        checkOffsetForTimestamp(log, 0);
        checkOffsetForTimestamp(log, Log.EARLIEST_TIMESTAMP);
        checkOffsetForTimestamp(log, Log.LATEST_TIMESTAMP);
        checkOffsetForTimestamp(log, Log.MAX_TIMESTAMP);
    }

    @Override
    public String toString() {
        return "LogModel(start=" + logStartOffset + ", hw=" + highWatermark + ", end=" + logEndOffset + ", batches="
                + batches.size() + ")";
    }
}
