package dev.spool.coordinator;

/**
 * The transaction coordinator's settings, named after Kafka's broker keys (defaults in brackets):
 * {@code transaction.state.log.num.partitions} [50], {@code transaction.max.timeout.ms} [900000],
 * {@code transactional.id.expiration.ms} [604800000],
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} [10000],
 * {@code transaction.remove.expired.transaction.cleanup.interval.ms} [3600000]; {@code
 * markerRetryBackoffMs} is how long a failed marker write waits before it is retried (Kafka's
 * marker channel retries at its request backoff, 100 ms).
 */
public record TransactionCoordinatorConfig(
        int stateTopicPartitions,
        int maxTimeoutMs,
        long transactionalIdExpirationMs,
        long abortTimedOutIntervalMs,
        long removeExpiredIntervalMs,
        long markerRetryBackoffMs) {

    public static final int DEFAULT_STATE_TOPIC_PARTITIONS = 50;
    public static final int DEFAULT_MAX_TIMEOUT_MS = 900_000;
    public static final long DEFAULT_TRANSACTIONAL_ID_EXPIRATION_MS = 604_800_000L;
    public static final long DEFAULT_ABORT_TIMED_OUT_INTERVAL_MS = 10_000L;
    public static final long DEFAULT_REMOVE_EXPIRED_INTERVAL_MS = 3_600_000L;
    public static final long DEFAULT_MARKER_RETRY_BACKOFF_MS = 100L;

    public TransactionCoordinatorConfig {
        if (stateTopicPartitions < 1 || maxTimeoutMs < 1 || transactionalIdExpirationMs < 1) {
            throw new IllegalArgumentException("partitions, max timeout and id expiration must be positive");
        }
        if (abortTimedOutIntervalMs < 1 || removeExpiredIntervalMs < 1 || markerRetryBackoffMs < 0) {
            throw new IllegalArgumentException("check intervals must be positive");
        }
    }

    public static TransactionCoordinatorConfig defaults() {
        return new TransactionCoordinatorConfig(
                DEFAULT_STATE_TOPIC_PARTITIONS,
                DEFAULT_MAX_TIMEOUT_MS,
                DEFAULT_TRANSACTIONAL_ID_EXPIRATION_MS,
                DEFAULT_ABORT_TIMED_OUT_INTERVAL_MS,
                DEFAULT_REMOVE_EXPIRED_INTERVAL_MS,
                DEFAULT_MARKER_RETRY_BACKOFF_MS);
    }

    /** Kafka's transactional id → partition mapping (the same as for groups). */
    public int partitionFor(String transactionalId) {
        return GroupCoordinatorConfig.partitionFor(transactionalId, stateTopicPartitions);
    }
}
