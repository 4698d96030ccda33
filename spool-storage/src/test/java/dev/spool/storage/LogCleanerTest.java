package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.TOMBSTONE;
import static dev.spool.storage.CleanerTestSupport.latest;
import static dev.spool.storage.CleanerTestSupport.model;
import static dev.spool.storage.CleanerTestSupport.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.storage.CleanerTestSupport.Write;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    private void open(Object... kv) throws Exception {
        Object[] all = new Object[kv.length + 4];
        all[0] = LogConfig.CLEANUP_POLICY;
        all[1] = LogConfig.POLICY_COMPACT;
        all[2] = LogConfig.SEGMENT_INDEX_BYTES;
        all[3] = 4096;
        System.arraycopy(kv, 0, all, 4, kv.length);
        log = LogTestSupport.open(dir, LogTestSupport.config(all), time, LogLoader.LoadParams.FRESH);
    }

    private List<Write> appendAll(List<Write> writes, int perBatch) throws Exception {
        for (int i = 0; i < writes.size(); i += perBatch) {
            log.appendAsLeader(
                    CleanerTestSupport.batch(
                            time.milliseconds(), writes.subList(i, Math.min(writes.size(), i + perBatch))),
                    0);
        }
        return writes;
    }

    private void commitAndRoll() throws Exception {
        log.roll();
        log.updateHighWatermark(log.logEndOffset());
    }

    @Test
    void thousandsOfUpdatesToAFewHundredKeysShrinkTheLog() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 16 * 1024);
        Random random = new Random(42);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            writes.add(new Write("key-" + random.nextInt(300), "value-" + i));
        }
        appendAll(writes, 5);
        commitAndRoll();
        long end = log.logEndOffset();
        long sizeBefore = log.size();
        int segmentsBefore = log.numberOfSegments();

        LogCleaner.Stats stats = new LogCleaner(time, 10_000).clean(log);

        assertThat(stats.segmentsRewritten()).isEqualTo(segmentsBefore - 1);
        assertThat(stats.recordsRead()).isEqualTo(5000);
        assertThat(stats.recordsRetained()).isLessThanOrEqualTo(300 + segmentsBefore);
        assertThat(log.size()).isLessThan(sizeBefore / 5);
        assertThat(latest(log)).isEqualTo(model(writes));
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(offsets(log)).isSorted().doesNotHaveDuplicates();
        assertThat(new LogCleaner(time, 10_000).cleanedOffset(log)).isEqualTo(end);
        assertThat(dir.resolve(LogCleaner.CHECKPOINT_FILE)).exists();
        // Nothing left over but the segments' files.
        assertThat(LogTestSupport.fileNames(log.dir()))
                .allMatch(n -> n.endsWith(".log")
                        || n.endsWith(".index")
                        || n.endsWith(".timeindex")
                        || n.endsWith(ProducerStateSnapshot.SUFFIX));

        // Appends and reads go on, and a second pass has nothing to do.
        log.appendAsLeader(CleanerTestSupport.batch(T0, List.of(new Write("key-1", "after"))), 0);
        assertThat(latest(log)).containsEntry("key-1", "after");
        assertThat(new LogCleaner(time, 10_000).clean(log).segmentsRewritten()).isZero();
    }

    @Test
    void tombstonesStayForDeleteRetentionThenGo() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 1024, LogConfig.DELETE_RETENTION_MS, 1000);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(new Write("k" + (i % 5), "v" + i));
        }
        writes.add(new Write("k0", null));
        writes.add(new Write("k1", null));
        appendAll(writes, 2);
        commitAndRoll();
        LogCleaner cleaner = new LogCleaner(time, 100);
        cleaner.clean(log);
        assertThat(latest(log)).isEqualTo(model(writes)).containsEntry("k0", TOMBSTONE);

        // Within delete.retention.ms a new pass keeps them.
        appendAll(List.of(new Write("k2", "x")), 1);
        commitAndRoll();
        time.sleep(999);
        cleaner.clean(log);
        assertThat(latest(log)).containsEntry("k0", TOMBSTONE).containsEntry("k1", TOMBSTONE);

        // After it, they are gone and the other keys keep their latest value.
        appendAll(List.of(new Write("k3", "y")), 1);
        commitAndRoll();
        time.sleep(2);
        cleaner.clean(log);
        Map<String, String> after = latest(log);
        assertThat(after).doesNotContainKeys("k0", "k1");
        assertThat(after).containsEntry("k2", "x").containsEntry("k3", "y").containsEntry("k4", "v49");
    }

    @Test
    void neverCleansTheActiveSegmentNorAboveTheHighWatermark() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 1024);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add(new Write("same", "v" + i));
        }
        appendAll(writes, 1);
        List<Long> bases = log.segmentBaseOffsets();
        assertThat(bases).hasSizeGreaterThan(3);
        long hw = bases.get(2); // only the first two segments are below the high watermark
        log.updateHighWatermark(hw);
        new LogCleaner(time, 100).clean(log);
        List<Long> kept = offsets(log);
        assertThat(kept).filteredOn(o -> o >= hw).hasSize((int) (log.logEndOffset() - hw));
        assertThat(kept).filteredOn(o -> o < hw).hasSizeLessThanOrEqualTo(2); // the last record of each segment
        assertThat(latest(log)).isEqualTo(model(writes));

        // With the high watermark at the end, still never the active segment.
        log.updateHighWatermark(log.logEndOffset());
        new LogCleaner(time, 100).clean(log);
        long activeBase = log.segmentBaseOffsets().get(log.numberOfSegments() - 1);
        assertThat(offsets(log)).filteredOn(o -> o >= activeBase).hasSize((int) (log.logEndOffset() - activeBase));
    }

    @Test
    void minCompactionLagKeepsYoungSegmentsDirty() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 1024, LogConfig.MIN_COMPACTION_LAG_MS, 10_000);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            writes.add(new Write("same", "v" + i));
        }
        appendAll(writes, 1);
        commitAndRoll();
        assertThat(new LogCleaner(time, 100).clean(log).segmentsRewritten()).isZero();
        assertThat(offsets(log)).hasSize(100);
        time.sleep(10_001);
        assertThat(new LogCleaner(time, 100).clean(log).segmentsRewritten()).isPositive();
        assertThat(offsets(log)).hasSizeLessThan(100);
    }

    @Test
    void aSmallMapCleansInSeveralPassesToTheSameResult() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 2048);
        Random random = new Random(7);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            writes.add(new Write("key-" + random.nextInt(40), "value-" + i));
        }
        appendAll(writes, 3);
        commitAndRoll();
        long end = log.logEndOffset();
        LogCleaner cleaner = new LogCleaner(time, 15);
        int passes = 0;
        long cleanedTo = 0;
        while (cleanedTo < end) {
            LogCleaner.Stats s = cleaner.clean(log);
            assertThat(s.cleanedUpTo()).isGreaterThan(cleanedTo);
            cleanedTo = s.cleanedUpTo();
            passes++;
            assertThat(latest(log)).isEqualTo(model(writes));
        }
        assertThat(passes).isGreaterThan(1);
        assertThat(offsets(log).size()).isLessThanOrEqualTo(40 + log.numberOfSegments());
    }

    @Test
    void keepsCodecOffsetsTimestampsAndProducerFields() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 4096);
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(new SimpleRecord(T0 + i, ("k" + (i % 4)).getBytes(StandardCharsets.UTF_8), bytes("v" + i)));
        }
        ByteBuffer gzip = KafkaRecords.build(KafkaRecords.GZIP, 0, records);
        log.appendAsLeader(gzip, 0);
        // An idempotent producer whose whole batch is superseded: kept as an empty batch.
        ByteBuffer idempotent = BatchBuilder.build(
                0,
                new BatchBuilder.ProducerInfo(77L, (short) 3, 5, false),
                List.of(new SimpleRecord(T0, bytes("k0"), bytes("old"))));
        log.appendAsLeader(idempotent, 0);
        log.appendAsLeader(CleanerTestSupport.batch(T0, List.of(new Write("k0", "new"))), 0);
        log.appendAsLeader(CleanerTestSupport.batch(T0, List.of(new Write("k9", "last"))), 0);
        commitAndRoll();

        new LogCleaner(time, 100).clean(log);

        ByteBuffer all = LogTestSupport.readAll(log, 0);
        int pos = 0;
        List<String> seen = new ArrayList<>();
        while (pos < all.limit()) {
            seen.add(RecordBatch.baseOffset(all, pos) + ".." + RecordBatch.lastOffset(all, pos) + " codec "
                    + RecordBatch.compressionCodec(all, pos) + " pid " + RecordBatch.producerId(all, pos) + " seq "
                    + RecordBatch.baseSequence(all, pos) + " n " + RecordBatch.recordCount(all, pos));
            pos += RecordBatch.sizeInBytes(all, pos);
        }
        assertThat(seen)
                .containsExactly(
                        "0..19 codec 1 pid -1 seq -1 n 3", // k1, k2, k3 survive; k0 is superseded
                        "20..20 codec 0 pid 77 seq 5 n 0",
                        "21..21 codec 0 pid -1 seq -1 n 1",
                        "22..22 codec 0 pid -1 seq -1 n 1");
        List<KafkaRecords.DecodedRecord> decoded = KafkaRecords.decode(all);
        assertThat(decoded).extracting(KafkaRecords.DecodedRecord::offset).containsExactly(17L, 18L, 19L, 21L, 22L);
        assertThat(decoded).extracting(KafkaRecords.DecodedRecord::timestamp).startsWith(T0 + 17, T0 + 18, T0 + 19);
    }

    @Test
    void aTruncationBelowTheCheckpointMakesTheRewrittenRecordsDirty() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 1024);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            writes.add(new Write("k" + (i % 3), "v" + i));
        }
        appendAll(writes, 1);
        commitAndRoll();
        LogCleaner cleaner = new LogCleaner(time, 100);
        cleaner.clean(log);
        assertThat(cleaner.cleanedOffset(log)).isEqualTo(100);
        log.truncateTo(60);
        List<Write> rewritten = new ArrayList<>(writes.subList(0, 60));
        for (int i = 0; i < 50; i++) {
            Write w = new Write("k" + (i % 3), "again" + i);
            rewritten.add(w);
            log.appendAsLeader(CleanerTestSupport.batch(T0, List.of(w)), 0);
        }
        commitAndRoll();
        assertThat(cleaner.cleanedOffset(log)).isEqualTo(60);
        cleaner.clean(log);
        assertThat(latest(log)).isEqualTo(model(rewritten));
        // The records written after the truncation were cleaned too.
        assertThat(offsets(log).size()).isLessThan(20);
    }

    @Test
    void cleanIfNeededFollowsTheDirtyRatioAndTheMaxCompactionLag() throws Exception {
        open(LogConfig.SEGMENT_BYTES, 1024, LogConfig.MIN_CLEANABLE_DIRTY_RATIO, 0.5);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            writes.add(new Write("k" + i, "v" + i)); // all distinct: cleaning removes nothing
        }
        appendAll(writes, 1);
        commitAndRoll();
        LogCleaner cleaner = new LogCleaner(time, 1000);
        assertThat(cleaner.cleanIfNeeded(log).cleanedUpTo()).isEqualTo(300); // all dirty
        appendAll(List.of(new Write("k0", "again")), 1);
        commitAndRoll();
        assertThat(cleaner.cleanIfNeeded(log).cleanedUpTo()).isEqualTo(-1); // a few bytes dirty: below 0.5

        log.updateConfig(LogTestSupport.config(
                LogConfig.CLEANUP_POLICY,
                "compact",
                LogConfig.SEGMENT_BYTES,
                1024,
                LogConfig.MAX_COMPACTION_LAG_MS,
                60_000));
        assertThat(cleaner.cleanIfNeeded(log).cleanedUpTo()).isEqualTo(-1); // not overdue yet
        time.sleep(60_001);
        assertThat(cleaner.cleanIfNeeded(log).cleanedUpTo()).isEqualTo(301);
        assertThat(latest(log)).containsEntry("k0", "again").hasSize(300);
    }

    @Test
    void doesNothingForADeletePolicyLog() throws Exception {
        log = LogTestSupport.open(
                dir, LogTestSupport.config(LogConfig.SEGMENT_BYTES, 1024), time, LogLoader.LoadParams.FRESH);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            writes.add(new Write("same", "v" + i));
        }
        appendAll(writes, 1);
        commitAndRoll();
        assertThat(new LogCleaner(time, 100).clean(log).segmentsRewritten()).isZero();
        assertThat(offsets(log)).hasSize(100);
        assertThat(Files.exists(dir.resolve(LogCleaner.CHECKPOINT_FILE))).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
