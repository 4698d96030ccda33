package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetch long polling: a parked fetch is answered by an append, or empty at max_wait_ms. */
class FetchLongPollTest {
    @TempDir
    Path dir;

    static FetchRequestData fetch(String topic, long offset, int minBytes, int maxWaitMs) {
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopic(topic);
        t.partitions()
                .add(new FetchRequestData.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(offset)
                        .setPartitionMaxBytes(1 << 20)
                        .setCurrentLeaderEpoch(-1)
                        .setLogStartOffset(-1));
        FetchRequestData f = new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(1 << 20)
                .setSessionId(0)
                .setSessionEpoch(-1);
        f.topics().add(t);
        return f;
    }

    static FetchResponseData readFetchResponse(DataInputStream in, short version) throws Exception {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        ByteBufferAccessor acc = new ByteBufferAccessor(ByteBuffer.wrap(body));
        new ResponseHeaderData(acc, ApiKeys.FETCH.responseHeaderVersion(version));
        FetchResponseData data = new FetchResponseData();
        data.read(acc, version);
        return data;
    }

    private static KafkaProducer<String, String> producer(EmbeddedSpool broker) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        return new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
    }

    @Test
    void aParkedFetchIsAnsweredByTheNextAppend() throws Exception {
        short v = 12;
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                KafkaProducer<String, String> producer = producer(broker);
                Socket s = new Socket("127.0.0.1", broker.port())) {
            producer.send(new ProducerRecord<>("lp", "first")).get(30, TimeUnit.SECONDS);
            s.getOutputStream().write(ConnectionBehaviourTest.frame(ApiKeys.FETCH, v, 1, fetch("lp", 1, 1, 120_000)));
            DataInputStream in = new DataInputStream(s.getInputStream());
            CompletableFuture<FetchResponseData> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return readFetchResponse(in, v);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            producer.send(new ProducerRecord<>("lp", "second")).get(30, TimeUnit.SECONDS);
            // max_wait_ms is two minutes: only the append can have answered within 30 s.
            FetchResponseData data = answer.get(30, TimeUnit.SECONDS);
            FetchResponseData.PartitionData p =
                    data.responses().get(0).partitions().get(0);
            assertThat(p.errorCode()).isZero();
            assertThat(p.highWatermark()).isEqualTo(2);
            assertThat(p.records().sizeInBytes()).isPositive();
        }
    }

    @Test
    void aFetchWithNothingNewIsAnsweredEmptyAtMaxWait() throws Exception {
        short v = 12;
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                KafkaProducer<String, String> producer = producer(broker);
                Socket s = new Socket("127.0.0.1", broker.port())) {
            producer.send(new ProducerRecord<>("lp", "only")).get(30, TimeUnit.SECONDS);
            s.getOutputStream().write(ConnectionBehaviourTest.frame(ApiKeys.FETCH, v, 1, fetch("lp", 1, 1, 200)));
            FetchResponseData data = readFetchResponse(new DataInputStream(s.getInputStream()), v);
            FetchResponseData.PartitionData p =
                    data.responses().get(0).partitions().get(0);
            assertThat(p.errorCode()).isZero();
            assertThat(p.highWatermark()).isEqualTo(1);
            assertThat(p.records().sizeInBytes()).isZero();
        }
    }
}
