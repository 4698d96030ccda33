package dev.spool.bench;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.protocol.adapter.ResponseEncoder;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogLoader;
import dev.spool.storage.LogOfflineException;
import dev.spool.storage.ReadResult;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
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
 * Fetch-response assembly, the broker's work for a consumer fetch apart from moving the bytes: for each
 * partition a {@link Log#read} (index lookup, batch-header scan, a file slice), then the response (v17,
 * topic ids) built with kafka-clients' generated classes and encoded by {@link ResponseEncoder} into heap
 * chunks around the zero-copy slices. The bytes themselves are not sent ({@link ReadBenchmark} measures
 * {@code sendfile}). Each partition's log holds {@link #BATCHES_PER_LOG} batches of 10 KiB; fetches ask
 * {@link #PARTITION_MAX_BYTES} per partition (three batches) at offsets cycling through the logs.
 * Score: ns per fetch; divide by {@code partitions} for the cost per partition.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class FetchAssemblyBenchmark {
    static final int BATCH_BYTES = 10 * 1024;
    static final int BATCHES_PER_LOG = 256;
    static final int PARTITION_MAX_BYTES = 3 * BATCH_BYTES;
    static final short FETCH_VERSION = 17;

    @Param({"1", "100"})
    public int partitions;

    private Path dir;
    private final List<Log> logs = new ArrayList<>();
    private final Uuid topicId = Uuid.randomUuid();
    private long recordsPerBatch;
    private int step;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchDirs.create("spool-fetch-");
        ByteBuffer batch = Batches.exactSize(BATCH_BYTES, Time.SYSTEM.milliseconds());
        recordsPerBatch = Batches.recordCount(BATCH_BYTES);
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition("bench", p);
            Log log = LogLoader.load(
                    dir.resolve(tp.dirName()),
                    tp,
                    LogConfig.defaults(),
                    LogEnv.of(Time.SYSTEM),
                    LogLoader.LoadParams.FRESH);
            logs.add(log);
            for (int b = 0; b < BATCHES_PER_LOG; b++) {
                batch.clear();
                AppendResult r = log.appendAsLeader(batch, 0);
                if (!r.ok()) {
                    throw new IllegalStateException("pre-fill append failed: " + r.error() + " " + r.message());
                }
            }
            log.updateHighWatermark(log.logEndOffset());
            log.flush();
        }
        step = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        List<Closeable> closers = new ArrayList<>();
        for (Log log : logs) {
            closers.add(log::close);
        }
        BenchDirs.closeAllAndDelete(dir, closers.toArray(Closeable[]::new));
        logs.clear();
    }

    @Benchmark
    public int assemble() throws LogOfflineException {
        // every fetch starts at the next batch, wrapping before the end so each read finds three batches
        long offset = (step++ % (BATCHES_PER_LOG - 3)) * recordsPerBatch;
        FetchResponseData data = new FetchResponseData().setSessionId(0);
        FetchResponseData.FetchableTopicResponse topic =
                new FetchResponseData.FetchableTopicResponse().setTopicId(topicId);
        for (int p = 0; p < partitions; p++) {
            Log log = logs.get(p);
            FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData().setPartitionIndex(p);
            long hw = log.highWatermark();
            pd.setHighWatermark(hw).setLastStableOffset(hw).setLogStartOffset(log.logStartOffset());
            ReadResult r = log.read(offset, PARTITION_MAX_BYTES, hw, p == 0);
            if (r.sizeInBytes() > 0) {
                ResponseEncoder.setFetchRecords(pd, ResponseEncoder.zeroCopyRecords(r.slice(), r.sizeInBytes()));
            }
            topic.partitions().add(pd);
        }
        data.responses().add(topic);
        ResponseEncoder.Chunks chunks = ResponseEncoder.encode(ApiKeys.FETCH, FETCH_VERSION, 42, data);
        return chunks.totalBytes() + chunks.parts().size();
    }
}
