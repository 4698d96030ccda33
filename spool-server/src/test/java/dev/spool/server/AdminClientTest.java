package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdminClient operations against a real broker. */
class AdminClientTest {
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

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void topicLifecycle() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("alpha", 3, (short) 1).configs(Map.of("retention.ms", "1000000"))))
                .all());
        assertThat(get(admin.listTopics().names())).contains("alpha");
        TopicDescription d =
                get(admin.describeTopics(List.of("alpha")).allTopicNames()).get("alpha");
        assertThat(d.partitions()).hasSize(3);
        assertThat(d.partitions().get(0).leader().id()).isEqualTo(1);

        assertThatThrownBy(() -> get(admin.createTopics(List.of(new NewTopic("alpha", 1, (short) 1)))
                        .all()))
                .hasCauseInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> get(admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1)))
                        .all()))
                .hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> get(admin.createTopics(List.of(new NewTopic("rf3", 1, (short) 3)))
                        .all()))
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> get(admin.createTopics(
                                List.of(new NewTopic("cfg", 1, (short) 1).configs(Map.of("retention.ms", "soon"))))
                        .all()))
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("retention.ms")
                .hasMessageContaining("soon");
        get(admin.createTopics(List.of(new NewTopic("dry", 1, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all());
        assertThat(get(admin.listTopics().names())).doesNotContain("dry");

        get(admin.createPartitions(Map.of("alpha", NewPartitions.increaseTo(5))).all());
        assertThat(get(admin.describeTopics(List.of("alpha")).allTopicNames())
                        .get("alpha")
                        .partitions())
                .hasSize(5);

        get(admin.deleteTopics(List.of("alpha")).all());
        assertThat(get(admin.listTopics().names())).doesNotContain("alpha");
        assertThatThrownBy(() -> get(admin.deleteTopics(List.of("alpha")).all()))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void describeAndAlterConfigs() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("conf", 1, (short) 1))).all());
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "conf");
        Config before = get(admin.describeConfigs(List.of(res)).all()).get(res);
        assertThat(before.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(before.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        get(admin.incrementalAlterConfigs(Map.of(
                        res,
                        List.of(new AlterConfigOp(
                                new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET))))
                .all());
        Config after = get(admin.describeConfigs(List.of(res)).all()).get(res);
        assertThat(after.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(after.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        get(admin.incrementalAlterConfigs(Map.of(
                        res,
                        List.of(new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE))))
                .all());
        assertThat(get(admin.describeConfigs(List.of(res)).all())
                        .get(res)
                        .get("retention.ms")
                        .value())
                .isEqualTo("604800000");

        assertThatThrownBy(() -> get(admin.incrementalAlterConfigs(Map.of(
                                res,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("segment.bytes", "-5"), AlterConfigOp.OpType.SET))))
                        .all()))
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("segment.bytes");

        get(admin.createTopics(
                        List.of(new NewTopic("compacted", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                .all());
        ConfigResource compacted = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
        Config cc = get(admin.describeConfigs(List.of(compacted)).all()).get(compacted);
        assertThat(cc.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(cc.get("delete.retention.ms").value()).isEqualTo("86400000");
        assertThatThrownBy(() -> get(admin.createTopics(List.of(
                                new NewTopic("badpolicy", 1, (short) 1).configs(Map.of("cleanup.policy", "bogus"))))
                        .all()))
                .hasCauseInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("cleanup.policy");

        ConfigResource brokerRes = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config brokerConfig =
                get(admin.describeConfigs(List.of(brokerRes)).all()).get(brokerRes);
        assertThat(brokerConfig.get("num.partitions").value()).isEqualTo("1");
    }

    @Test
    void deleteRecordsAndClusterInfo() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("dr", 1, (short) 1))).all());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("dr", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition("dr", 0);
        long low = get(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                        .lowWatermarks()
                        .get(tp))
                .lowWatermark();
        assertThat(low).isEqualTo(4);
        ExecutionException beyond = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> get(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(99)))
                        .all()));
        assertThat(beyond.getCause()).isInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class);

        assertThat(get(admin.describeCluster().nodes())).hasSize(1);
        assertThat(get(admin.describeCluster().clusterId())).isNotBlank();
        var dirs = get(admin.describeLogDirs(List.of(1)).allDescriptions()).get(1);
        assertThat(dirs).hasSize(1);
        assertThat(dirs.values().iterator().next().replicaInfos()).containsKey(tp);
        assertThat(Set.copyOf(get(admin.listTopics().names()))).contains("dr");
    }
}
