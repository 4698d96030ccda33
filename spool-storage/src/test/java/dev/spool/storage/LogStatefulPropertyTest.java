package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Stateful property: any sequence of appends, reads, rolls, truncations, high-watermark moves,
 * DeleteRecords, retention passes, flushes, ListOffsets and clean or unclean reopens leaves the log
 * equal to a simple in-memory {@link LogModel}, with {@code logStartOffset ≤ highWatermark ≤
 * logEndOffset} and {@code logStartOffset ≤ recoveryPoint ≤ logEndOffset} after every step. Configs are
 * tiny so that size, index-full and time rolls happen often.
 */
class LogStatefulPropertyTest {
    private static final long START_MS = 1_700_000_000_000L;

    /** The per-try log configuration. */
    record Cfg(
            int segmentBytes,
            int indexIntervalBytes,
            int segmentIndexBytes,
            long retentionBytes,
            long retentionMs,
            long segmentMs,
            long flushMessages,
            boolean logAppendTime) {
        LogConfig toLogConfig() {
            return LogTestSupport.config(
                    LogConfig.SEGMENT_BYTES, segmentBytes,
                    LogConfig.INDEX_INTERVAL_BYTES, indexIntervalBytes,
                    LogConfig.SEGMENT_INDEX_BYTES, segmentIndexBytes,
                    LogConfig.RETENTION_BYTES, retentionBytes,
                    LogConfig.RETENTION_MS, retentionMs,
                    LogConfig.SEGMENT_MS, segmentMs,
                    LogConfig.FLUSH_MESSAGES, flushMessages,
                    LogConfig.MESSAGE_TIMESTAMP_TYPE, logAppendTime ? "LogAppendTime" : "CreateTime");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Operations

    /** One step against the log and the model. */
    interface Op {
        void run(Runner r) throws IOException;
    }

    /** A record to append: its value size and timestamp relative to the clock. */
    record RecSpec(int valueSize, int timestampDelta) {}

    /** appendAsLeader of one buffer holding {@code batchCount} batches compressed with {@code codec}. */
    record Append(List<RecSpec> recs, int batchCount, int codec) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            List<List<SimpleRecord>> groups = r.groups(recs, batchCount);
            ByteBuffer buf = LogModel.buildBatches(groups, 0, codec);
            int bytes = buf.remaining();
            AppendResult res = r.log.appendAsLeader(buf, 7);
            if (bytes > r.cfg.segmentBytes()) {
                assertThat(res.error()).as("append of %d bytes", bytes).isEqualTo(BatchError.TOO_LARGE);
                return;
            }
            assertThat(res.ok()).as("append: %s", res.message()).isTrue();
            assertThat(res.firstOffset()).as("first offset").isEqualTo(r.model.logEndOffset);
            assertThat(res.lastOffset()).as("last offset").isEqualTo(r.model.logEndOffset + recs.size() - 1);
            if (r.cfg.logAppendTime()) {
                assertThat(res.logAppendTime()).isEqualTo(r.time.milliseconds());
                groups = LogModel.withTimestamp(groups, res.logAppendTime());
            } else {
                assertThat(res.logAppendTime()).isEqualTo(-1);
            }
            r.model.appended(groups, buf);
        }
    }

