package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.server.network.KafkaConnectionHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real kafka-clients producer, consumer and admin client against a real Spool broker. */
class ClientRoundTripTest {
    @TempDir
    Path dir;

    EmbeddedSpool broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @ParameterizedTest
    @CsvSource({"1,none", "all,gzip", "1,snappy", "all,lz4", "1,zstd"})
    void produceThenConsumeInOrder(String acks, String compression) throws Exception {
        String topic = "rt-" + compression;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        }
        int n = 500;
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.ACKS_CONFIG, acks);
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ProducerRecord<String, String> rec = new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i);
                rec.headers().add("h", ("x" + i).getBytes(StandardCharsets.UTF_8));
                futures.add(producer.send(rec));
            }
            for (var f : futures) {
                acked.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        assertThat(acked).allSatisfy(m -> assertThat(m.offset()).isBetween(0L, (long) n));

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p0 = new TopicPartition(topic, 0);
            TopicPartition p1 = new TopicPartition(topic, 1);
            consumer.assign(List.of(p0, p1));
            consumer.seekToBeginning(Set.of(p0, p1));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
            assertThat(got).hasSize(n);
            for (TopicPartition tp : List.of(p0, p1)) {
                List<ConsumerRecord<String, String>> part = got.stream()
                        .filter(r -> r.partition() == tp.partition())
                        .toList();
                for (int i = 0; i < part.size(); i++) {
                    ConsumerRecord<String, String> r = part.get(i);
                    assertThat(r.offset()).isEqualTo(i);
                    int seq = tp.partition() + 2 * i;
                    assertThat(r.key()).isEqualTo("k" + seq);
                    assertThat(r.value()).isEqualTo("v" + seq);
                    assertThat(new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8))
                            .isEqualTo("x" + seq);
                }
            }
            assertThat(consumer.endOffsets(List.of(p0, p1)).values()).containsOnly((long) n / 2);
        }
    }

    /**
     * Fetch responses with few record bytes are copied into one buffer, larger ones go out by
     * {@code sendfile} (KafkaConnectionHandler.COPY_MAX_FILE_BYTES): a consumer reading everything in a
     * few large responses and one limited to 4 KiB responses see the same records.
     */
    @Test
    void smallAndLargeFetchResponsesCarryTheSameRecords() throws Exception {
        String topic = "sizes";
        broker.createTopic(topic, 1);
        List<String> sent = new ArrayList<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "4096");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) { // one small batch each
                sent.add("small-" + i);
                producer.send(new ProducerRecord<>(topic, 0, null, sent.get(i))).get(30, TimeUnit.SECONDS);
            }
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) { // 100 KB in batches of up to 4 KiB
                String v = "large-" + i + "-" + "x".repeat(1000);
                sent.add(v);
                futures.add(producer.send(new ProducerRecord<>(topic, 0, null, v)));
            }
            for (var f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        int limit = KafkaConnectionHandler.COPY_MAX_FILE_BYTES;
        assertThat(sent.stream().mapToInt(String::length).sum()).isGreaterThan(4 * limit);
        assertThat(readAll(topic, sent.size(), Map.of())).isEqualTo(sent);
        assertThat(readAll(
                        topic,
                        sent.size(),
                        Map.of(
                                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "4096",
                                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "4096")))
                .isEqualTo(sent);
    }

    private List<String> readAll(String topic, int n, Map<String, String> config) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.putAll(config);
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.offset()).isEqualTo(got.size());
                    got.add(r.value());
                }
            }
        }
        return got;
    }
}
