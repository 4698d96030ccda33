package dev.spool.coordinator;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ShardScheduler} over a single-thread scheduled executor shared by the shards of one lane.
 * Thread-safe; the executor's lifecycle belongs to {@link CoordinatorShards}.
 */
final class ExecutorShardScheduler implements ShardScheduler {
    private final ScheduledExecutorService executor;

    ExecutorShardScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public Timer schedule(Runnable task, long delayMs) {
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }
}
