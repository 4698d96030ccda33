package dev.spool.coordinator;

import dev.spool.common.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every coordinator shard has: its partition of the coordinator's topic, the {@link CoordinatorLog}
 * it replays and appends to, the {@link ShardScheduler} all its work runs on, the clock, and its
 * lifecycle {@link Status}, changed only through {@link #transition}.
 * Subclasses ({@link GroupShard}, {@link TransactionShard}) hold the state replayed from the partition.
 *
 * <p>Lifecycle: {@link Status#NOT_LOADED} → {@link Status#LOADING} (activated by {@link
 * CoordinatorShards}, then while the load replays the partition) → {@link Status#ACTIVE} or {@link
 * Status#FAILED}. Thread-safety: the status is volatile and may be read from any thread; everything
 * else runs on the shard's thread.
 */
abstract class CoordinatorShard {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorShard.class);

    /** The shard's lifecycle. */
    enum Status {
        NOT_LOADED,
        LOADING,
        ACTIVE,
        FAILED
    }

    /** The coordinator's topic ({@code __consumer_offsets}, {@code __transaction_state}), for logs. */
    final String topic;

    final int partition;
    final CoordinatorLog log;
    final ShardScheduler scheduler;
    final Time time;
    private volatile Status status = Status.NOT_LOADED;

    CoordinatorShard(String topic, int partition, CoordinatorLog log, ShardScheduler scheduler, Time time) {
        this.topic = topic;
        this.partition = partition;
        this.log = log;
        this.scheduler = scheduler;
        this.time = time;
    }

    final Status status() {
        return status;
    }

    /** The coordinator activated the shard: its load is queued on the shard's thread. */
    final void markLoading() {
        transition(Status.LOADING, "load queued");
    }

    /** The one place the status changes; logs the move and its reason. */
    final void transition(Status to, String reason) {
        Status from = status;
        status = to;
        if (from != to) {
            LOG.debug("{}-{}: {} -> {} ({})", topic, partition, from, to, reason);
        }
    }
}
