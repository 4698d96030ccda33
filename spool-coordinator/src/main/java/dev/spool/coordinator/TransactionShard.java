package dev.spool.coordinator;

import dev.spool.common.Time;
import dev.spool.coordinator.TransactionLogLayout.TxnValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional ids of one {@code __transaction_state} partition, as an event-sourced shard: a
 * command computes a record (the id's whole next state, Kafka's layout {@link TransactionLogLayout});
 * {@link #write} appends it and only then applies it through {@link #replay}, the one place persisted
 * transaction state changes. Loading ({@link #load}) is the replay of the whole partition.
 *
 * <p>Lifecycle: {@link CoordinatorShard.Status} (NOT_LOADED → LOADING → ACTIVE or FAILED).
 * Thread-safety: every method runs on the shard's thread ({@link ShardScheduler}); only
 * {@link #status()} may be read from other threads.
 */
final class TransactionShard extends CoordinatorShard {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionShard.class);

    static final String TOPIC = "__transaction_state";

    final TransactionCoordinatorConfig config;
    final Map<String, TransactionMetadata> transactions = new HashMap<>();

    TransactionShard(
            int partition,
            CoordinatorLog log,
            ShardScheduler scheduler,
            Time time,
            TransactionCoordinatorConfig config) {
        super(TOPIC, partition, log, scheduler, time);
        this.config = config;
    }

    /** Replays the whole partition; true if the shard is now active. */
    boolean load() {
        transition(Status.LOADING, "replaying the partition");
        int[] count = {0};
        try {
            log.readAll(partition, r -> {
                count[0]++;
                try {
                    replay(r);
                } catch (IllegalArgumentException e) {
                    LOG.warn("__transaction_state-{}: skipping an unreadable record: {}", partition, e.getMessage());
                }
            });
        } catch (CoordinatorLog.CoordinatorLogException e) {
            LOG.error("__transaction_state-{}: load failed", partition, e);
            transition(Status.FAILED, "load failed: " + e.getMessage());
            return false;
        }
        transition(Status.ACTIVE, "loaded");
        LOG.debug(
                "__transaction_state-{}: loaded {} record(s), {} transactional id(s)",
                partition,
                count[0],
                transactions.size());
        return true;
    }

    /** Stops the shard's runtime work (markers waiting for a retry). */
    void unload() {
        transactions.values().forEach(TransactionMetadata::cancelMarkerRetry);
    }

    /** Appends the id's next state, then applies it. False (nothing applied) if the append failed. */
    boolean write(String transactionalId, TxnValue value) {
        CoordinatorRecord r = new CoordinatorRecord(
                TransactionLogLayout.key(transactionalId), value == null ? null : TransactionLogLayout.value(value));
        try {
            log.append(partition, List.of(r), time.milliseconds());
        } catch (CoordinatorLog.CoordinatorLogException e) {
            LOG.warn("__transaction_state-{}: append failed: {}", partition, e.getMessage());
            return false;
        }
        replay(r);
        return true;
    }

    /** Applies one record: the only place persisted transaction state changes. */
    void replay(CoordinatorRecord record) {
        String id = TransactionLogLayout.decodeKey(record.key());
        if (record.value() == null) {
            TransactionMetadata gone = transactions.remove(id);
            if (gone != null) {
                gone.cancelMarkerRetry();
                gone.state = TransactionState.DEAD;
            }
            return;
        }
        TxnValue v = TransactionLogLayout.decodeValue(record.value());
        TransactionMetadata m = transactions.computeIfAbsent(id, TransactionMetadata::new);
        TransactionState before = m.state;
        m.apply(v);
        if (before != m.state) {
            LOG.debug("transactional id {}: {} -> {}", id, before.kafkaName(), m.state.kafkaName());
        }
    }
}
