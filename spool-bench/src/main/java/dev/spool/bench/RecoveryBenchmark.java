package dev.spool.bench;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
 * Recovery of one segment after an unclean stop: {@link LogLoader#load} of a log whose single segment
 * holds {@link #segmentMb} MiB of 10 KiB batches, with its {@code .index} and {@code .timeindex}
 * deleted and no clean-shutdown state ({@link LogLoader.LoadParams#FRESH}: recovery point 0), so the
 * loader re-reads the whole segment, checks every batch (framing, CRC-32C, offsets) and rebuilds both
 * indexes, then fsyncs them.
 *
 * <p>The segment is written and fsynced once per trial; each iteration only deletes the indexes
 * again. The file therefore sits in the page cache: this measures recovery's CPU and syscall cost,
 * not the disk. Score: milliseconds per recovery (single shot). JMH reports no auxiliary counters in
 * single-shot mode, so the rate is computed by hand: MB/s = {@code segmentMb} × 1.048576 / seconds
 * (the segment holds {@code segmentMb} MiB rounded up to whole 10 KiB batches).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RecoveryBenchmark {
    static final int BATCH_BYTES = 10 * 1024;

    /** Room above the segment's content so the preparation never rolls. */
    private static final int SEGMENT_HEADROOM_BYTES = 1 << 20;

    /** Size of the segment to recover, in MiB (at most 2046: segment.bytes is an int). */
    @Param({"1024"})
    public int segmentMb;

    private Path dir;
    private Path logDir;
    private final TopicPartition tp = new TopicPartition("bench", 0);
    private LogConfig config;
    private LogEnv env;
    private long segmentBytes;
    private long expectedLogEnd;
    private Log recovered;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        long target = (long) segmentMb << 20;
        if (target + SEGMENT_HEADROOM_BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segmentMb " + segmentMb + " exceeds what segment.bytes allows");
        }
        dir = BenchDirs.create("spool-recovery-");
        logDir = dir.resolve(tp.dirName());
        config = LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, String.valueOf(target + SEGMENT_HEADROOM_BYTES)));
        env = LogEnv.of(Time.SYSTEM);
        ByteBuffer batch = Batches.exactSize(BATCH_BYTES, Time.SYSTEM.milliseconds());
        try (Log log = LogLoader.load(logDir, tp, config, env, LogLoader.LoadParams.FRESH)) {
            for (long written = 0; written < target; written += BATCH_BYTES) {
                batch.clear();
                AppendResult r = log.appendAsLeader(batch, 0);
                if (!r.ok()) {
                    throw new IllegalStateException("preparation append failed: " + r.error() + " " + r.message());
                }
            }
            log.flush(); // the measured recovery must not pay for writing back the preparation
            if (log.numberOfSegments() != 1) {
                throw new IllegalStateException("expected one segment, got " + log.numberOfSegments());
            }
            segmentBytes = log.size();
            expectedLogEnd = log.logEndOffset();
        }
    }

    /** An unclean stop leaves indexes that cannot be trusted: delete them so the loader rebuilds them. */
    @Setup(Level.Iteration)
    public void dropIndexes() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir, "*.{index,timeindex}")) {
            for (Path f : files) {
                Files.delete(f);
            }
        }
    }

    @Benchmark
    public Log recover() throws IOException {
        recovered = LogLoader.load(logDir, tp, config, env, LogLoader.LoadParams.FRESH);
        return recovered;
    }

    /** Checks that recovery kept the whole segment, then closes the log for the next iteration. */
    @TearDown(Level.Iteration)
    public void closeRecovered() throws IOException {
        Log log = recovered;
        recovered = null;
        if (log == null) {
            return;
        }
        try (log) {
            if (log.logEndOffset() != expectedLogEnd || log.size() != segmentBytes) {
                throw new IllegalStateException("recovery lost data: log end " + log.logEndOffset() + " (expected "
                        + expectedLogEnd + "), " + log.size() + " bytes (expected " + segmentBytes + ")");
            }
        }
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        BenchDirs.deleteRecursively(dir);
    }

    Path logDir() {
        return logDir;
    }
}
