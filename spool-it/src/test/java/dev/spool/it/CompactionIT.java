package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic with small segments takes thousands of updates to a few hundred keys: after the
 * background cleaner runs, a consumer from the beginning sees each key's last value, the partition
 * takes less disk, and tombstoned keys disappear once {@code delete.retention.ms} has passed.
 */
class CompactionIT {
    static final String TOPIC = "table";
    static final int KEYS = 300;

    @TempDir
    Path dir;

    @Test
    void theCleanerKeepsEachKeysLastValueShrinksTheLogAndDropsOldTombstones() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of(ServerConfig.LOG_CLEANER_BACKOFF_MS, "100"))) {
            String bootstrap = broker.bootstrap();
            CompactedTopic.create(
                    bootstrap,
                    TOPIC,
                    Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
                            TopicConfig.SEGMENT_BYTES_CONFIG, "16384",
                            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01",
                            TopicConfig.DELETE_RETENTION_MS_CONFIG, "1000"));
            Map<String, String> expected = new HashMap<>();
            Random random = new Random(9);
            try (KafkaProducer<String, String> producer = CompactedTopic.producer(bootstrap)) {
                for (int i = 0; i < 6000; i++) {
                    String key = "key-" + random.nextInt(KEYS);
                    String value = "value-" + i + "-" + "x".repeat(40);
                    producer.send(new ProducerRecord<>(TOPIC, 0, key, value));
                    expected.put(key, value);
                }
                for (int k = 0; k < 30; k++) { // tombstones for 30 keys
                    producer.send(new ProducerRecord<>(TOPIC, 0, "key-" + k, null));
                    expected.put("key-" + k, CompactedTopic.TOMBSTONE);
                }
                fill(producer, expected, 0); // pushes the tombstones out of the active segment
                producer.flush();
            }
            long written = partitionBytes(bootstrap);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(partitionBytes(bootstrap)).isLessThan(written / 3);
                assertThat(CompactedTopic.readTable(bootstrap, TOPIC)).isEqualTo(expected);
            });

            // Tombstones older than delete.retention.ms go at a later pass (new writes make the log dirty).
            try (KafkaProducer<String, String> producer = CompactedTopic.producer(bootstrap)) {
                int[] round = {1};
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> {
                            fill(producer, expected, round[0]++);
                            producer.flush();
                            Map<String, String> table = CompactedTopic.readTable(bootstrap, TOPIC);
                            for (int k = 0; k < 30; k++) {
                                assertThat(table).doesNotContainKey("key-" + k);
                            }
                            Map<String, String> live = new HashMap<>(expected);
                            live.values().removeIf(CompactedTopic.TOMBSTONE::equals);
                            assertThat(table).isEqualTo(live);
                        });
            }
        }
    }

    @Test
    void aRecordWithoutAKeyIsRefusedByACompactedTopic() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of())) {
            String bootstrap = broker.bootstrap();
            CompactedTopic.create(bootstrap, "keyed", Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact"));
            try (KafkaProducer<String, String> producer = CompactedTopic.producer(bootstrap)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("keyed", 0, null, "no key"))
                                .get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(InvalidRecordException.class)
                        .hasMessageContaining("Compacted topic cannot accept message without key");
                producer.send(new ProducerRecord<>("keyed", 0, "k", "v")).get(30, TimeUnit.SECONDS);
            }
            assertThat(CompactedTopic.readTable(bootstrap, "keyed")).containsExactly(Map.entry("k", "v"));
        }
    }

    @Test
    void transactionalUpdatesAreCompactedAndAbortedOnesDisappear() throws Exception {
        String topic = "txn-table";
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of(ServerConfig.LOG_CLEANER_BACKOFF_MS, "100"))) {
            String bootstrap = broker.bootstrap();
            CompactedTopic.create(
                    bootstrap,
                    topic,
                    Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
                            TopicConfig.SEGMENT_BYTES_CONFIG, "16384",
                            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"));
            Map<String, String> expected = new HashMap<>();
            Random random = new Random(11);
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "table-writer");
            pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                for (int t = 0; t < 60; t++) {
                    boolean abort = t % 5 == 4;
                    Map<String, String> written = new HashMap<>();
                    producer.beginTransaction();
                    for (int i = 0; i < 50; i++) {
                        String key = "key-" + random.nextInt(100);
                        String value = "txn-" + t + "-" + i + "-" + "z".repeat(40);
                        producer.send(new ProducerRecord<>(topic, 0, key, value));
                        written.put(key, value);
                    }
                    if (abort) {
                        producer.abortTransaction();
                    } else {
                        producer.commitTransaction();
                        expected.putAll(written);
                    }
                }
            }
            // 3,000 records of 50-byte values and 6-byte keys were written (the cleaner may have begun
            // meanwhile, so the partition's size now is no measure of it).
            long written = 3000L * (50 + 6);

            // Committed transactional records are compacted like any others (Kafka Streams' changelogs
            // under exactly-once are all transactional); aborted ones are removed, so even a
            // read_uncommitted reader no longer sees them.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(partitionBytes(bootstrap, topic)).isLessThan(written / 4);
                assertThat(CompactedTopic.readTable(bootstrap, topic, "read_committed"))
                        .isEqualTo(expected);
                assertThat(CompactedTopic.readTable(bootstrap, topic, "read_uncommitted"))
                        .isEqualTo(expected);
            });
        }
    }

    /** 300 updates to keys outside the tombstoned ones: about two segments. */
    private static void fill(KafkaProducer<String, String> producer, Map<String, String> expected, int round) {
        for (int i = 0; i < 300; i++) {
            String key = "key-" + (30 + i % (KEYS - 30));
            String value = "fill-" + round + "-" + i + "-" + "y".repeat(40);
            producer.send(new ProducerRecord<>(TOPIC, 0, key, value));
            expected.put(key, value);
        }
    }

    /** The partition's size on disk as DescribeLogDirs reports it. */
    static long partitionBytes(String bootstrap) throws Exception {
        return partitionBytes(bootstrap, TOPIC);
    }

    static long partitionBytes(String bootstrap, String topic) throws Exception {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            long size = 0;
            for (Map<String, LogDirDescription> byDir : admin.describeLogDirs(List.of(1))
                    .allDescriptions()
                    .get(30, TimeUnit.SECONDS)
                    .values()) {
                for (LogDirDescription d : byDir.values()) {
                    var info = d.replicaInfos().get(new TopicPartition(topic, 0));
                    if (info != null) {
                        size += info.size();
                    }
                }
            }
            return size;
        }
    }
}
