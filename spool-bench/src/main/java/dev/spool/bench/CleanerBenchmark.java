package dev.spool.bench;

import dev.spool.common.SuppressForbidden;
import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogCleaner;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Log cleaner throughput: one {@link LogCleaner#clean} pass over a wholly dirty compacted log of
 * {@link #logMb} MiB (segments of 128 MiB, all rolled) whose records (16-byte keys, 100-byte values,
 * 100 records an uncompressed batch) update {@link #uniquePercent} % as many distinct keys as there
 * are records, in random order. The pass builds the key map over the whole log (the default 128 MiB
 * map holds every key) and rewrites every segment.
 *
 * <p>The dirty log is written once per trial; each iteration copies it to a fresh directory and
 * loads it (not measured), so the files sit in the page cache: this measures the cleaner's CPU and
 * syscall cost, not the disk. Score: milliseconds per pass (single shot); MB/s = {@code logMb} ×
 * 1.048576 / seconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class CleanerBenchmark {
    static final int RECORDS_PER_BATCH = 100;
    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 100;
    static final int SEGMENT_BYTES = 128 << 20;

    /** Size of the dirty log, in MiB. */
    @Param({"1024"})
    public int logMb;

    /** Distinct keys as a percentage of the records. */
    @Param({"10"})
    public int uniquePercent;

    private final TopicPartition tp = new TopicPartition("bench", 0);
    private Path dir;
    private Path source;
    private Path work;
    private LogConfig config;
    private LogEnv env;
    private long logEnd;
    private Log log;
    private LogCleaner.Stats stats;

    @Setup(Level.Trial)
    public void writeDirtyLog() throws IOException {
        dir = BenchDirs.create("spool-cleaner-");
        source = dir.resolve("source").resolve(tp.dirName());
        config = LogConfig.from(Map.of(
                LogConfig.CLEANUP_POLICY,
                LogConfig.POLICY_COMPACT,
                LogConfig.SEGMENT_BYTES,
                String.valueOf(SEGMENT_BYTES)));
        env = LogEnv.of(Time.SYSTEM);
        long target = (long) logMb << 20;
        long recordsEstimate = target / (KEY_BYTES + VALUE_BYTES + 10);
        int keys = (int) Math.max(1, recordsEstimate * uniquePercent / 100);
        SplittableRandom random = new SplittableRandom(42);
        byte[] value = new byte[VALUE_BYTES];
        long now = Time.SYSTEM.milliseconds();
        try (Log dirty = LogLoader.load(source, tp, config, env, LogLoader.LoadParams.FRESH)) {
            while (dirty.size() < target) {
                List<SimpleRecord> records = new ArrayList<>(RECORDS_PER_BATCH);
                for (int i = 0; i < RECORDS_PER_BATCH; i++) {
                    byte[] key = String.format(Locale.ROOT, "key-%012d", random.nextInt(keys))
                            .getBytes(StandardCharsets.US_ASCII);
                    random.nextBytes(value);
                    records.add(new SimpleRecord(now, key, value.clone()));
                }
                ByteBuffer batch = BatchBuilder.build(records);
                AppendResult r = dirty.appendAsLeader(batch, 0);
                if (!r.ok()) {
                    throw new IllegalStateException("preparation append failed: " + r.error() + " " + r.message());
                }
            }
            dirty.roll();
            dirty.flush();
            logEnd = dirty.logEndOffset();
        }
    }

    /** A fresh copy of the dirty log, loaded with every segment cleanable. */
    @Setup(Level.Iteration)
    public void copyDirtyLog() throws IOException {
        work = dir.resolve("work").resolve(tp.dirName());
        if (Files.exists(work)) {
            BenchDirs.deleteRecursively(work.getParent());
        }
        Files.createDirectories(work);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(source)) {
            for (Path f : files) {
                Files.copy(f, work.resolve(f.getFileName()));
            }
        }
        log = LogLoader.load(work, tp, config, env, new LogLoader.LoadParams(true, logEnd, 0, logEnd));
        log.updateHighWatermark(logEnd);
    }

    @Benchmark
    public LogCleaner.Stats clean() throws IOException {
        // A new cleaner each time: its key map (128 MiB by default) is allocated on first use, as in a broker.
        stats = new LogCleaner(Time.SYSTEM, LogCleaner.Config.defaults()).clean(log);
        return stats;
    }

    /** Checks the pass cleaned the whole log, prints what it did, then closes it. */
    @TearDown(Level.Iteration)
    @SuppressForbidden(reason = "a benchmark's per-iteration note goes to JMH's console output")
    public void closeLog() throws IOException {
        Log cleaned = log;
        log = null;
        try (cleaned) {
            if (cleaned == null
                    || stats == null
                    || stats.cleanedUpTo() != logEnd
                    || stats.bytesAfter() >= stats.bytesBefore()) {
                throw new IllegalStateException("the pass did not clean the whole log: " + stats);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%n  cleaned %d -> %d bytes, %d of %d records kept%n",
                    stats.bytesBefore(),
                    stats.bytesAfter(),
                    stats.recordsRetained(),
                    stats.recordsRead());
        } finally {
            stats = null;
        }
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        BenchDirs.deleteRecursively(dir);
    }

    Path dir() {
        return dir;
    }
}
