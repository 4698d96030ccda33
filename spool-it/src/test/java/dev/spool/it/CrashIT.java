package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.server.ServerConfig;
import dev.spool.storage.LogManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a broker process in the middle of acks=1 produce traffic: after a restart on the same
 * directory every acknowledged record is there, at its acknowledged offset with its value, and the
 * broker takes new writes.
 */
@Tag("slow")
class CrashIT {
    static final String TOPIC = "crash";
    static final int PARTITIONS = 3;
    static final int ACKS_BEFORE_KILL = 400;

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();

    /** An acknowledged record. */
    record Acked(int partition, long offset, String value) {}

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a broker JVM on {@code data}; returns its port once it is ready. */
    int startBroker(Path data, String name) throws Exception {
        return ChildBroker.start(
                data, dir.resolve(name + ".out"), Map.of(ServerConfig.LOG_FLUSH_INTERVAL_MESSAGES, "1"), processes);
    }

    @Test
    void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
        Path data = dir.resolve("data");
        int port = startBroker(data, "first");
        String bootstrap = "127.0.0.1:" + port;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        pp.put(ProducerConfig.RETRIES_CONFIG, "0");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
        Process first = processes.get(0);
        try {
            int i = 0;
            while (acked.size() < ACKS_BEFORE_KILL) {
                send(producer, acked, i++);
                if (i % 50 == 0) {
                    producer.flush(); // keep the loop from racing far ahead of the acknowledgements
                }
            }
            // Kill while requests are still in flight.
            for (int j = 0; j < 100; j++) {
                send(producer, acked, i++);
            }
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            producer.close(Duration.ZERO);
        }
        assertThat(data.resolve(LogManager.CLEAN_SHUTDOWN_FILE))
                .as("the stop was unclean")
                .doesNotExist();
        List<Acked> acknowledged = new ArrayList<>(acked);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        int port2 = startBroker(data, "second");
        String bootstrap2 = "127.0.0.1:" + port2;
        Map<TopicPartition, Map<Long, String>> stored = readAll(bootstrap2);
        System.out.printf(
                Locale.ROOT,
                "crash: %d records acknowledged before SIGKILL, %d stored after restart%n",
                acknowledged.size(),
                stored.values().stream().mapToInt(Map::size).sum());
        for (Acked a : acknowledged) {
            assertThat(stored.get(new TopicPartition(TOPIC, a.partition())))
                    .as("partition %d after restart", a.partition())
                    .containsEntry(a.offset(), a.value());
        }

        // The restarted broker takes new writes after what it recovered.
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap2);
        try (KafkaProducer<String, String> again =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                RecordMetadata m = again.send(new ProducerRecord<>(TOPIC, p, null, "after-restart"))
                        .get(30, TimeUnit.SECONDS);
                assertThat(m.offset())
                        .isEqualTo(stored.get(new TopicPartition(TOPIC, p)).size());
            }
        }
    }

    static void send(KafkaProducer<String, String> producer, ConcurrentLinkedQueue<Acked> acked, int i) {
        String value = "value-" + i;
        producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, value), (RecordMetadata m, Exception e) -> {
            if (e == null) {
                acked.add(new Acked(m.partition(), m.offset(), value));
            }
        });
    }

    /** Every record of every partition, offset to value; checks offsets are dense from 0. */
    static Map<TopicPartition, Map<Long, String>> readAll(String bootstrap) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<TopicPartition, Map<Long, String>> out = new HashMap<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                tps.add(tp);
                out.put(tp, new HashMap<>());
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long read = 0;
            while (read < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    Map<Long, String> part = out.get(new TopicPartition(r.topic(), r.partition()));
                    assertThat(r.offset()).isEqualTo(part.size());
                    part.put(r.offset(), r.value());
                    read++;
                }
            }
            assertThat(read).isEqualTo(total);
        }
        return out;
    }
}
