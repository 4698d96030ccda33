package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {
    @Test
    void defaultsAreKafkas() {
        LogConfig c = LogConfig.defaults();
        assertThat(c.segmentBytes()).isEqualTo(1 << 30);
        assertThat(c.segmentMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(c.segmentIndexBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(c.indexIntervalBytes()).isEqualTo(4096);
        assertThat(c.maxMessageBytes()).isEqualTo(1048588);
        assertThat(c.timestampType()).isEqualTo(LogConfig.TimestampType.CREATE_TIME);
        assertThat(c.retentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(c.retentionBytes()).isEqualTo(-1);
        assertThat(c.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.fileDeleteDelayMs()).isEqualTo(60_000);
        assertThat(c.delete()).isTrue();
        assertThat(c.compact()).isFalse();
        assertThat(c.deleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(c.minCompactionLagMs()).isZero();
        assertThat(c.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.minCleanableDirtyRatio()).isEqualTo(0.5);
    }

    @Test
    void cleanupPolicyIsAListOfCompactAndDelete() {
        LogConfig compact = LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        assertThat(compact.compact()).isTrue();
        assertThat(compact.delete()).isFalse();
        LogConfig both = LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, "compact, delete"));
        assertThat(both.compact()).isTrue();
        assertThat(both.delete()).isTrue();
        LogConfig none = LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, ""));
        assertThat(none.compact()).isFalse();
        assertThat(none.delete()).isFalse(); // Kafka 4.x: infinite retention
        for (String bad : new String[] {"compacted", "compact,", "delete,shred"}) {
            assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.CLEANUP_POLICY, bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(LogConfig.CLEANUP_POLICY);
        }
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "1.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.MIN_CLEANABLE_DIRTY_RATIO);
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.DELETE_RETENTION_MS, "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.DELETE_RETENTION_MS);
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.MAX_COMPACTION_LAG_MS, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.MAX_COMPACTION_LAG_MS);
    }

    @Test
    void overridesAreParsed() {
        LogConfig c = LogConfig.from(Map.of(
                LogConfig.SEGMENT_BYTES, "2048",
                LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime",
                LogConfig.RETENTION_MS, "-1",
                LogConfig.FLUSH_MESSAGES, 1));
        assertThat(c.segmentBytes()).isEqualTo(2048);
        assertThat(c.timestampType()).isEqualTo(LogConfig.TimestampType.LOG_APPEND_TIME);
        assertThat(c.retentionMs()).isEqualTo(-1);
        assertThat(c.flushMessages()).isEqualTo(1);
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, "13")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.SEGMENT_BYTES)
                .hasMessageContaining("13");
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.MESSAGE_TIMESTAMP_TYPE, "WallClock")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.MESSAGE_TIMESTAMP_TYPE)
                .hasMessageContaining("WallClock");
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.RETENTION_BYTES, "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.RETENTION_BYTES);
        assertThatThrownBy(() -> LogConfig.from(Map.of(LogConfig.FLUSH_MESSAGES, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.FLUSH_MESSAGES);
    }
}
