package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import dev.spool.storage.LogManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL of a broker process after a group committed offsets: the restarted broker rebuilds the
 * group coordinator by replaying {@code __consumer_offsets}, and a new member of the group resumes
 * exactly after the committed offsets.
 */
@Tag("slow")
class GroupCrashIT {
    static final String TOPIC = "orders";
    static final String GROUP = "billing";
    static final int PARTITIONS = 3;
    static final int PER_PARTITION = 20;

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    int startBroker(Path data, String name) throws Exception {
        return ChildBroker.start(
                data,
                dir.resolve(name + ".out"),
                Map.of(
                        ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "5"),
                processes);
    }

    static void produce(String bootstrap, String tag) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, null, tag + "-" + p + "-" + i));
                }
            }
            producer.flush();
        }
    }

    /** A group member that reads {@code count} records, commits them, and leaves. */
    static List<ConsumerRecord<String, String>> consume(String bootstrap, int count, String protocol) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    got.add(r);
                }
                return got.size() >= count;
            });
            c.commitSync();
        }
        return got;
    }

    /** Both rebalance protocols: classic groups and KIP-848 ({@code group.protocol=consumer}) groups. */
    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void committedOffsetsSurviveSigkill(String protocol) throws Exception {
        Path data = dir.resolve("data");
        String bootstrap = "127.0.0.1:" + startBroker(data, "first");
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        produce(bootstrap, "before");
        assertThat(consume(bootstrap, PARTITIONS * PER_PARTITION, protocol)).hasSize(PARTITIONS * PER_PARTITION);

        Process first = processes.get(0);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(data.resolve(LogManager.CLEAN_SHUTDOWN_FILE))
                .as("the stop was unclean")
                .doesNotExist();

        String bootstrap2 = "127.0.0.1:" + startBroker(data, "second");
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap2);
        try (Admin admin = Admin.create(ap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((tp, om) -> offsets.put(tp, om.offset()));
            Map<TopicPartition, Long> expected = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                expected.put(new TopicPartition(TOPIC, p), (long) PER_PARTITION);
            }
            assertThat(offsets).isEqualTo(expected);
            assertThat(admin.describeConsumerGroups(List.of(GROUP))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(GROUP)
                            .type()
                            .toString())
                    .isEqualToIgnoringCase(protocol);
        }
        produce(bootstrap2, "after");
        List<ConsumerRecord<String, String>> resumed = consume(bootstrap2, PARTITIONS * PER_PARTITION, protocol);
        assertThat(resumed).hasSize(PARTITIONS * PER_PARTITION);
        assertThat(resumed).allMatch(r -> r.value().startsWith("after-") && r.offset() >= PER_PARTITION);
    }
}
