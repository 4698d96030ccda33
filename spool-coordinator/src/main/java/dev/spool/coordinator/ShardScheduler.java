package dev.spool.coordinator;

/**
 * Port: where a shard's work runs. Every task and timer of a shard runs on one thread, in order, so a
 * shard's state needs no locks. Production uses a single-thread scheduled executor per lane
 * ({@link ExecutorShardScheduler}); tests run tasks inline and fire timers from a mock clock.
 */
public interface ShardScheduler {

    /** A scheduled timer that can be cancelled. */
    interface Timer {
        void cancel();
    }

    /** Runs {@code task} on the shard's thread. */
    void execute(Runnable task);

    /** Runs {@code task} on the shard's thread after {@code delayMs}. */
    Timer schedule(Runnable task, long delayMs);
}
