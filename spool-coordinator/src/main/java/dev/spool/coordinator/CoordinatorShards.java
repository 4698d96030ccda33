package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard skeleton a coordinator is built on (one {@link CoordinatorShard} per partition of its topic,
 * composed into {@link GroupCoordinator} and {@link TransactionCoordinator}): activation (create the topic
 * on first need, queue every shard's load on its thread), the answer to FindCoordinator, routing a
 * request to its shard's thread, running a task on every shard, and shutdown of the lanes.
 *
 * <p>Routing answers as Kafka's coordinators do: COORDINATOR_NOT_AVAILABLE if the topic cannot be created,
 * the shard failed to load, went away before the request ran, or threw; COORDINATOR_LOAD_IN_PROGRESS
 * while it loads; UNKNOWN_SERVER_ERROR if the command fails. A lane that refuses work (closing) completes
 * the future exceptionally.
 *
 * <p>Lifecycle: {@link #startup} or the first {@link #ensureActive} activates (once); {@link #close}
 * unloads every shard on its thread and stops the lanes. Thread-safe: activation is synchronized, the
 * flag is volatile; shard work runs on the shards' schedulers.
 */
final class CoordinatorShards<S extends CoordinatorShard> {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorShards.class);

    private static final long LANE_TERMINATION_WAIT_MS = 5_000;

    /** What the coordinator runs on a shard's thread when it activates and when it closes. */
    record Tasks(IntConsumer load, IntConsumer unload) {}

    private final String topic;
    private final CoordinatorLog log;
    private final List<S> shards;
    private final List<ScheduledThreadPoolExecutor> lanes;
    private final Tasks tasks;
    private volatile boolean active;

    /**
     * @param shards one per partition, in partition order
     * @param lanes the executors behind the shards' schedulers, shut down by {@link #close} (none in tests)
     */
    CoordinatorShards(
            String topic, CoordinatorLog log, List<S> shards, List<ScheduledThreadPoolExecutor> lanes, Tasks tasks) {
        this.topic = topic;
        this.log = log;
        this.shards = List.copyOf(shards);
        this.lanes = List.copyOf(lanes);
        this.tasks = tasks;
    }

    /** {@code count} single-thread lanes (daemon threads named by {@code threadName}) for production. */
    static List<ScheduledThreadPoolExecutor> newLanes(int count, IntFunction<String> threadName) {
        List<ScheduledThreadPoolExecutor> lanes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = threadName.apply(i);
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            e.setRemoveOnCancelPolicy(true);
            e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            lanes.add(e);
        }
        return lanes;
    }

    /** Partition {@code p}'s scheduler: lane {@code p % lanes}. */
    static IntFunction<ShardScheduler> schedulersOn(List<ScheduledThreadPoolExecutor> lanes) {
        return p -> new ExecutorShardScheduler(lanes.get(p % lanes.size()));
    }

    int size() {
        return shards.size();
    }

    S shard(int partition) {
        return shards.get(partition);
    }

    boolean isActive() {
        return active;
    }

    /** Activates (loads every shard in the background) if the topic exists. */
    void startup() {
        if (log.topicExists()) {
            activate();
        }
    }

    /** Creates the topic if needed and activates; false if the topic could not be created. */
    synchronized boolean ensureActive() {
        if (active) {
            return true;
        }
        if (!log.ensureTopic(shards.size())) {
            return false;
        }
        activate();
        return true;
    }

    private synchronized void activate() {
        if (active) {
            return;
        }
        active = true;
        for (S shard : shards) {
            shard.markLoading();
            shard.scheduler.execute(() -> tasks.load().accept(shard.partition));
        }
    }

    /** FindCoordinator's view of {@code partition}: NONE, COORDINATOR_LOAD_IN_PROGRESS or COORDINATOR_NOT_AVAILABLE. */
    Errors coordinatorStatus(int partition) {
        if (!ensureActive()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        return statusError(shards.get(partition).status());
    }

    static Errors statusError(CoordinatorShard.Status status) {
        return switch (status) {
            case ACTIVE -> Errors.NONE;
            case LOADING, NOT_LOADED -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case FAILED -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /**
     * Runs {@code command} for {@code partition} on its shard's thread if the shard is active there; the
     * answer is the command's (it may complete later, e.g. a JoinGroup waiting for the rebalance) or
     * {@code onError}'s for the class's errors.
     */
    <T> CompletableFuture<T> route(
            int partition, IntFunction<CompletableFuture<T>> command, Function<Errors, T> onError) {
        if (!ensureActive()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        S shard = shards.get(partition);
        CoordinatorShard.Status status = shard.status();
        if (status != CoordinatorShard.Status.ACTIVE) {
            return CompletableFuture.completedFuture(onError.apply(statusError(status)));
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        submit(shard, out, () -> {
            if (shard.status() != CoordinatorShard.Status.ACTIVE) {
                out.complete(onError.apply(Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            try {
                command.apply(partition).whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.error("request on {}-{} failed", topic, partition, e);
                        out.complete(onError.apply(Errors.UNKNOWN_SERVER_ERROR));
                    } else {
                        out.complete(r);
                    }
                });
            } catch (RuntimeException e) {
                LOG.error("request on {}-{} failed", topic, partition, e);
                out.complete(onError.apply(Errors.UNKNOWN_SERVER_ERROR));
            }
        });
        return out;
    }

    /** {@link #route} for a command that answers at once. */
    <T> CompletableFuture<T> call(int partition, IntFunction<T> command, Function<Errors, T> onError) {
        return route(partition, p -> CompletableFuture.completedFuture(command.apply(p)), onError);
    }

    /** Runs {@code task} on the shard's thread; dropped if its lane is closing. */
    void execute(int partition, Runnable task) {
        try {
            shards.get(partition).scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: nothing runs on this shard any more
        }
    }

    /**
     * Runs {@code task} for every partition on its shard's thread. In partition order, a future of the
     * task's result, of null for a shard not active, or failed if the shard's lane refused the task.
     */
    <R> List<CompletableFuture<R>> onEveryShard(IntFunction<R> task) {
        List<CompletableFuture<R>> parts = new ArrayList<>(shards.size());
        for (S shard : shards) {
            CompletableFuture<R> f = new CompletableFuture<>();
            parts.add(f);
            submit(
                    shard,
                    f,
                    () -> f.complete(
                            shard.status() == CoordinatorShard.Status.ACTIVE ? task.apply(shard.partition) : null));
        }
        return parts;
    }

    /** The sum of {@code task} over every active shard (0 for the others). */
    CompletableFuture<Integer> sumOnEveryShard(IntFunction<Integer> task) {
        List<CompletableFuture<Integer>> parts = onEveryShard(task);
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> parts.stream()
                        .map(CompletableFuture::join)
                        .mapToInt(n -> n == null ? 0 : n)
                        .sum());
    }

    /**
     * Once every part of {@link #onEveryShard} is done: adds the lists of the shards that answered to
     * {@code into} and returns the error of a listing over all shards: COORDINATOR_NOT_AVAILABLE for a
     * refused shard, COORDINATOR_LOAD_IN_PROGRESS for one not active (the last such shard decides), else NONE.
     */
    static <R> Errors gather(List<CompletableFuture<List<R>>> parts, List<R> into) {
        Errors error = Errors.NONE;
        for (CompletableFuture<List<R>> f : parts) {
            if (f.isCompletedExceptionally()) {
                error = Errors.COORDINATOR_NOT_AVAILABLE;
            } else if (f.join() == null) {
                error = Errors.COORDINATOR_LOAD_IN_PROGRESS;
            } else {
                into.addAll(f.join());
            }
        }
        return error;
    }

    private static void submit(CoordinatorShard shard, CompletableFuture<?> out, Runnable task) {
        try {
            shard.scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(e);
        }
    }

    /** Unloads every shard on its thread, then stops the lanes (waiting a little for queued work). */
    void close() {
        for (S shard : shards) {
            execute(shard.partition, () -> tasks.unload().accept(shard.partition));
        }
        for (ScheduledThreadPoolExecutor e : lanes) {
            e.shutdown();
        }
        for (ScheduledThreadPoolExecutor e : lanes) {
            try {
                if (!e.awaitTermination(LANE_TERMINATION_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                e.shutdownNow();
            }
        }
    }
}
