package dev.spool.bench;

import dev.spool.common.Time;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The baseline for {@link AppendBenchmark}, with the same parameters: the same batch bytes (the same
 * direct buffer) written with a positional {@link FileChannel#write(ByteBuffer, long)} at the end of
 * one of {@link #partitions} plain files, round-robin, no fsync. A file that has taken its share of
 * {@link BenchDirs#WRITE_BUDGET_BYTES} is replaced the way the log replaces an emptied segment: renamed
 * aside, a new empty file opened in its place, and the old one deleted by a background thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class RawWriteBenchmark {
    @Param({"10240", "1048576"})
    public int batchBytes;

    @Param({"1", "64"})
    public int partitions;

    /** Disk budget across all files; tests shrink it. */
    long budgetBytes = BenchDirs.WRITE_BUDGET_BYTES;

    private Path dir;
    private FileChannel[] files;
    private long[] positions;
    private long sharePerFile;
    private ByteBuffer batch;
    private int next;
    private long replaced;
    private ScheduledExecutorService deleter;

    /** A trial driven by hand, outside JMH ({@link AppendCpuSplit}, {@link AppendVsRaw}): parameters set, set up. */
    static RawWriteBenchmark setUpFor(int batchBytes, int partitions, long budgetBytes) throws IOException {
        RawWriteBenchmark bench = new RawWriteBenchmark();
        bench.batchBytes = batchBytes;
        bench.partitions = partitions;
        bench.budgetBytes = budgetBytes;
        bench.setUp();
        return bench;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchDirs.create("spool-rawwrite-");
        files = new FileChannel[partitions];
        positions = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            files[p] = open(p);
        }
        deleter = BenchDirs.newDeleter();
        sharePerFile = BenchDirs.sharePerFile(budgetBytes, partitions, batchBytes);
        batch = Batches.exactSize(batchBytes, Time.SYSTEM.milliseconds());
        next = 0;
    }

    private FileChannel open(int p) throws IOException {
        return FileChannel.open(
                file(p), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private Path file(int p) {
        return dir.resolve("raw-" + p + ".log");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchDirs.finishDeletions(deleter);
        BenchDirs.closeAllAndDelete(dir, files == null ? new FileChannel[0] : files);
    }

    @Benchmark
    public long write(ByteCounter counter) throws IOException {
        int p = next;
        next = p + 1 == partitions ? 0 : p + 1;
        FileChannel file = files[p];
        long at = positions[p];
        if (at + batchBytes > sharePerFile) {
            file.close();
            Path aside = dir.resolve("raw-" + p + ".log." + replaced++ + ".deleted");
            Files.move(file(p), aside);
            file = open(p);
            files[p] = file;
            deleter.execute(() -> {
                try {
                    Files.delete(aside);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            at = 0;
        }
        batch.clear();
        while (batch.hasRemaining()) {
            at += file.write(batch, at);
        }
        positions[p] = at;
        counter.bytes += batchBytes;
        return at;
    }

    /** The files (for tests). */
    FileChannel[] files() {
        return files;
    }

    Path dir() {
        return dir;
    }

    /** Waits for the background deletions asked for so far ({@link AppendVsRaw}, between blocks). */
    void awaitDeletions() throws IOException {
        BenchDirs.awaitDeletions(deleter);
    }
}
