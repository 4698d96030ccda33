package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
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

/**
 * kafka-clients' producer with its DEFAULT settings (acks=all, enable.idempotence=true): it gets a
 * producer id through InitProducerId and its records come back once each, in order.
 */
class IdempotentProducerTest {
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

    @Test
    void theDefaultProducerSimplyWorks() throws Exception {
        String topic = "idem";
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        int n = 2000;
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, i % 2, null, "v" + i)));
            }
            for (Future<RecordMetadata> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        Map<Integer, List<String>> read = new HashMap<>();
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            int total = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (total < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    read.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value());
                    total++;
                }
            }
        }
        // The batches on disk carry the producer id InitProducerId handed out, at epoch 0.
        for (int p = 0; p < 2; p++) {
            ByteBuffer head = ByteBuffer.wrap(
                    Files.readAllBytes(dir.resolve(topic + "-" + p).resolve("00000000000000000000.log")));
            assertThat(RecordBatch.producerId(head, 0)).isNotNegative();
            assertThat(RecordBatch.producerEpoch(head, 0)).isZero();
            assertThat(RecordBatch.baseSequence(head, 0)).isZero();
        }
        for (int p = 0; p < 2; p++) {
            List<String> expected = new ArrayList<>();
            for (int i = p; i < n; i += 2) {
                expected.add("v" + i);
            }
            assertThat(read.get(p)).as("partition %d", p).containsExactlyElementsOf(expected);
        }
    }
}
