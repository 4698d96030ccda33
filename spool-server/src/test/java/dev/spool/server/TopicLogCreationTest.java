package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New partitions' logs are created after CreateTopics / CreatePartitions answer, in the background; a
 * request that reaches a partition first creates its log at once; a topic deleted meanwhile gets no log.
 */
class TopicLogCreationTest {
    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    private long partitionDirs(String topic) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(c -> c.getFileName().toString().matches(topic + "-\\d+"))
                    .count();
        }
    }

    @Test
    void everyPartitionGetsItsLogAndTheFirstProduceToOneDoesNotWait() throws Exception {
        for (int t = 0; t < 3; t++) {
            admin.createTopics(List.of(new NewTopic("many-" + t, 400, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            // The last partition of the last topic: the background creation is unlikely to be there yet.
            RecordMetadata md =
                    producer.send(new ProducerRecord<>("many-2", 399, "k", "v")).get(60, TimeUnit.SECONDS);
            assertThat(md.offset()).isZero();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int t = 0; t < 3; t++) {
                assertThat(partitionDirs("many-" + t)).isEqualTo(400);
            }
        });

        admin.createPartitions(Map.of("many-0", NewPartitions.increaseTo(420)))
                .all()
                .get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> partitionDirs("many-0") == 420);
    }

    @Test
    void aTopicDeletedBeforeItsLogsExistKeepsNone() throws Exception {
        admin.createTopics(List.of(new NewTopic("gone", 500, (short) 1))).all().get(60, TimeUnit.SECONDS);
        admin.deleteTopics(List.of("gone")).all().get(60, TimeUnit.SECONDS);
        admin.createTopics(List.of(new NewTopic("after", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        // The creation queue is ordered: once the later topic's log exists, the deleted one's turn is over.
        await().atMost(Duration.ofSeconds(60)).until(() -> partitionDirs("after") == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> partitionDirs("gone") == 0);
        assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).doesNotContain("gone");
    }
}
