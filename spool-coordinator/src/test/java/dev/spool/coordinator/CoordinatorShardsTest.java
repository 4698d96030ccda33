package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The shard skeleton shared by the group and transaction coordinators, on a queue it drives by hand. */
class CoordinatorShardsTest {
    static final int PARTITIONS = 3;

    /** A shard with no state of its own. */
    static final class TestShard extends CoordinatorShard {
        TestShard(int partition, CoordinatorLog log, ShardScheduler scheduler) {
            super("__test", partition, log, scheduler, new MockClock());
        }
    }

    /** The topic port: whether the topic exists, whether it can be created, and how it was. */
    static final class TopicLog implements CoordinatorLog {
        boolean exists;
        boolean creatable = true;
        final List<Integer> created = new ArrayList<>();

        @Override
        public boolean ensureTopic(int partitions) {
            if (!exists && creatable) {
                created.add(partitions);
                exists = true;
            }
            return exists;
        }

        @Override
        public boolean topicExists() {
            return exists;
        }

        @Override
        public void append(int partition, List<CoordinatorRecord> records, long timestampMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void readAll(int partition, Consumer<CoordinatorRecord> sink) {
            throw new UnsupportedOperationException();
        }
    }

    /** Queues tasks until {@link #runAll}; refuses them once {@link #refuse} is set (a closing lane). */
    static final class QueueScheduler implements ShardScheduler {
        final List<Runnable> queued = new ArrayList<>();
        boolean refuse;

        @Override
        public void execute(Runnable task) {
            if (refuse) {
                throw new RejectedExecutionException("closing");
            }
            queued.add(task);
        }

        @Override
        public Timer schedule(Runnable task, long delayMs) {
            throw new UnsupportedOperationException();
        }

        void runAll() {
            while (!queued.isEmpty()) {
                queued.remove(0).run();
            }
        }
    }

    final TopicLog log = new TopicLog();
    final QueueScheduler scheduler = new QueueScheduler();
    final List<TestShard> shardList = new ArrayList<>();
    final List<Integer> loaded = new CopyOnWriteArrayList<>();
    final List<Integer> unloaded = new CopyOnWriteArrayList<>();
    /** What each shard's load ends in. */
    final Map<Integer, CoordinatorShard.Status> loadOutcome = new ConcurrentHashMap<>();

    CoordinatorShards<TestShard> shards() {
        return shards(p -> scheduler, List.of());
    }

    CoordinatorShards<TestShard> shards(
            IntFunction<ShardScheduler> schedulers, List<ScheduledThreadPoolExecutor> lanes) {
        for (int p = 0; p < PARTITIONS; p++) {
            shardList.add(new TestShard(p, log, schedulers.apply(p)));
        }
        return new CoordinatorShards<>(
                "__test",
                log,
                shardList,
                lanes,
                new CoordinatorShards.Tasks(
                        p -> {
                            loaded.add(p);
                            shardList
                                    .get(p)
                                    .transition(loadOutcome.getOrDefault(p, CoordinatorShard.Status.ACTIVE), "test");
                        },
                        unloaded::add));
    }

    static <T> T done(CompletableFuture<T> f) {
        assertThat(f).isDone();
        return f.join();
    }

    @Test
    void startupActivatesOnlyWhenTheTopicExistsAndQueuesEveryLoad() {
        CoordinatorShards<TestShard> shards = shards();
        shards.startup();
        assertThat(shards.isActive()).isFalse();
        assertThat(shardList).allMatch(s -> s.status() == CoordinatorShard.Status.NOT_LOADED);

        log.exists = true;
        shards.startup();
        assertThat(shards.isActive()).isTrue();
        assertThat(shardList).allMatch(s -> s.status() == CoordinatorShard.Status.LOADING);
        assertThat(loaded).as("loads run on the shards' threads").isEmpty();
        scheduler.runAll();
        assertThat(loaded).containsExactly(0, 1, 2);
        shards.startup();
        scheduler.runAll();
        assertThat(loaded).as("activated once").containsExactly(0, 1, 2);
        assertThat(log.created).isEmpty();
    }