    /** appendAsFollower of a batch that already carries the next offsets. */
    record FollowerAppend(List<RecSpec> recs) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            List<List<SimpleRecord>> groups = r.groups(recs, 1);
            ByteBuffer buf = LogModel.buildBatches(groups, r.model.logEndOffset, KafkaRecords.NONE);
            AppendResult res = r.log.appendAsFollower(buf.duplicate());
            assertThat(res.ok()).as("follower append: %s", res.message()).isTrue();
            assertThat(res.firstOffset()).isEqualTo(r.model.logEndOffset);
            r.model.appended(groups, buf);
        }
    }

    /** A read at a point chosen by {@code where} (per mille of [logStartOffset, logEndOffset]). */
    record Read(int where, int maxBytes, boolean toHighWatermark, boolean minOneBatch) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            LogModel m = r.model;
            long offset = m.logStartOffset + (m.logEndOffset - m.logStartOffset) * where / 1000;
            long bound = toHighWatermark ? m.highWatermark : m.logEndOffset;
            m.checkRead(r.log, offset, maxBytes, bound, minOneBatch);
        }
    }

    record Roll() implements Op {
        @Override
        public void run(Runner r) throws IOException {
            r.log.roll();
        }
    }

    /** truncateTo an offset chosen by {@code where} (per mille of [0, logEndOffset + 1]). */
    record Truncate(int where) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            long offset = (r.model.logEndOffset + 1) * where / 1000;
            long firstBase = r.log.segmentBaseOffsets().get(0);
            boolean removed = r.log.truncateTo(offset);
            assertThat(removed).as("truncateTo(%d) removed something", offset).isEqualTo(offset < r.model.logEndOffset);
            r.model.truncateTo(offset, firstBase);
        }
    }

    /** truncateFullyAndStartAt(logEndOffset + delta). */
    record TruncateFully(int delta) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            long offset = r.model.logEndOffset + delta;
            r.log.truncateFullyAndStartAt(offset);
            r.model.truncateFullyAndStartAt(offset);
        }
    }

    /** Moves the high watermark to a batch boundary chosen by {@code where}. */
    record MoveHighWatermark(int where) implements Op {
        @Override
        public void run(Runner r) {
            List<Long> bounds = r.model.boundariesFrom(r.model.logStartOffset);
            long target = bounds.get((int) ((long) (bounds.size() - 1) * where / 1000));
            assertThat(r.log.updateHighWatermark(target)).isEqualTo(target);
            r.model.highWatermark = target;
        }
    }

    /** DeleteRecords to an offset chosen by {@code where} (per mille of [logStartOffset, hw + 1]). */
    record DeleteRecords(int where) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            LogModel m = r.model;
            long offset = m.logStartOffset + (m.highWatermark + 1 - m.logStartOffset) * where / 1000;
            long result = r.log.deleteRecordsBefore(offset);
            if (offset > m.highWatermark) {
                assertThat(result).isEqualTo(-1);
            } else {
                m.logStartOffset = Math.max(m.logStartOffset, offset);
                assertThat(result).isEqualTo(m.logStartOffset);
            }
        }
    }

    /** One retention pass: the log start offset may only move forward, to a segment base, below the HW. */
    record Retention() implements Op {
        @Override
        public void run(Runner r) throws IOException {
            long before = r.model.logStartOffset;
            int deleted = r.log.deleteOldSegments();
            long after = r.log.logStartOffset();
            assertThat(after).isBetween(before, r.model.highWatermark);
            if (after != before) {
                assertThat(deleted).isPositive();
                assertThat(r.log.segmentBaseOffsets().get(0)).isEqualTo(after);
            }
            if (r.cfg.retentionMs() < 0 && r.cfg.retentionBytes() >= 0) {
                // Retention by size stops only when deleting the oldest segment would go below
                // retention.bytes, or it is not wholly below the high watermark, or it is the last.
                List<Long> bases = r.log.segmentBaseOffsets();
                if (bases.size() > 1 && bases.get(1) <= r.model.highWatermark) {
                    long firstSize = r.segmentSize(bases.get(0));
                    assertThat(r.log.size() - firstSize)
                            .as("retention.bytes left an oldest segment it could delete")
                            .isLessThan(r.cfg.retentionBytes());
                }
            }
            r.model.logStartOffset = after;
        }
    }

    record Flush() implements Op {
        @Override
        public void run(Runner r) throws IOException {
            r.log.flush();
            assertThat(r.log.recoveryPoint()).isEqualTo(r.model.logEndOffset);
        }
    }

    /** ListOffsets: a special value, or a timestamp chosen by {@code where} across the appended ones. */
    record ListOffsets(int special, int where) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            long target;
            switch (special) {
                case 1:
                    target = Log.EARLIEST_TIMESTAMP;
                    break;
                case 2:
                    target = Log.LATEST_TIMESTAMP;
                    break;
                case 3:
                    target = Log.MAX_TIMESTAMP;
                    break;
                default:
                    long lo = r.minTimestamp - 5;
                    long hi = r.maxTimestamp + 5;
                    target = lo + (hi - lo) * where / 1000;
            }
            r.model.checkOffsetForTimestamp(r.log, target);
        }
    }

    record AdvanceClock(int ms) implements Op {
        @Override
        public void run(Runner r) {
            r.time.advance(ms);
        }
    }

    /** Clean close and reopen with the offsets a checkpoint would hold. */
    record CleanReopen() implements Op {
        @Override
        public void run(Runner r) throws IOException {
            long rp = r.log.recoveryPoint();
            r.log.close();
            r.log = null;
            r.log = r.open(new LogLoader.LoadParams(true, rp, r.model.logStartOffset, r.model.highWatermark));
            assertThat(r.log.recoveryPoint()).isEqualTo(rp);
            r.model.checkOffsets(r.log);
            r.model.checkReadAll(r.log);
        }
    }

    /**
     * A crash that keeps the page cache (files closed unsealed), reopened with a checkpointed recovery
     * point chosen by {@code rpWhere} (per mille of the recovery point: up to 1.5 times it, as a checkpoint
     * written before a truncation says), or with no checkpoints at all.
     */
    record UncleanReopen(int rpWhere, boolean noCheckpoints) implements Op {
        @Override
        public void run(Runner r) throws IOException {
            long rp = r.log.recoveryPoint() * rpWhere / 1000;
            long firstBase = r.log.segmentBaseOffsets().get(0);
            r.log.closeWithoutSealing();
            r.log = null;
            LogLoader.LoadParams params = noCheckpoints
                    ? LogLoader.LoadParams.FRESH
                    : new LogLoader.LoadParams(false, rp, r.model.logStartOffset, r.model.highWatermark);
            r.log = r.open(params);
            if (noCheckpoints) {
                r.model.logStartOffset = Math.min(firstBase, r.model.logEndOffset);
                r.model.highWatermark = r.model.logStartOffset;
            }
            assertThat(r.log.recoveryPoint()).isEqualTo(r.model.logEndOffset);
            r.model.checkOffsets(r.log);
            r.model.checkReadAll(r.log);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The runner: the log under test, its model and the clock

    static final class Runner {
        final Path root;
        final Cfg cfg;
        final LogConfig logConfig;
        final LogModel.ManualTime time = new LogModel.ManualTime(START_MS);
        final LogModel model = LogModel.startingAt(0);
        Log log;
        int seq;
        long minTimestamp = START_MS;
        long maxTimestamp = START_MS;

        Runner(Path root, Cfg cfg) throws IOException {
            this.root = root;
            this.cfg = cfg;
            this.logConfig = cfg.toLogConfig();
            this.log = open(LogLoader.LoadParams.FRESH);
        }

        Log open(LogLoader.LoadParams params) throws IOException {
            return LogTestSupport.open(root, logConfig, time, params);
        }

        /** Splits the records into {@code batchCount} groups with fresh content and timestamps. */
        List<List<SimpleRecord>> groups(List<RecSpec> recs, int batchCount) {
            int n = Math.min(batchCount, recs.size());
            List<List<SimpleRecord>> out = new ArrayList<>();
            int from = 0;
            for (int g = 0; g < n; g++) {
                int to = g == n - 1 ? recs.size() : from + recs.size() / n;
                String tag = "r" + seq++;
                int[] sizes = new int[to - from];
                long[] timestamps = new long[to - from];
                for (int i = from; i < to; i++) {
                    sizes[i - from] = recs.get(i).valueSize();
                    timestamps[i - from] =
                            Math.max(0, time.milliseconds() + recs.get(i).timestampDelta());
                    minTimestamp = Math.min(minTimestamp, timestamps[i - from]);
                    maxTimestamp = Math.max(maxTimestamp, timestamps[i - from]);
                }
                out.add(LogModel.records(tag, sizes, timestamps));
                from = to;
            }
            return out;
        }

        long segmentSize(long base) throws IOException {
            return Files.size(log.dir().resolve(LogFiles.fileName(base, LogSegment.LOG_SUFFIX)));
        }

        void close() {
            if (log != null) {
                log.closeWithoutSealing();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The property

    @Property(tries = 200, shrinking = ShrinkingMode.FULL)
    @StatisticsReport(onFailureOnly = true)
    void logMatchesModel(@ForAll("configs") Cfg cfg, @ForAll("operations") List<Op> ops) throws IOException {
        Path root = Files.createTempDirectory("spool-log-property");
        Runner r = null;
        try {
            r = new Runner(root, cfg);
            int step = 0;
            for (Op op : ops) {
                try {
                    op.run(r);
                    r.model.checkOffsets(r.log);
                } catch (AssertionError | IOException | RuntimeException e) {
                    throw new AssertionError("step " + step + " " + op + " failed on " + r.log + " / " + r.model, e);
                }
                step++;
            }
            // At the end: everything readable, every timestamp found, a new append lands at the end.
            r.model.checkReadAll(r.log);
            r.model.checkAllTimestamps(r.log);
            new Append(List.of(new RecSpec(10, 0)), 1, KafkaRecords.NONE).run(r);
            r.model.checkOffsets(r.log);
            r.model.checkReadAll(r.log);
            Statistics.label("several segments").collect(r.log.numberOfSegments() > 1);
            Statistics.label("log end offset > 50").collect(r.log.logEndOffset() > 50);
            // The generators must keep producing interesting logs, or this property proves little.
            Statistics.label("several segments").coverage(c -> c.check(true).percentage(p -> p >= 50));
            Statistics.label("log end offset > 50").coverage(c -> c.check(true).percentage(p -> p >= 10));
        } finally {
            if (r != null) {
                r.close();
            }
            deleteRecursively(root);
        }
    }

    @Provide
    Arbitrary<Cfg> configs() {
        return Combinators.combine(
                        Arbitraries.integers().between(1024, 8192),
                        Arbitraries.integers().between(0, 400),
                        Arbitraries.integers().between(12, 200),
                        Arbitraries.oneOf(
                                Arbitraries.just(-1L), Arbitraries.longs().between(0, 30_000)),
                        Arbitraries.of(-1L, 20_000L),
                        Arbitraries.of(604_800_000L, 5_000L),
                        Arbitraries.of(Long.MAX_VALUE, 1L, 7L),
                        Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)))
                .as(Cfg::new);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> where = Arbitraries.integers().between(0, 1000);
        Arbitrary<Integer> valueSize = Arbitraries.frequencyOf(
                Tuple.of(85, Arbitraries.integers().between(0, 60)),
                Tuple.of(12, Arbitraries.integers().between(100, 600)),
                Tuple.of(3, Arbitraries.integers().between(1000, 3000)));
        Arbitrary<Integer> tsDelta = Arbitraries.frequencyOf(
                Tuple.of(85, Arbitraries.integers().between(0, 50)),
                Tuple.of(15, Arbitraries.integers().between(-200, 0)));
        Arbitrary<RecSpec> rec = Combinators.combine(valueSize, tsDelta).as(RecSpec::new);
        Arbitrary<List<RecSpec>> recs =
                rec.list().ofMinSize(1).ofMaxSize(20).withSizeDistribution(RandomDistribution.uniform());

        Arbitrary<Op> append = Combinators.combine(
                        recs,
                        Arbitraries.frequency(Tuple.of(8, 1), Tuple.of(1, 2), Tuple.of(1, 3)),
                        Arbitraries.frequency(
                                Tuple.of(12, KafkaRecords.NONE),
                                Tuple.of(1, KafkaRecords.GZIP),
                                Tuple.of(1, KafkaRecords.LZ4),
                                Tuple.of(1, KafkaRecords.ZSTD)))
                .as(Append::new);
        Arbitrary<Op> follower = rec.list().ofMinSize(1).ofMaxSize(5).map(FollowerAppend::new);
        Arbitrary<Op> read = Combinators.combine(
                        where,
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.integers().between(1, 200)),
                                Tuple.of(5, Arbitraries.integers().between(200, 5000)),
                                Tuple.of(2, Arbitraries.just(1 << 20))),
                        Arbitraries.of(true, false),
                        Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)))
                .as(Read::new);
        Arbitrary<Op> truncate = Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.integers().between(700, 1000)), Tuple.of(1, where))
                .map(Truncate::new);
        Arbitrary<Op> truncateFully = Arbitraries.integers().between(0, 3).map(TruncateFully::new);
        Arbitrary<Op> hw = where.map(MoveHighWatermark::new);
        Arbitrary<Op> deleteRecords = where.map(DeleteRecords::new);
        Arbitrary<Op> listOffsets = Combinators.combine(
                        Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(2, 3)), where)
                .as(ListOffsets::new);
        Arbitrary<Op> clock = Arbitraries.integers().between(0, 8000).map(AdvanceClock::new);
        Arbitrary<Op> unclean = Combinators.combine(
                        Arbitraries.integers().between(0, 1500),
                        Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)))
                .as(UncleanReopen::new);

        @SuppressWarnings("unchecked")
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(30, append),
                Tuple.of(3, follower),
                Tuple.of(12, read),
                Tuple.of(3, Arbitraries.just(new Roll())),
                Tuple.of(4, truncate),
                Tuple.of(1, truncateFully),
                Tuple.of(8, hw),
                Tuple.of(3, deleteRecords),
                Tuple.of(3, Arbitraries.just(new Retention())),
                Tuple.of(3, Arbitraries.just(new Flush())),
                Tuple.of(6, listOffsets),
                Tuple.of(3, clock),
                Tuple.of(3, Arbitraries.just(new CleanReopen())),
                Tuple.of(3, unclean));
        return op.list().ofMinSize(10).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
