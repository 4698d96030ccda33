package dev.spool.coordinator;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.TransactionLogLayout.TxnValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction state machine on one {@link TransactionShard}, with Kafka's (transaction version 1)
 * rules: InitProducerId (epoch bump, fencing and abort of an ongoing transaction, KIP-360 recovery,
 * producer id rotation at epoch exhaustion), AddPartitionsToTxn / AddOffsetsToTxn, their KIP-890
 * verification, EndTxn, the markers (written through {@link TxnMarkerWriter} to every partition, then
 * CompleteCommit/CompleteAbort; failures retried after a backoff, a restart in Prepare* re-sends),
 * the abort of timed-out transactions and the expiry of idle transactional ids. Every change is a
 * record written through {@link TransactionShard#write}. Runs on the shard's thread only; not
 * thread-safe.
 */
final class TransactionOperations {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionOperations.class);

    /** Single node: the epoch of the {@code __transaction_state} partition's leader. */
    static final int COORDINATOR_EPOCH = 0;

    /** InitProducerId's answer. */
    record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult error(Errors e) {
            return new InitResult(e, TransactionMetadata.NO_PRODUCER_ID, TransactionMetadata.NO_EPOCH);
        }
    }

    private final TransactionShard shard;
    private final ProducerIdSource producerIds;
    private final TxnMarkerWriter markers;
    private ShardScheduler.Timer abortTimer;
    private ShardScheduler.Timer expiryTimer;

    TransactionOperations(TransactionShard shard, ProducerIdSource producerIds, TxnMarkerWriter markers) {
        this.shard = shard;
        this.producerIds = producerIds;
        this.markers = markers;
    }

    /** After the shard loaded: re-sends the markers of transactions left in Prepare*, starts the timers. */
    void onLoaded() {
        for (TransactionMetadata m : new ArrayList<>(shard.transactions.values())) {
            if (m.state.isPreparing()) {
                m.markersPending.addAll(m.partitions);
                sendMarkers(m);
            }
        }
        abortTimer = shard.scheduler.schedule(this::abortTimedOutPeriodically, shard.config.abortTimedOutIntervalMs());
        expiryTimer = shard.scheduler.schedule(this::expirePeriodically, shard.config.removeExpiredIntervalMs());
    }

    void stopTimers() {
        if (abortTimer != null) {
            abortTimer.cancel();
        }
        if (expiryTimer != null) {
            expiryTimer.cancel();
        }
    }

    // ---- InitProducerId

    InitResult initProducerId(String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch) {
        boolean expected = expectedProducerId != TransactionMetadata.NO_PRODUCER_ID;
        long now = shard.time.milliseconds();
        TransactionMetadata m = shard.transactions.get(transactionalId);
        if (m == null) {
            long pid;
            try {
                pid = producerIds.generate();
            } catch (IOException e) {
                LOG.warn("cannot hand out a producer id: {}", e.getMessage());
                return InitResult.error(Errors.COORDINATOR_LOAD_IN_PROGRESS);
            }
            return writeEmpty(transactionalId, pid, (short) 0, timeoutMs, now);
        }
        if (!m.markersPending.isEmpty() || m.state.isPreparing()) {
            return InitResult.error(Errors.CONCURRENT_TRANSACTIONS);
        }
        if (expected && !isValidProducerId(m, expectedProducerId, expectedEpoch)) {
            return InitResult.error(Errors.PRODUCER_FENCED);
        }
        switch (m.state) {
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                if (m.epochExhausted() && (!expected || expectedEpoch == m.producerEpoch)) {
                    long pid;
                    try {
                        pid = producerIds.generate();
                    } catch (IOException e) {
                        LOG.warn("cannot hand out a producer id: {}", e.getMessage());
                        return InitResult.error(Errors.COORDINATOR_LOAD_IN_PROGRESS);
                    }
                    return writeEmpty(transactionalId, pid, (short) 0, timeoutMs, now);
                }
                short epoch;
                if (!expected || m.producerEpoch == TransactionMetadata.NO_EPOCH || expectedEpoch == m.producerEpoch) {
                    epoch = (short) (m.producerEpoch + 1);
                } else if (expectedEpoch == m.lastProducerEpoch) {
                    epoch = m.producerEpoch; // a retry whose answer was lost: the bump already happened
                } else {
                    return InitResult.error(Errors.PRODUCER_FENCED);
                }
                return writeEmpty(transactionalId, m.producerId, epoch, timeoutMs, now);
            }
            case ONGOING -> {
                // Fence the current producer and abort its transaction; the client retries and then gets
                // a second bump (or a new producer id if the fence exhausted the epochs), as in Kafka.
                Errors e = fenceAndAbort(m, "InitProducerId for a transactional id with an ongoing transaction");
                return InitResult.error(e == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : e);
            }
            default -> {
                return InitResult.error(Errors.CONCURRENT_TRANSACTIONS);
            }
        }
    }

    /** Kafka's isValidProducerId for a request that names the producer's id and epoch (KIP-360). */
    private static boolean isValidProducerId(TransactionMetadata m, long producerId, short epoch) {
        return m.producerEpoch == TransactionMetadata.NO_EPOCH
                || producerId == m.producerId
                || (producerId == m.lastProducerId && epoch >= TransactionMetadata.MAX_EPOCH);
    }

    private InitResult writeEmpty(String transactionalId, long pid, short epoch, int timeoutMs, long now) {
        TxnValue v = new TxnValue(pid, epoch, timeoutMs, TransactionState.EMPTY, List.of(), now, -1L);
        if (!shard.write(transactionalId, v)) {
            return InitResult.error(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        return new InitResult(Errors.NONE, pid, epoch);
    }

    // ---- AddPartitionsToTxn / AddOffsetsToTxn

    /** Adds partitions to the producer's transaction (starting one if none is ongoing). */
    Errors addPartitions(String transactionalId, long producerId, short epoch, List<TopicPartition> partitions) {
        TransactionMetadata m = shard.transactions.get(transactionalId);
        Errors e = checkProducer(m, producerId, epoch);
        if (e != Errors.NONE) {
            return e;
        }
        if (!m.markersPending.isEmpty() || m.state.isPreparing()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        if (m.state != TransactionState.ONGOING && !m.state.isIdle()) {
            return Errors.INVALID_TXN_STATE;
        }
        if (m.state == TransactionState.ONGOING && m.partitions.containsAll(partitions)) {
            return Errors.NONE;
        }
        long now = shard.time.milliseconds();
        List<TopicPartition> all = new ArrayList<>();
        long start = now;
        if (m.state == TransactionState.ONGOING) {
            all.addAll(m.partitions);
            start = m.startTimestampMs;
        }
        all.addAll(partitions);
        TxnValue v = new TxnValue(
                m.producerId,
                m.producerEpoch,
                m.timeoutMs,
                TransactionState.ONGOING,
                all.stream().distinct().toList(),
                now,
                start);
        return shard.write(transactionalId, v) ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
    }

    /**
     * KIP-890 part 1 ({@code verify_only}): whether each partition is in the producer's ongoing
     * transaction (NONE) or not (TRANSACTION_ABORTABLE, as Kafka's coordinator answers; the broker that
     * asked maps it to INVALID_TXN_STATE for producers older than produce v11); a producer error applies to all.
     */
    Map<TopicPartition, Errors> verifyPartitions(
            String transactionalId, long producerId, short epoch, List<TopicPartition> partitions) {
        TransactionMetadata m = shard.transactions.get(transactionalId);
        Errors e = checkProducer(m, producerId, epoch);
        if (e == Errors.NONE && (!m.markersPending.isEmpty() || m.state.isPreparing())) {
            e = Errors.CONCURRENT_TRANSACTIONS;
        }
        Map<TopicPartition, Errors> out = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            if (e != Errors.NONE) {
                out.put(tp, e);
            } else {
                out.put(
                        tp,
                        m.state == TransactionState.ONGOING && m.partitions.contains(tp)
                                ? Errors.NONE
                                : Errors.TRANSACTION_ABORTABLE);
            }
        }
        return out;
    }

    private static Errors checkProducer(TransactionMetadata m, long producerId, short epoch) {
        if (m == null || m.producerId != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (m.producerEpoch != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    // ---- EndTxn

    /** EndTxn from the client: PrepareCommit/PrepareAbort is written, then the markers are sent. */
    Errors endTransaction(String transactionalId, long producerId, short epoch, TransactionResult result) {
        TransactionMetadata m = shard.transactions.get(transactionalId);
        if (m == null || m.producerId != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != m.producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        boolean commit = result == TransactionResult.COMMIT;
        switch (m.state) {
            case ONGOING -> {
                return prepare(m, m.producerEpoch, result, "EndTxn from the producer");
            }
            case COMPLETE_COMMIT -> {
                return commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
            }
            case COMPLETE_ABORT -> {
                return commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
            }
            case PREPARE_COMMIT -> {
                return commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
            }
            case PREPARE_ABORT -> {
                return commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
            }
            default -> {
                return Errors.INVALID_TXN_STATE;
            }
        }
    }

    /** Bumps the epoch (fencing the producer) and aborts its ongoing transaction. */
    private Errors fenceAndAbort(TransactionMetadata m, String reason) {
        short bumped = m.producerEpoch < Short.MAX_VALUE ? (short) (m.producerEpoch + 1) : m.producerEpoch;
        return prepare(m, bumped, TransactionResult.ABORT, reason);
    }

    private Errors prepare(TransactionMetadata m, short epoch, TransactionResult result, String reason) {
        TransactionState target =
                result == TransactionResult.COMMIT ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
        TxnValue v = new TxnValue(
                m.producerId,
                epoch,
                m.timeoutMs,
                target,
                new ArrayList<>(m.partitions),
                shard.time.milliseconds(),
                m.startTimestampMs);
        if (!shard.write(m.transactionalId, v)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        LOG.debug("transactional id {}: {} ({})", m.transactionalId, target.kafkaName(), reason);
        m.markersPending.clear();
        m.markersPending.addAll(m.partitions);
        // The markers go out after the caller's answer is computed; the next task on this thread.
        shard.scheduler.execute(() -> sendMarkers(m));
        return Errors.NONE;
    }

    // ---- markers

    /** Writes the pending markers; when all are written, CompleteCommit/CompleteAbort. Retries failures. */
    void sendMarkers(TransactionMetadata m) {
        m.markerRetry = null;
        if (shard.transactions.get(m.transactionalId) != m || !m.state.isPreparing()) {
            return;
        }
        TransactionResult result =
                m.state == TransactionState.PREPARE_COMMIT ? TransactionResult.COMMIT : TransactionResult.ABORT;
        for (TopicPartition tp : new ArrayList<>(m.markersPending)) {
            Errors e;
            try {
                e = markers.write(tp, m.producerId, m.producerEpoch, COORDINATOR_EPOCH, result);
            } catch (RuntimeException ex) {
                LOG.warn("marker for {} on {} failed", m.transactionalId, tp, ex);
                e = Errors.UNKNOWN_SERVER_ERROR;
            }
            if (e == Errors.NONE || e == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                m.markersPending.remove(tp);
            } else if (e == Errors.INVALID_PRODUCER_EPOCH || e == Errors.TRANSACTION_COORDINATOR_FENCED) {
                // The partition knows a newer epoch or coordinator: this marker can never be written
                // (Kafka's coordinator stops sending it too).
                LOG.warn("marker for {} on {} refused for good: {}", m.transactionalId, tp, e);
                m.markersPending.remove(tp);
            } else {
                LOG.debug("marker for {} on {}: {}; retrying", m.transactionalId, tp, e);
            }
        }
        if (m.markersPending.isEmpty()) {
            TransactionState done = result == TransactionResult.COMMIT
                    ? TransactionState.COMPLETE_COMMIT
                    : TransactionState.COMPLETE_ABORT;
            TxnValue v = new TxnValue(
                    m.producerId,
                    m.producerEpoch,
                    m.timeoutMs,
                    done,
                    List.of(),
                    shard.time.milliseconds(),
                    m.startTimestampMs);
            if (shard.write(m.transactionalId, v)) {
                return;
            }
        }
        m.markerRetry = shard.scheduler.schedule(() -> sendMarkers(m), shard.config.markerRetryBackoffMs());
    }

    // ---- timers

    private void abortTimedOutPeriodically() {
        abortTimedOut();
        abortTimer = shard.scheduler.schedule(this::abortTimedOutPeriodically, shard.config.abortTimedOutIntervalMs());
    }

    /** Fences and aborts every ongoing transaction older than its timeout; returns how many. */
    int abortTimedOut() {
        long now = shard.time.milliseconds();
        int n = 0;
        for (TransactionMetadata m : new ArrayList<>(shard.transactions.values())) {
            if (m.state == TransactionState.ONGOING
                    && m.markersPending.isEmpty()
                    && m.startTimestampMs + m.timeoutMs < now) {
                if (fenceAndAbort(m, "transaction.timeout.ms of " + m.timeoutMs + " ms passed") == Errors.NONE) {
                    n++;
                }
            }
        }
        return n;
    }

    private void expirePeriodically() {
        expireTransactionalIds();
        expiryTimer = shard.scheduler.schedule(this::expirePeriodically, shard.config.removeExpiredIntervalMs());
    }

    /** Tombstones idle transactional ids not used for {@code transactional.id.expiration.ms}. */
    int expireTransactionalIds() {
        long now = shard.time.milliseconds();
        int n = 0;
        for (TransactionMetadata m : new ArrayList<>(shard.transactions.values())) {
            if (m.state.isIdle()
                    && m.markersPending.isEmpty()
                    && m.lastUpdateTimestampMs + shard.config.transactionalIdExpirationMs() <= now) {
                if (shard.write(m.transactionalId, null)) {
                    n++;
                }
            }
        }
        return n;
    }
}
