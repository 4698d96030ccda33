package dev.spool.coordinator;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.TransactionLogLayout.TxnValue;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;

/**
 * One transactional id on its {@link TransactionShard}: the persisted state (producer id and epoch,
 * timeout, {@link TransactionState}, partitions, timestamps) changed only by {@link
 * TransactionShard#replay}, plus derived and runtime fields: the producer id and epoch before the last
 * bump (KIP-360 retries), and while markers are written the partitions still waiting for theirs and
 * the retry timer. Lives on its shard's thread only; not thread-safe.
 */
final class TransactionMetadata {
    /** Kafka's rule: an epoch this high cannot be bumped any more; a new producer id is handed out. */
    static final short MAX_EPOCH = Short.MAX_VALUE - 1;

    static final short NO_EPOCH = -1;
    static final long NO_PRODUCER_ID = -1L;

    final String transactionalId;
    long producerId = NO_PRODUCER_ID;
    short producerEpoch = NO_EPOCH;
    /** The producer id and epoch before the last change (derived in replay; not persisted in v0 values). */
    long lastProducerId = NO_PRODUCER_ID;

    short lastProducerEpoch = NO_EPOCH;
    int timeoutMs;
    TransactionState state = TransactionState.EMPTY;
    final Set<TopicPartition> partitions = new TreeSet<>(TransactionLogLayout.PARTITION_ORDER);
    long startTimestampMs = -1L;
    long lastUpdateTimestampMs = -1L;

    // ---- runtime: markers in flight (PrepareCommit / PrepareAbort)
    final Set<TopicPartition> markersPending = new TreeSet<>(TransactionLogLayout.PARTITION_ORDER);
    ShardScheduler.Timer markerRetry;

    TransactionMetadata(String transactionalId) {
        this.transactionalId = transactionalId;
    }

    boolean epochExhausted() {
        return producerEpoch >= MAX_EPOCH;
    }

    /** Applies a persisted value (called from replay only). */
    void apply(TxnValue v) {
        if (v.producerId() != producerId) {
            lastProducerId = producerId;
            lastProducerEpoch = producerEpoch;
        } else if (v.producerEpoch() != producerEpoch) {
            lastProducerEpoch = producerEpoch;
        }
        producerId = v.producerId();
        producerEpoch = v.producerEpoch();
        timeoutMs = v.timeoutMs();
        state = v.state();
        partitions.clear();
        partitions.addAll(v.partitions());
        startTimestampMs = v.startTimestampMs();
        lastUpdateTimestampMs = v.lastUpdateTimestampMs();
    }

    /** This id's state as a value, for building the next record. */
    TxnValue toValue() {
        return new TxnValue(
                producerId,
                producerEpoch,
                timeoutMs,
                state,
                new ArrayList<>(partitions),
                lastUpdateTimestampMs,
                startTimestampMs);
    }

    void cancelMarkerRetry() {
        if (markerRetry != null) {
            markerRetry.cancel();
            markerRetry = null;
        }
    }
}
