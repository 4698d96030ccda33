package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.common.config.ConfigException;
import dev.spool.storage.LogCleaner;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void embeddedDefaultsAreKafkasAndTheReadmes() {
        ServerConfig c = ServerConfig.parse(Map.of());
        assertThat(c.listeners()).containsExactly(new ServerConfig.Listener("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(c.advertisedListeners()).isEqualTo(c.listeners());
        assertThat(c.logDirs())
                .containsExactly(Path.of("./data").toAbsolutePath().normalize());
        assertThat(c.nodeId()).isEqualTo(1);
        assertThat(c.numPartitions()).isEqualTo(1);
        assertThat(c.autoCreateTopics()).isTrue();
        assertThat(c.messageMaxBytes()).isEqualTo(1048588);
        assertThat(c.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(c.defaultLogConfig()).isEqualTo(LogConfig.defaults());
    }

    @Test
    void consumerGroupSettingsHaveKafkasDefaultsAndBoundsChecks() {
        dev.spool.coordinator.ConsumerGroupConfig d =
                ServerConfig.parse(Map.of()).consumerGroupConfig();
        assertThat(d).isEqualTo(dev.spool.coordinator.ConsumerGroupConfig.defaults());
        dev.spool.coordinator.ConsumerGroupConfig c = ServerConfig.parse(Map.of(
                        "group.consumer.session.timeout.ms", "2000",
                        "group.consumer.min.session.timeout.ms", "1000",
                        "group.consumer.heartbeat.interval.ms", "500",
                        "group.consumer.min.heartbeat.interval.ms", "100",
                        "group.consumer.max.size", "7",
                        "group.consumer.assignors", "range,org.apache.kafka.coordinator.group.assignor.UniformAssignor",
                        "group.coordinator.rebalance.protocols", "classic"))
                .consumerGroupConfig();
        assertThat(c)
                .isEqualTo(new dev.spool.coordinator.ConsumerGroupConfig(
                        2000, 500, 7, List.of("range", "uniform"), false));
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("group.consumer.session.timeout.ms", "2000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.consumer.session.timeout.ms");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("group.consumer.heartbeat.interval.ms", "20000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.consumer.heartbeat.interval.ms");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("group.consumer.assignors", "sticky")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sticky");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("group.coordinator.rebalance.protocols", "consumer")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void cleanerSettingsHaveKafkasDefaultsAndBadOnesNameTheirKey() {
        ServerConfig defaults = ServerConfig.parse(Map.of());
        assertThat(defaults.cleanerConfig()).isEqualTo(LogCleaner.Config.defaults());
        assertThat(defaults.cleanerState()).isEqualTo(LogManager.CleanerState.ENABLED);
        assertThat(defaults.cleanerBackoffMs()).isEqualTo(15_000L);

        ServerConfig c = ServerConfig.parse(Map.of(
                "log.cleaner.threads", "3",
                "log.cleaner.dedupe.buffer.size", "1000000",
                "log.cleaner.io.max.bytes.per.second", "5e6",
                "log.cleaner.enable", "false",
                "log.cleaner.backoff.ms", "50",
                "log.cleanup.policy", "compact",
                "log.cleaner.min.cleanable.ratio", "0.2",
                "log.cleaner.delete.retention.ms", "10",
                "log.roll.jitter.hours", "1",
                "min.insync.replicas", "2"));
        assertThat(c.cleanerConfig().threads()).isEqualTo(3);
        assertThat(c.cleanerConfig().dedupeBufferBytes()).isEqualTo(1_000_000L);
        assertThat(c.cleanerConfig().ioMaxBytesPerSecond()).isEqualTo(5e6);
        assertThat(c.cleanerState()).isEqualTo(LogManager.CleanerState.DISABLED);
        assertThat(c.cleanerBackoffMs()).isEqualTo(50);
        LogConfig topic = c.defaultLogConfig();
        assertThat(topic.compact()).isTrue();
        assertThat(topic.delete()).isFalse();
        assertThat(topic.minCleanableDirtyRatio()).isEqualTo(0.2);
        assertThat(topic.deleteRetentionMs()).isEqualTo(10);
        assertThat(topic.segmentJitterMs()).isEqualTo(3_600_000L);
        assertThat(topic.minInsyncReplicas()).isEqualTo(2);

        assertThatThrownBy(() -> ServerConfig.parse(Map.of("log.cleaner.threads", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.cleaner.threads");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("log.cleaner.io.buffer.load.factor", "1.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.cleaner.io.buffer.load.factor");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("log.cleaner.dedupe.buffer.size", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.cleaner.dedupe.buffer.size");
    }

    @Test
    void retentionAndRollFollowKafkasPrecedence() {
        LogConfig hours = ServerConfig.parse(Map.of("log.retention.hours", "2", "log.roll.hours", "3"))
                .defaultLogConfig();
        assertThat(hours.retentionMs()).isEqualTo(2 * 3_600_000L);
        assertThat(hours.segmentMs()).isEqualTo(3 * 3_600_000L);
        LogConfig minutes = ServerConfig.parse(Map.of("log.retention.hours", "2", "log.retention.minutes", "5"))
                .defaultLogConfig();
        assertThat(minutes.retentionMs()).isEqualTo(5 * 60_000L);
        LogConfig ms = ServerConfig.parse(Map.of(
                        "log.retention.minutes",
                        "5",
                        "log.retention.ms",
                        "1234",
                        "log.roll.hours",
                        "3",
                        "log.roll.ms",
                        "777"))
                .defaultLogConfig();
        assertThat(ms.retentionMs()).isEqualTo(1234);
        assertThat(ms.segmentMs()).isEqualTo(777);
        assertThat(ServerConfig.parse(Map.of("log.retention.hours", "-1"))
                        .defaultLogConfig()
                        .retentionMs())
                .isEqualTo(-1);
    }

    @Test
    void brokerLogKeysBecomeTopicDefaults() {
        LogConfig c = ServerConfig.parse(Map.of(
                        "log.segment.bytes", "1048576",
                        "log.flush.interval.messages", "1",
                        "message.max.bytes", "2048",
                        "log.message.timestamp.type", "LogAppendTime",
                        "log.index.interval.bytes", "100"))
                .defaultLogConfig();
        assertThat(c.segmentBytes()).isEqualTo(1048576);
        assertThat(c.flushMessages()).isEqualTo(1);
        assertThat(c.maxMessageBytes()).isEqualTo(2048);
        assertThat(c.timestampType()).isEqualTo(LogConfig.TimestampType.LOG_APPEND_TIME);
        assertThat(c.indexIntervalBytes()).isEqualTo(100);
    }

    @Test
    void listenersAndDirsParse() {
        ServerConfig c = ServerConfig.parse(Map.of(
                "listeners", "PLAINTEXT://0.0.0.0:0",
                "advertised.listeners", "PLAINTEXT://broker.example:19092",
                "log.dirs", "/tmp/a,/tmp/b"));
        assertThat(c.listeners()).containsExactly(new ServerConfig.Listener("PLAINTEXT", "0.0.0.0", 0));
        assertThat(c.advertisedListeners())
                .containsExactly(new ServerConfig.Listener("PLAINTEXT", "broker.example", 19092));
        assertThat(c.logDirs()).isEqualTo(List.of(Path.of("/tmp/a"), Path.of("/tmp/b")));
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("num.partitions", "zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("num.partitions")
                .hasMessageContaining("zero");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("listeners", "127.0.0.1:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners")
                .hasMessageContaining("127.0.0.1:9092");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("listeners", "PLAINTEXT://host:99999")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("99999");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("log.segment.bytes", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.segment.bytes");
        assertThatThrownBy(() -> ServerConfig.parse(Map.of("log.message.timestamp.type", "Whenever")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Whenever");
    }

    @Test
    void unknownKeysAreKeptForTheWarningNotRejected() {
        ServerConfig c = ServerConfig.parse(Map.of("no.such.key", "1", "num.partitions", "4"));
        assertThat(c.numPartitions()).isEqualTo(4);
        assertThat(c.originals()).containsEntry("no.such.key", "1");
    }
}
