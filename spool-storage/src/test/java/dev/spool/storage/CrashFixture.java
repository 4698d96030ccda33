package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A log written, flushed and then abandoned without sealing (what a crash leaves), captured as the
 * bytes of every file in its directory, so that tests can restore damaged copies and recover them.
 * Knows where every batch lies in every segment file, so a test can say which batches a given
 * damage must destroy.
 */
final class CrashFixture {
    static final long START_MS = 1_700_000_000_000L;

    /** Where a batch lies: in which segment file, at which position, and its offsets. */
    record BatchAt(long segmentBase, int position, int size, long baseOffset, long lastOffset) {
        int end() {
            return position + size;
        }

        boolean contains(int filePosition) {
            return filePosition >= position && filePosition < end();
        }
    }

    final LogConfig config;
    /** The clock the log runs on: the records' timestamps are recent by it, so segment.ms rolls nothing. */
    final Time time = new LogModel.ManualTime(START_MS + 60_000);

    final LogModel model;
    /** File name → content, as the crash left them. */
    final TreeMap<String, byte[]> files;
    /** Segment base offsets, oldest first. */
    final List<Long> segmentBases;
    /** Every batch, in offset order. */
    final List<BatchAt> batches;

    private CrashFixture(
            LogConfig config,
            LogModel model,
            TreeMap<String, byte[]> files,
            List<Long> segmentBases,
            List<BatchAt> batches) {
        this.config = config;
        this.model = model;
        this.files = files;
        this.segmentBases = segmentBases;
        this.batches = batches;
    }

    /**
     * Writes {@code batchesPerSegment[i]} batches into segment i (rolling between segments), each of
     * 1..5 records with values of 0..300 bytes and mostly increasing timestamps, flushing after each
     * append; then closes the files without sealing anything and captures them.
     */
    static CrashFixture write(Path scratch, LogConfig config, long seed, int... batchesPerSegment) throws IOException {
        Random random = new Random(seed);
        List<List<List<SimpleRecord>>> plan = new ArrayList<>();
        long ts = START_MS;
        int tag = 0;
        for (int count : batchesPerSegment) {
            List<List<SimpleRecord>> segment = new ArrayList<>();
            for (int b = 0; b < count; b++) {
                int n = 1 + random.nextInt(5);
                int[] sizes = new int[n];
                long[] timestamps = new long[n];
                for (int i = 0; i < n; i++) {
                    sizes[i] = random.nextInt(300);
                    ts += random.nextInt(10) < 8 ? random.nextInt(20) : -random.nextInt(30);
                    timestamps[i] = ts;
                }
                segment.add(LogModel.records("c" + tag++, sizes, timestamps));
            }
            plan.add(segment);
        }
        return write(scratch, config, plan);
    }

    /**
     * Writes the planned batches: {@code plan.get(i)} holds the batches (each a list of records) of
     * segment i. Flushes after each append; then closes the files without sealing anything and captures
     * them.
     */
    static CrashFixture write(Path scratch, LogConfig config, List<List<List<SimpleRecord>>> plan) throws IOException {
        Path root = scratch.resolve("original");
        Log log = LogTestSupport.open(
                root, config, new LogModel.ManualTime(START_MS + 60_000), LogLoader.LoadParams.FRESH);
        LogModel model = LogModel.startingAt(0);
        for (int s = 0; s < plan.size(); s++) {
            if (s > 0) {
                log.roll();
            }
            for (List<SimpleRecord> batch : plan.get(s)) {
                List<List<SimpleRecord>> groups = List.of(batch);
                ByteBuffer buf = LogModel.buildBatches(groups, 0, KafkaRecords.NONE);
                AppendResult res = log.appendAsLeader(buf, 3);
                assertThat(res.ok()).as(res.message()).isTrue();
                model.appended(groups, buf);
                log.flush();
            }
        }
        assertThat(log.segmentBaseOffsets()).hasSize(plan.size());
        List<Long> bases = log.segmentBaseOffsets();
        log.closeWithoutSealing();

        TreeMap<String, byte[]> files = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(log.dir())) {
            for (Path f : dir) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        List<BatchAt> batches = new ArrayList<>();
        for (long base : bases) {
            ByteBuffer seg = ByteBuffer.wrap(files.get(LogFiles.fileName(base, LogSegment.LOG_SUFFIX)));
            int pos = 0;
            while (pos < seg.limit()) {
                int size = RecordBatch.sizeInBytes(seg, pos);
                batches.add(new BatchAt(
                        base, pos, size, RecordBatch.baseOffset(seg, pos), RecordBatch.lastOffset(seg, pos)));
                pos += size;
            }
        }
        assertThat(batches).hasSize(model.batches.size());
        return new CrashFixture(config, model, files, bases, batches);
    }

    static String logFile(long base) {
        return LogFiles.fileName(base, LogSegment.LOG_SUFFIX);
    }

