package dev.spool.bench;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogLoader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
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
 * {@link Log#appendAsLeader} throughput: one producer batch of exactly {@link #batchBytes} bytes per
 * operation, round-robin over {@link #partitions} logs in one directory, Kafka's default log config
 * (1 GiB segments, no fsync: page cache only). Score: appends/s; the {@code bytes} secondary result is
 * bytes/s. Compare with {@link RawWriteBenchmark}, which has the same parameters.
 *
 * <p>Every append validates the batch (framing, CRC-32C, records) and rewrites its base offset and
 * leader epoch in place; the same direct buffer is reused (base offset and epoch lie outside the CRC).
 * Disk use stays below {@link BenchDirs#WRITE_BUDGET_BYTES}: a log that has taken its share is
 * emptied with {@link Log#truncateFullyAndStartAt} (counted in the score, as the raw baseline's
 * truncation is); as in the broker, the emptied segment's files are renamed and then removed by a
 * background thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class AppendBenchmark {
    /** Bytes per batch (per append): 10 KiB of ~100 B records, or 1 MiB of ~1 KiB records. */
    @Param({"10240", "1048576"})
    public int batchBytes;

    /** Number of logs appended to in turn. */
    @Param({"1", "64"})
    public int partitions;

    /** Disk budget across all logs; tests shrink it. */
    long budgetBytes = BenchDirs.WRITE_BUDGET_BYTES;

    private Path dir;
    private Log[] logs;
    private long[] bytesInLog;
    private long sharePerLog;
    private ByteBuffer batch;
    private int next;
    private ScheduledExecutorService deleter;

    /** A trial driven by hand, outside JMH ({@link AppendCpuSplit}, {@link AppendVsRaw}): parameters set, set up. */
    static AppendBenchmark setUpFor(int batchBytes, int partitions, long budgetBytes) throws IOException {
        AppendBenchmark bench = new AppendBenchmark();
        bench.batchBytes = batchBytes;
        bench.partitions = partitions;
        bench.budgetBytes = budgetBytes;
        bench.setUp();
        return bench;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchDirs.create("spool-append-");
        // As in the broker: segment files of an emptied log are removed by a background thread, not
        // inline (LogManager gives every log its background executor); no extra delay, to bound disk use.
        LogConfig config = LogConfig.from(Map.of(LogConfig.FILE_DELETE_DELAY_MS, "0"));
        deleter = BenchDirs.newDeleter();
        LogEnv env = LogEnv.of(Time.SYSTEM).withBackground(deleter);
        logs = new Log[partitions];
        bytesInLog = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition("bench", p);
            logs[p] = LogLoader.load(dir.resolve(tp.dirName()), tp, config, env, LogLoader.LoadParams.FRESH);
        }
        sharePerLog = BenchDirs.sharePerFile(budgetBytes, partitions, batchBytes);
        batch = Batches.exactSize(batchBytes, Time.SYSTEM.milliseconds());
        next = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Log[] all = logs == null ? new Log[0] : logs;
        Closeable[] closers = new Closeable[all.length];
        for (int p = 0; p < all.length; p++) {
            Log log = all[p];
            closers[p] = log == null ? null : log::close;
        }
        BenchDirs.finishDeletions(deleter);
        BenchDirs.closeAllAndDelete(dir, closers);
    }

    @Benchmark
    public long append(ByteCounter counter) throws IOException {
        int p = next;
        next = p + 1 == partitions ? 0 : p + 1;
        Log log = logs[p];
        if (bytesInLog[p] + batchBytes > sharePerLog) {
            log.truncateFullyAndStartAt(0);
            bytesInLog[p] = 0;
        }
        batch.clear();
        AppendResult result = log.appendAsLeader(batch, 0);
        if (!result.ok()) {
            throw new IllegalStateException("append failed: " + result.error() + " " + result.message());
        }
        bytesInLog[p] += batchBytes;
        counter.bytes += batchBytes;
        return result.lastOffset();
    }

    /** The logs (for tests). */
    Log[] logs() {
        return logs;
    }

    Path dir() {
        return dir;
    }

    /** Waits for the background deletions asked for so far ({@link AppendVsRaw}, between blocks). */
    void awaitDeletions() throws IOException {
        BenchDirs.awaitDeletions(deleter);
    }
}
