package dev.spool.bench;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.storage.AppendResult;
import dev.spool.storage.FileSlice;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogLoader;
import dev.spool.storage.ReadResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
 * Fetch-path reads: a log pre-filled with {@link #logMb} MiB of 10 KiB batches (one segment, flushed,
 * so it sits in the page cache), then consecutive 1 MiB fetches cycling over the whole log.
 *
 * <ul>
 *   <li>{@link #logRead}: {@link Log#read} (offset index lookup, batch-header scan) plus
 *       {@link FileSlice#transferTo} of the slice to the sink;
 *   <li>{@link #rawTransferTo}: the baseline, {@link FileChannel#transferTo} of the very same byte
 *       ranges of the same segment file (computed once in set-up) to the same sink.
 * </ul>
 *
 * The sink is {@code /dev/null} opened for writing, so {@code transferTo} is a {@code sendfile} that
 * only looks the pages up: the benchmark isolates the log's overhead on the fetch path. Score:
 * fetches/s; the {@code bytes} secondary result is bytes/s (each fetch is 102 whole batches, 1044480
 * bytes, except the last of the cycle).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class ReadBenchmark {
    /** Bytes a fetch asks for ({@code maxBytes}). */
    static final int FETCH_MAX_BYTES = 1 << 20;

    /** Bytes per batch in the pre-filled log. */
    static final int BATCH_BYTES = 10 * 1024;

    /** The file name of a log's first segment (its base offset, 20 digits, as Kafka names it). */
    static final String FIRST_SEGMENT_FILE = "00000000000000000000.log";

    /** Size of the pre-filled log in MiB (below segment.bytes, so one segment). */
    @Param({"256"})
    public int logMb;

    private Path dir;
    private Log log;
    private FileChannel rawFile;
    private FileChannel sink;
    private long[] fetchOffsets;
    private long[] fetchPositions;
    private int[] fetchSizes;
    private long upperBound;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchDirs.create("spool-read-");
        TopicPartition tp = new TopicPartition("bench", 0);
        log = LogLoader.load(
                dir.resolve(tp.dirName()),
                tp,
                LogConfig.defaults(),
                LogEnv.of(Time.SYSTEM),
                LogLoader.LoadParams.FRESH);
        ByteBuffer batch = Batches.exactSize(BATCH_BYTES, Time.SYSTEM.milliseconds());
        long target = (long) logMb << 20;
        for (long written = 0; written < target; written += BATCH_BYTES) {
            batch.clear();
            AppendResult r = log.appendAsLeader(batch, 0);
            if (!r.ok()) {
                throw new IllegalStateException("pre-fill append failed: " + r.error() + " " + r.message());
            }
        }
        log.flush(); // no write-back in the background while we measure
        if (log.numberOfSegments() != 1) {
            throw new IllegalStateException("expected one segment, got " + log.numberOfSegments());
        }
        upperBound = log.logEndOffset();
        planFetches(Batches.recordCount(BATCH_BYTES));
        rawFile = FileChannel.open(log.dir().resolve(FIRST_SEGMENT_FILE), StandardOpenOption.READ);
        sink = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        next = 0;
    }

    /** Walks the log with consecutive fetches and records where each one starts and what it covers. */
    private void planFetches(int recordsPerBatch) throws IOException {
        int capacity = (int) (log.size() / (FETCH_MAX_BYTES - BATCH_BYTES)) + 2;
        fetchOffsets = new long[capacity];
        fetchPositions = new long[capacity];
        fetchSizes = new int[capacity];
        int n = 0;
        long offset = log.logStartOffset();
        while (offset < upperBound) {
            ReadResult r = log.read(offset, FETCH_MAX_BYTES, upperBound, true);
            FileSlice slice = r.slice();
            if (!r.ok() || slice.size() == 0 || slice.size() % BATCH_BYTES != 0) {
                throw new IllegalStateException("unexpected read at " + offset + ": " + r);
            }
            fetchOffsets[n] = offset;
            fetchPositions[n] = slice.position();
            fetchSizes[n] = slice.size();
            n++;
            offset += (long) (slice.size() / BATCH_BYTES) * recordsPerBatch;
        }
        fetchOffsets = Arrays.copyOf(fetchOffsets, n);
        fetchPositions = Arrays.copyOf(fetchPositions, n);
        fetchSizes = Arrays.copyOf(fetchSizes, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Log l = log;
        BenchDirs.closeAllAndDelete(dir, l == null ? null : l::close, rawFile, sink);
    }

    private int nextFetch() {
        int i = next;
        next = i + 1 == fetchOffsets.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public long logRead(ByteCounter counter) throws IOException {
        int i = nextFetch();
        ReadResult r = log.read(fetchOffsets[i], FETCH_MAX_BYTES, upperBound, true);
        long sent = r.slice().transferTo(sink);
        counter.bytes += sent;
        return sent;
    }

    @Benchmark
    public long rawTransferTo(ByteCounter counter) throws IOException {
        int i = nextFetch();
        long position = fetchPositions[i];
        int size = fetchSizes[i];
        long sent = 0;
        while (sent < size) {
            long n = rawFile.transferTo(position + sent, size - sent, sink);
            if (n <= 0) {
                break;
            }
            sent += n;
        }
        counter.bytes += sent;
        return sent;
    }

    /** The planned fetches' sizes (for tests). */
    int[] fetchSizes() {
        return fetchSizes;
    }

    Path dir() {
        return dir;
    }
}
