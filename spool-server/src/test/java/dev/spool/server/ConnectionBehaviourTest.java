package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection-level behaviour over raw sockets: pipelined responses in order, a client that does not read is
 * held back without losing anything while others are served, idle connections closed.
 */
class ConnectionBehaviourTest {
    @TempDir
    Path dir;

    static byte[] frame(ApiKeys api, short version, int correlationId, ApiMessage body) {
        short hv = api.requestHeaderVersion(version);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(api.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId("raw");
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, hv) + body.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor w = new ByteBufferAccessor(buf);
        header.write(w, cache, hv);
        body.write(w, cache, version);
        return buf.array();
    }

    /** Reads one response frame and returns its correlation id. */
    static int readCorrelationId(DataInputStream in) throws IOException {
        int size = in.readInt();
        assertThat(size).isBetween(4, 1 << 20);
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body).getInt();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Socket s = new Socket("127.0.0.1", broker.port())) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 30; i++) {
                if (i % 3 == 1) {
                    out.write(frame(ApiKeys.METADATA, (short) 12, i, new MetadataRequestData().setTopics(null)));
                } else {
                    out.write(frame(
                            ApiKeys.API_VERSIONS,
                            (short) 3,
                            i,
                            new ApiVersionsRequestData()
                                    .setClientSoftwareName("raw")
                                    .setClientSoftwareVersion("1")));
                }
            }
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < 30; i++) {
                assertThat(readCorrelationId(in)).isEqualTo(i);
            }
        }
    }

    @Test
    void aClientThatDoesNotReadIsHeldBackWhileOthersAreServedAndLosesNothing() throws Exception {
        int records = 40;
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of())) {
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < records; i++) {
                    producer.send(new ProducerRecord<>("bp", new byte[100_000])).get(30, TimeUnit.SECONDS);
                }
            }
            int requests = 200; // ~200 MB of responses: far more than socket buffers hold
            try (Socket stuck = new Socket("127.0.0.1", broker.port())) {
                OutputStream out = stuck.getOutputStream();
                for (int i = 0; i < requests; i++) {
                    out.write(frame(ApiKeys.FETCH, (short) 12, i, fetchFromStart("bp")));
                }
                out.flush();
                // While that connection reads nothing, another client is served in full.
                Properties cp = new Properties();
                cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
                try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    TopicPartition tp = new TopicPartition("bp", 0);
                    consumer.assign(List.of(tp));
                    consumer.seekToBeginning(List.of(tp));
                    int[] seen = {0};
                    await().atMost(Duration.ofSeconds(60)).until(() -> {
                        seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                        return seen[0] >= records;
                    });
                }
                // The stuck client then gets every response, in order, none lost.
                DataInputStream in = new DataInputStream(stuck.getInputStream());
                for (int i = 0; i < requests; i++) {
                    int size = in.readInt();
                    assertThat(size).isGreaterThan(1_000_000);
                    byte[] body = new byte[size];
                    in.readFully(body);
                    assertThat(ByteBuffer.wrap(body).getInt()).isEqualTo(i);
                }
            }
        }
    }

    private static FetchRequestData fetchFromStart(String topic) {
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopic(topic);
        t.partitions()
                .add(new FetchRequestData.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(0)
                        .setPartitionMaxBytes(2 << 20)
                        .setCurrentLeaderEpoch(-1)
                        .setLogStartOffset(-1));
        FetchRequestData f = new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(0)
                .setMaxBytes(2 << 20)
                .setSessionId(0)
                .setSessionEpoch(-1);
        f.topics().add(t);
        return f;
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of(ServerConfig.CONNECTIONS_MAX_IDLE_MS, "300"));
                Socket s = new Socket("127.0.0.1", broker.port())) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write(frame(ApiKeys.API_VERSIONS, (short) 0, 7, new ApiVersionsRequestData()));
            assertThat(readCorrelationId(in)).isEqualTo(7);
            s.setSoTimeout(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    return in.read() == -1;
                } catch (EOFException e) {
                    return true;
                }
            });
        }
    }
}