    @Test
    void ensureActiveCreatesTheTopicOnceWithAPartitionPerShard() {
        CoordinatorShards<TestShard> shards = shards();
        log.creatable = false;
        assertThat(shards.ensureActive()).isFalse();
        assertThat(shards.coordinatorStatus(0)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        CompletableFuture<Errors> refused = shards.call(1, p -> Errors.NONE, e -> e);
        assertThat(done(refused)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(scheduler.queued).isEmpty();

        log.creatable = true;
        assertThat(shards.ensureActive()).isTrue();
        assertThat(shards.ensureActive()).isTrue();
        assertThat(log.created).containsExactly(PARTITIONS);
        assertThat(shards.isActive()).isTrue();
    }

    @Test
    void aLoadingShardAnswersLoadInProgressThenRequestsRunOnItsThread() {
        CoordinatorShards<TestShard> shards = shards();
        assertThat(shards.coordinatorStatus(2)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(done(shards.call(2, p -> "ran", Errors::name))).isEqualTo("COORDINATOR_LOAD_IN_PROGRESS");
        scheduler.runAll();
        assertThat(shards.coordinatorStatus(2)).isEqualTo(Errors.NONE);

        List<Integer> ranOn = new ArrayList<>();
        CompletableFuture<String> f = shards.call(
                2,
                p -> {
                    ranOn.add(p);
                    return "ran";
                },
                Errors::name);
        assertThat(f).as("queued on the shard's thread").isNotDone();
        scheduler.runAll();
        assertThat(done(f)).isEqualTo("ran");
        assertThat(ranOn).containsExactly(2);
    }

    @Test
    void aShardThatFailedToLoadOrStoppedBeforeTheRequestRanIsNotAvailable() {
        loadOutcome.put(0, CoordinatorShard.Status.FAILED);
        CoordinatorShards<TestShard> shards = shards();
        shards.ensureActive();
        scheduler.runAll();
        assertThat(shards.coordinatorStatus(0)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(done(shards.call(0, p -> "ran", Errors::name))).isEqualTo("COORDINATOR_NOT_AVAILABLE");

        CompletableFuture<String> f = shards.call(1, p -> "ran", Errors::name);
        shardList.get(1).transition(CoordinatorShard.Status.FAILED, "test: gone before the request ran");
        scheduler.runAll();
        assertThat(done(f)).isEqualTo("COORDINATOR_NOT_AVAILABLE");
    }

    @Test
    void aCommandThatThrowsOrFailsIsAnUnknownServerErrorAndALaterAnswerIsAwaited() {
        CoordinatorShards<TestShard> shards = shards();
        shards.ensureActive();
        scheduler.runAll();
        CompletableFuture<String> thrown = shards.call(
                0,
                p -> {
                    throw new IllegalStateException("bug");
                },
                Errors::name);
        CompletableFuture<String> failed =
                shards.route(0, p -> CompletableFuture.failedFuture(new IllegalStateException("bug")), Errors::name);
        CompletableFuture<String> later = new CompletableFuture<>();
        CompletableFuture<String> waiting = shards.route(0, p -> later, Errors::name);
        scheduler.runAll();
        assertThat(done(thrown)).isEqualTo("UNKNOWN_SERVER_ERROR");
        assertThat(done(failed)).isEqualTo("UNKNOWN_SERVER_ERROR");
        assertThat(waiting).isNotDone();
        later.complete("joined");
        assertThat(done(waiting)).isEqualTo("joined");
    }

    @Test
    void aRefusingLaneFailsTheFutureAndExecuteDropsTheTask() {
        CoordinatorShards<TestShard> shards = shards();
        shards.ensureActive();
        scheduler.runAll();
        scheduler.refuse = true;
        CompletableFuture<String> f = shards.call(0, p -> "ran", Errors::name);
        assertThat(f).isCompletedExceptionally();
        shards.execute(0, () -> loaded.add(99)); // no exception
        assertThat(loaded).doesNotContain(99);
    }

    @Test
    void everyShardRunsTheTaskAndAListingReportsTheShardsThatCouldNotAnswer() {
        loadOutcome.put(1, CoordinatorShard.Status.FAILED);
        CoordinatorShards<TestShard> shards = shards();
        shards.ensureActive();
        scheduler.runAll();

        List<CompletableFuture<List<String>>> parts = shards.onEveryShard(p -> List.of("s" + p));
        scheduler.runAll();
        List<String> into = new ArrayList<>();
        assertThat(CoordinatorShards.gather(parts, into)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(into).containsExactly("s0", "s2");

        CompletableFuture<Integer> sum = shards.sumOnEveryShard(p -> 10 + p);
        scheduler.runAll();
        assertThat(done(sum)).as("the failed shard counts 0").isEqualTo(10 + 12);

        scheduler.refuse = true;
        List<CompletableFuture<List<String>>> refused = shards.onEveryShard(p -> List.of("s" + p));
        assertThat(CoordinatorShards.gather(refused, new ArrayList<>())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(CoordinatorShards.gather(List.of(CompletableFuture.completedFuture(List.of("x"))), into))
                .isEqualTo(Errors.NONE);
    }

    @Test
    void closeUnloadsEveryShardOnItsLaneAndStopsTheLanes() {
        List<ScheduledThreadPoolExecutor> lanes = CoordinatorShards.newLanes(2, i -> "test-lane-" + i);
        List<String> threads = new CopyOnWriteArrayList<>();
        CoordinatorShards<TestShard> shards = shards(
                p -> {
                    ShardScheduler lane = CoordinatorShards.schedulersOn(lanes).apply(p);
                    return new ShardScheduler() {
                        @Override
                        public void execute(Runnable task) {
                            lane.execute(() -> {
                                threads.add(p + "@" + Thread.currentThread().getName());
                                task.run();
                            });
                        }

                        @Override
                        public Timer schedule(Runnable task, long delayMs) {
                            return lane.schedule(task, delayMs);
                        }
                    };
                },
                lanes);
        shards.ensureActive();
        shards.close();

        assertThat(lanes).allMatch(ScheduledThreadPoolExecutor::isTerminated);
        assertThat(loaded).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(unloaded).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(threads)
                .as("partition p on lane p %% 2")
                .contains("0@test-lane-0", "1@test-lane-1", "2@test-lane-0");
        assertThat(shards.call(0, p -> "ran", Errors::name)).isCompletedExceptionally();
    }
}
