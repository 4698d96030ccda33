package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every topic-level config of Kafka 4.4 through the real AdminClient: described with Kafka's default
 * and source, settable by CreateTopics / IncrementalAlterConfigs (AlterConfigs shares their validation;
 * kafka-clients 4 no longer sends it), kept across a
 * restart, and either acted on or refused with INVALID_CONFIG saying it is not supported.
 */
class TopicConfigsTest {
    /** Kafka 4.4's topic configs (`kafka-configs --describe --all` on a 4.4 broker) with their defaults. */
    static final Map<String, String> KAFKA_DEFAULTS = Map.ofEntries(
            Map.entry("cleanup.policy", "delete"),
            Map.entry("compression.gzip.level", "-1"),
            Map.entry("compression.lz4.level", "9"),
            Map.entry("compression.type", "producer"),
            Map.entry("compression.zstd.level", "3"),
            Map.entry("delete.retention.ms", "86400000"),
            Map.entry("errors.deadletterqueue.group.enable", "false"),
            Map.entry("file.delete.delay.ms", "60000"),
            Map.entry("flush.messages", "9223372036854775807"),
            Map.entry("flush.ms", "9223372036854775807"),
            Map.entry("follower.replication.throttled.replicas", ""),
            Map.entry("index.interval.bytes", "4096"),
            Map.entry("leader.replication.throttled.replicas", ""),
            Map.entry("local.retention.bytes", "-2"),
            Map.entry("local.retention.ms", "-2"),
            Map.entry("max.compaction.lag.ms", "9223372036854775807"),
            Map.entry("max.decompressed.message.bytes", "2147483639"),
            Map.entry("max.message.bytes", "1048588"),
            Map.entry("message.timestamp.after.max.ms", "3600000"),
            Map.entry("message.timestamp.before.max.ms", "9223372036854775807"),
            Map.entry("message.timestamp.type", "CreateTime"),
            Map.entry("min.cleanable.dirty.ratio", "0.5"),
            Map.entry("min.compaction.lag.ms", "0"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("preallocate", "false"),
            Map.entry("remote.copy.lag.bytes", "-1"),
            Map.entry("remote.copy.lag.ms", "0"),
            Map.entry("remote.log.copy.disable", "false"),
            Map.entry("remote.log.delete.on.disable", "false"),
            Map.entry("remote.storage.enable", "false"),
            Map.entry("retention.bytes", "-1"),
            Map.entry("retention.ms", "604800000"),
            Map.entry("segment.bytes", "1073741824"),
            Map.entry("segment.index.bytes", "10485760"),
            Map.entry("segment.jitter.ms", "0"),
            Map.entry("segment.ms", "604800000"),
            Map.entry("unclean.leader.election.enable", "false"));

    @TempDir
    Path dir;

    private static <T> T get(KafkaFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static Admin admin(EmbeddedSpool broker) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(p);
    }

    private static Map<String, ConfigEntry> describe(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = get(admin.describeConfigs(List.of(r), new DescribeConfigsOptions().includeSynonyms(true))
                        .all())
                .get(r);
        Map<String, ConfigEntry> out = new HashMap<>();
        for (ConfigEntry e : c.entries()) {
            out.put(e.name(), e);
        }
        return out;
    }

    @Test
    void everyKafkaTopicConfigIsKnownToTheClientsAndDescribedWithKafkasDefault() throws Exception {
        Set<String> clientKeys = new TreeSet<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG")) {
                clientKeys.add((String) f.get(null));
            }
        }
        // kafka-clients also names the long-removed message.downconversion.enable (gone in Kafka 4.0).
        clientKeys.remove("message.downconversion.enable");
        assertThat(KAFKA_DEFAULTS.keySet()).containsAll(clientKeys);

        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Admin admin = admin(broker)) {
            get(admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all());
            Map<String, ConfigEntry> described = describe(admin, "t");
            assertThat(described.keySet()).containsExactlyInAnyOrderElementsOf(KAFKA_DEFAULTS.keySet());
            for (Map.Entry<String, String> e : KAFKA_DEFAULTS.entrySet()) {
                ConfigEntry entry = described.get(e.getKey());
                assertThat(entry.value()).as(e.getKey()).isEqualTo(e.getValue());
                assertThat(entry.source()).as(e.getKey()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
                assertThat(entry.isReadOnly()).isFalse();
            }
            assertThat(described.get("min.cleanable.dirty.ratio").type()).isEqualTo(ConfigEntry.ConfigType.DOUBLE);
            assertThat(described.get("retention.ms").type()).isEqualTo(ConfigEntry.ConfigType.LONG);
            assertThat(described.get("delete.retention.ms").synonyms())
                    .extracting(ConfigEntry.ConfigSynonym::name)
                    .containsExactly("log.cleaner.delete.retention.ms");
        }
    }

    @Test
    void overridesAreSetAlteredAndKeptAcrossARestartAndBrokerDefaultsShowAsStatic() throws Exception {
        Map<String, String> brokerProps = Map.of("log.retention.hours", "24", "log.cleaner.min.cleanable.ratio", "0.3");
        Map<String, String> overrides = Map.of(
                "cleanup.policy", "compact,delete",
                "segment.jitter.ms", "1000",
                "min.insync.replicas", "1",
                "unclean.leader.election.enable", "true",
                "compression.zstd.level", "7",
                "leader.replication.throttled.replicas", "0:1",
                "local.retention.ms", "1000",
                "errors.deadletterqueue.group.enable", "true");
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, brokerProps);
                Admin admin = admin(broker)) {
            get(admin.createTopics(List.of(new NewTopic("t", 1, (short) 1).configs(overrides)))
                    .all());
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "t");
            Collection<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(
                            new ConfigEntry("message.timestamp.before.max.ms", "86400000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("segment.jitter.ms", null), AlterConfigOp.OpType.DELETE));
            get(admin.incrementalAlterConfigs(Map.of(r, ops)).all());
        }
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, brokerProps);
                Admin admin = admin(broker)) {
            Map<String, ConfigEntry> d = describe(admin, "t");
            assertThat(d.get("cleanup.policy").value()).isEqualTo("compact,delete");
            assertThat(d.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(d.get("message.timestamp.before.max.ms").value()).isEqualTo("86400000");
            assertThat(d.get("segment.jitter.ms").value()).isEqualTo("0");
            assertThat(d.get("segment.jitter.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            assertThat(d.get("errors.deadletterqueue.group.enable").value()).isEqualTo("true");
            assertThat(d.get("leader.replication.throttled.replicas").value()).isEqualTo("0:1");
            // Broker log.* keys set in the properties are the defaults, reported as static broker config.
            assertThat(d.get("retention.ms").value()).isEqualTo("86400000");
            assertThat(d.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(d.get("retention.ms").synonyms())
                    .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    "log.retention.hours", ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG),
                            org.assertj.core.groups.Tuple.tuple(
                                    "log.retention.hours", ConfigEntry.ConfigSource.DEFAULT_CONFIG));
            assertThat(d.get("min.cleanable.dirty.ratio").value()).isEqualTo("0.3");
            assertThat(d.get("min.cleanable.dirty.ratio").source())
                    .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        }
    }

    @Test
    void valuesSpoolCannotHonourAreRefusedWithInvalidConfig() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Admin admin = admin(broker)) {
            get(admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all());
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "t");
            Map<String, String> refused = Map.of(
                    "compression.type", "gzip",
                    "preallocate", "true",
                    "remote.storage.enable", "true");
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, String> e : refused.entrySet()) {
                names.add("c-" + e.getKey().replace('.', '-'));
                assertThatThrownBy(() ->
                                get(admin.createTopics(List.of(new NewTopic(names.get(names.size() - 1), 1, (short) 1)
                                                .configs(Map.of(e.getKey(), e.getValue()))))
                                        .all()))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining(e.getKey())
                        .hasMessageContaining("is not supported");
                assertThatThrownBy(() -> get(admin.incrementalAlterConfigs(Map.of(
                                        r,
                                        List.of(new AlterConfigOp(
                                                new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))))
                                .all()))
                        .cause()
                        .isInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining("is not supported");
            }
            assertThat(get(admin.listTopics().names())).doesNotContainAnyElementsOf(names);
            // Bad values are refused as Kafka refuses them, naming key and value.
            assertThatThrownBy(() -> get(admin.incrementalAlterConfigs(Map.of(
                                    r,
                                    List.of(new AlterConfigOp(
                                            new ConfigEntry("compression.lz4.level", "42"), AlterConfigOp.OpType.SET))))
                            .all()))
                    .cause()
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("compression.lz4.level");
            assertThat(describe(admin, "t").get("compression.type").value()).isEqualTo("producer");
        }
    }

    @Test
    void minInsyncReplicasAndTimestampBoundsAreHonoured() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Admin admin = admin(broker)) {
            get(admin.createTopics(List.of(
                            new NewTopic("isr", 1, (short) 1).configs(Map.of("min.insync.replicas", "2")),
                            new NewTopic("ts", 1, (short) 1)
                                    .configs(Map.of(
                                            "message.timestamp.after.max.ms", "60000",
                                            "message.timestamp.before.max.ms", "60000"))))
                    .all());
            try (KafkaProducer<String, String> all = producer(broker, "all");
                    KafkaProducer<String, String> one = producer(broker, "1")) {
                // One node is an ISR of one: acks=all cannot meet min.insync.replicas=2; acks=1 can.
                assertThatThrownBy(() ->
                                all.send(new ProducerRecord<>("isr", "k", "v")).get(30, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOf(NotEnoughReplicasException.class);
                assertThat(one.send(new ProducerRecord<>("isr", "k", "v"))
                                .get(30, TimeUnit.SECONDS)
                                .offset())
                        .isZero();

                long now = dev.spool.common.Time.SYSTEM.milliseconds();
                assertThat(one.send(new ProducerRecord<>("ts", 0, now, "k", "now"))
                                .get(30, TimeUnit.SECONDS)
                                .offset())
                        .isZero();
                for (long ts : new long[] {now + 3_600_000L, now - 3_600_000L}) {
                    assertThatThrownBy(() -> one.send(new ProducerRecord<>("ts", 0, ts, "k", "off"))
                                    .get(30, TimeUnit.SECONDS))
                            .cause()
                            .isInstanceOf(InvalidTimestampException.class);
                }
            }
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedSpool broker, String acks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.RETRIES_CONFIG, "0");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
