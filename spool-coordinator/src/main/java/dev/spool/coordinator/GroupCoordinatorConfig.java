package dev.spool.coordinator;

/**
 * The group coordinator's settings, named after Kafka's broker keys (defaults in brackets):
 * {@code offsets.topic.num.partitions} [50], {@code group.min.session.timeout.ms} [6000],
 * {@code group.max.session.timeout.ms} [1800000], {@code group.initial.rebalance.delay.ms} [3000],
 * {@code group.max.size} [Integer.MAX_VALUE], {@code offsets.retention.minutes} [10080, as ms here],
 * {@code offsets.retention.check.interval.ms} [600000], {@code offset.metadata.max.bytes} [4096],
 * {@code group.coordinator.threads} [4].
 */
public record GroupCoordinatorConfig(
        int offsetsTopicPartitions,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int initialRebalanceDelayMs,
        int groupMaxSize,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetMetadataMaxBytes,
        int threads) {

    public static final int DEFAULT_OFFSETS_TOPIC_PARTITIONS = 50;
    public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
    public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;
    public static final int DEFAULT_INITIAL_REBALANCE_DELAY_MS = 3_000;
    public static final int DEFAULT_GROUP_MAX_SIZE = Integer.MAX_VALUE;
    public static final long DEFAULT_OFFSETS_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS = 600_000L;
    public static final int DEFAULT_OFFSET_METADATA_MAX_BYTES = 4096;
    public static final int DEFAULT_THREADS = 4;

    public GroupCoordinatorConfig {
        if (offsetsTopicPartitions < 1 || threads < 1 || groupMaxSize < 1) {
            throw new IllegalArgumentException("partitions, threads and group.max.size must be positive");
        }
    }

    public static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(
                DEFAULT_OFFSETS_TOPIC_PARTITIONS,
                DEFAULT_MIN_SESSION_TIMEOUT_MS,
                DEFAULT_MAX_SESSION_TIMEOUT_MS,
                DEFAULT_INITIAL_REBALANCE_DELAY_MS,
                DEFAULT_GROUP_MAX_SIZE,
                DEFAULT_OFFSETS_RETENTION_MS,
                DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS,
                DEFAULT_OFFSET_METADATA_MAX_BYTES,
                DEFAULT_THREADS);
    }

    /** Kafka's group → partition mapping: {@code Utils.abs(groupId.hashCode()) % partitions}. */
    public int partitionFor(String groupId) {
        return partitionFor(groupId, offsetsTopicPartitions);
    }

    /** With Kafka's {@code Utils.abs}: {@code Integer.MIN_VALUE} maps to 0, anything else to {@code Math.abs}. */
    public static int partitionFor(String groupId, int partitions) {
        int h = groupId.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % partitions;
    }
}