    /** A copy of the captured files. */
    TreeMap<String, byte[]> copyOfFiles() {
        TreeMap<String, byte[]> copy = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            copy.put(e.getKey(), e.getValue().clone());
        }
        return copy;
    }

    /** Writes {@code content} as the partition directory under {@code root} (which must not exist yet). */
    static void restore(Path root, Map<String, byte[]> content) throws IOException {
        Path dir = root.resolve(LogTestSupport.TP.dirName());
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    /** The batches of segment {@code base}. */
    List<BatchAt> batchesOf(long base) {
        List<BatchAt> out = new ArrayList<>();
        for (BatchAt b : batches) {
            if (b.segmentBase() == base) {
                out.add(b);
            }
        }
        return out;
    }

    /**
     * The model of what recovery must keep when the first damaged byte of segment {@code base} is at
     * {@code damagedPosition}: every batch before the one holding it (in that segment and earlier ones),
     * nothing after. Log start offset and high watermark are the first segment's base, as with no
     * checkpoints.
     */
    LogModel expectedAfterDamage(long base, int damagedPosition) {
        long end = base;
        for (BatchAt b : batchesOf(base)) {
            if (b.end() <= damagedPosition) {
                end = b.lastOffset() + 1;
            } else {
                break;
            }
        }
        return prefix(end);
    }

    /** The model holding the fixture's records below {@code end}, with start and HW at the first base. */
    LogModel prefix(long end) {
        LogModel m = LogModel.startingAt(segmentBases.get(0));
        for (LogModel.Batch b : model.batches.headMap(end, false).values()) {
            m.batches.put(b.baseOffset(), b);
        }
        m.records.putAll(model.records.headMap(end, false));
        m.logEndOffset = end;
        return m;
    }

    /**
     * Where to cut segment {@code base}'s file: every position from 0 to its length, or (not
     * {@code everyByte}) the positions around every batch's start, length field and header end, plus a
     * fixed random sample of the rest.
     */
    List<Integer> cutPositions(long base, boolean everyByte) {
        int length = files.get(logFile(base)).length;
        TreeSet<Integer> out = new TreeSet<>();
        if (everyByte) {
            for (int p = 0; p <= length; p++) {
                out.add(p);
            }
            return new ArrayList<>(out);
        }
        for (BatchAt b : batchesOf(base)) {
            for (int edge : new int[] {0, RecordBatch.LOG_OVERHEAD, RecordBatch.HEADER_SIZE, b.size()}) {
                for (int d = -1; d <= 1; d++) {
                    int p = b.position() + edge + d;
                    if (p >= 0 && p <= length) {
                        out.add(p);
                    }
                }
            }
        }
        Random random = new Random(base);
        for (int i = 0; i < 40; i++) {
            out.add(random.nextInt(length + 1));
        }
        return new ArrayList<>(out);
    }

    /**
     * The positions of segment {@code base}'s file that the recovery checks cover: every byte except
     * each batch's base offset and partition leader epoch, which no CRC protects.
     */
    List<Integer> checkedPositions(long base) {
        List<Integer> out = new ArrayList<>();
        for (BatchAt b : batchesOf(base)) {
            for (int i = 0; i < b.size(); i++) {
                boolean baseOffsetField = i < RecordBatch.BASE_OFFSET_OFFSET + RecordBatch.BASE_OFFSET_LENGTH;
                boolean epochField = i >= RecordBatch.PARTITION_LEADER_EPOCH_OFFSET
                        && i < RecordBatch.PARTITION_LEADER_EPOCH_OFFSET + RecordBatch.PARTITION_LEADER_EPOCH_LENGTH;
                if (!baseOffsetField && !epochField) {
                    out.add(b.position() + i);
                }
            }
        }
        return out;
    }

    /**
     * Recovers the damaged copy in {@code root} with no checkpoints and checks it against
     * {@code expected}: offsets, every offset readable, every timestamp found; then a new append lands at
     * the log end offset, and a clean restart reads the same.
     */
    void recoverAndCheck(Path root, LogModel expected) throws IOException {
        Log log = LogTestSupport.open(root, config, time, LogLoader.LoadParams.FRESH);
        try {
            expected.checkOffsets(log);
            assertThat(log.recoveryPoint()).isEqualTo(expected.logEndOffset);
            expected.checkEveryOffsetReadable(log);
            expected.checkAllTimestamps(log);
            // The log takes new appends right after the kept prefix.
            List<List<SimpleRecord>> groups =
                    List.of(LogModel.records("after", new int[] {7, 70}, new long[] {START_MS + 5, START_MS + 9}));
            ByteBuffer buf = LogModel.buildBatches(groups, 0, KafkaRecords.NONE);
            AppendResult res = log.appendAsLeader(buf, 4);
            assertThat(res.ok()).as(res.message()).isTrue();
            assertThat(res.firstOffset()).isEqualTo(expected.logEndOffset);
            expected.appended(groups, buf);
            expected.checkOffsets(log);
            expected.checkEveryOffsetReadable(log);
        } catch (AssertionError | IOException | RuntimeException e) {
            log.closeWithoutSealing();
            throw e;
        }
        long rp = log.recoveryPoint();
        log.close();
        Log reopened = LogTestSupport.open(
                root,
                config,
                time,
                new LogLoader.LoadParams(true, rp, expected.logStartOffset, expected.highWatermark));
        try {
            expected.checkOffsets(reopened);
            expected.checkEveryOffsetReadable(reopened);
            expected.checkAllTimestamps(reopened);
        } finally {
            reopened.close();
        }
    }
}
