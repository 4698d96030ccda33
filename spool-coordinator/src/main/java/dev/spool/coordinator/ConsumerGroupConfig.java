package dev.spool.coordinator;

import java.util.List;

/**
 * The KIP-848 consumer-group settings, named after Kafka's broker keys (defaults in brackets):
 * {@code group.consumer.session.timeout.ms} [45000], {@code group.consumer.heartbeat.interval.ms}
 * [5000], {@code group.consumer.max.size} [Integer.MAX_VALUE], {@code group.consumer.assignors}
 * [uniform,range; the first is the default], and whether {@code group.coordinator.rebalance.protocols}
 * enables {@code consumer} [yes]. The min/max bounds of the two timeouts are checked by the server's
 * configuration when it builds this record. Immutable.
 */
public record ConsumerGroupConfig(
        int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors, boolean enabled) {

    public static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
    public static final List<String> DEFAULT_ASSIGNORS = List.of("uniform", "range");

    public ConsumerGroupConfig {
        if (sessionTimeoutMs < 1 || heartbeatIntervalMs < 1 || maxSize < 1 || assignors.isEmpty()) {
            throw new IllegalArgumentException(
                    "consumer group timeouts and size must be positive and at least one assignor given");
        }
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException(
                    "group.consumer.heartbeat.interval.ms must be below " + "group.consumer.session.timeout.ms");
        }
        assignors = List.copyOf(assignors);
    }

    public static ConsumerGroupConfig defaults() {
        return new ConsumerGroupConfig(
                DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_HEARTBEAT_INTERVAL_MS, Integer.MAX_VALUE, DEFAULT_ASSIGNORS, true);
    }
}
