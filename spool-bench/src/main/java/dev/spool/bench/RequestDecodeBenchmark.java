package dev.spool.bench;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.ProduceRecords;
import dev.spool.protocol.wire.MalformedRequestException;
import dev.spool.protocol.wire.RequestDecoder;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request decode as the connection handler does it for every frame: {@link RequestDecoder#peekApiKey},
 * the header, then the body with kafka-clients' generated classes (record sets stay slices of the
 * frame). Frames are encoded once in set-up by the same generated classes, as kafka-clients 4.4 sends
 * them (Produce v12, Fetch v17 with topic ids):
 *
 * <ul>
 *   <li>{@code produce-10KiB}: one partition, one 10 KiB batch;
 *   <li>{@code produce-16x10KiB}: 16 partitions of one topic, a 10 KiB batch each;
 *   <li>{@code fetch-1p} and {@code fetch-100p}: a consumer's fetch of 1 or 100 partitions.
 * </ul>
 *
 * Score: ns per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class RequestDecodeBenchmark {
    static final short PRODUCE_VERSION = 12;
    static final short FETCH_VERSION = 17;
    static final int BATCH_BYTES = 10 * 1024;

    @Param({"produce-10KiB", "produce-16x10KiB", "fetch-1p", "fetch-100p"})
    public String request;

    private ByteBuffer frame;

    @Setup
    public void setUp() {
        frame = switch (request) {
            case "produce-10KiB" -> frame(ApiKeys.PRODUCE, PRODUCE_VERSION, produce(1));
            case "produce-16x10KiB" -> frame(ApiKeys.PRODUCE, PRODUCE_VERSION, produce(16));
            case "fetch-1p" -> frame(ApiKeys.FETCH, FETCH_VERSION, fetch(1));
            case "fetch-100p" -> frame(ApiKeys.FETCH, FETCH_VERSION, fetch(100));
            default -> throw new IllegalArgumentException("unknown request " + request);
        };
    }

    @Benchmark
    public ApiMessage decode() throws MalformedRequestException {
        ByteBuffer f = frame.duplicate();
        ApiKeys api = RequestDecoder.peekApiKey(f);
        short version = RequestDecoder.peekApiVersion(f);
        RequestHeaderData header = RequestDecoder.decodeHeader(f, api.requestHeaderVersion(version));
        if (header.correlationId() < 0) {
            throw new IllegalStateException("bad frame");
        }
        return RequestDecoder.decodeBody(f, api, version);
    }

    static ProduceRequestData produce(int partitions) {
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("bench");
        for (int p = 0; p < partitions; p++) {
            ProduceRequestData.PartitionProduceData pd = new ProduceRequestData.PartitionProduceData().setIndex(p);
            ProduceRecords.set(pd, Batches.exactSize(BATCH_BYTES, Time.SYSTEM.milliseconds()));
            topic.partitionData().add(pd);
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        data.topicData().add(topic);
        return data;
    }

    static FetchRequestData fetch(int partitions) {
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid());
        for (int p = 0; p < partitions; p++) {
            topic.partitions()
                    .add(new FetchRequestData.FetchPartition()
                            .setPartition(p)
                            .setFetchOffset(1_000_000L + p)
                            .setPartitionMaxBytes(1 << 20)
                            .setCurrentLeaderEpoch(-1)
                            .setLastFetchedEpoch(-1)
                            .setLogStartOffset(-1));
        }
        FetchRequestData data = new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(500)
                .setMinBytes(1)
                .setMaxBytes(50 << 20)
                .setSessionId(0)
                .setSessionEpoch(-1);
        data.topics().add(topic);
        return data;
    }

    /** Header and body as a client writes them, without the 4-byte size. */
    static ByteBuffer frame(ApiKeys api, short version, ApiMessage body) {
        short headerVersion = api.requestHeaderVersion(version);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(api.id)
                .setRequestApiVersion(version)
                .setCorrelationId(7)
                .setClientId("producer-1");
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        ByteBufferAccessor out = new ByteBufferAccessor(buf);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        return buf.flip();
    }
}
