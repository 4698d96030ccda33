package dev.spool.coordinator;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator: one {@link TransactionShard} (with its {@link TransactionOperations})
 * per partition of {@code __transaction_state}; a transactional id lives in partition
 * {@code Utils.abs(transactionalId.hashCode()) % transaction.state.log.num.partitions}, Kafka's
 * mapping. Each request is handed to its shard's thread and answered through the returned future
 * (completed on that thread; callers must not block on it).
 *
 * <p>Lifecycle: {@link #startup} loads every partition if the topic exists (requests for a partition
 * still loading get COORDINATOR_LOAD_IN_PROGRESS); otherwise the topic is created on the first
 * transactional request. After a partition is loaded, transactions left in PrepareCommit/PrepareAbort
 * get their markers again. {@link #close} stops the lane. Thread-safe.
 */
public final class TransactionCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** InitProducerId's answer. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {}

    /** ListTransactions' filters (empty = no filter; {@code minDurationMs} -1 = none; pattern null = none). */
    public record ListFilter(Set<String> states, Set<Long> producerIds, long minDurationMs, String idPattern) {}

    private final TransactionCoordinatorConfig config;
    private final CoordinatorLog log;
    private final Time time;
    private final List<ScheduledThreadPoolExecutor> lanes = new ArrayList<>();
    private final TransactionShard[] shards;
    private final TransactionOperations[] ops;
    private volatile boolean active;

    /** Production: every shard on one single-thread lane. */
    public static TransactionCoordinator create(
            TransactionCoordinatorConfig config,
            CoordinatorLog log,
            ProducerIdSource producerIds,
            TxnMarkerWriter markers,
            Time time) {
        ScheduledThreadPoolExecutor lane = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "transaction-coordinator");
            t.setDaemon(true);
            return t;
        });
        lane.setRemoveOnCancelPolicy(true);
        lane.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ExecutorShardScheduler scheduler = new ExecutorShardScheduler(lane);
        return new TransactionCoordinator(config, log, producerIds, markers, time, List.of(lane), p -> scheduler);
    }

    /** Tests: shards on the given schedulers (e.g. inline with a mock clock). */
    public static TransactionCoordinator create(
            TransactionCoordinatorConfig config,
            CoordinatorLog log,
            ProducerIdSource producerIds,
            TxnMarkerWriter markers,
            Time time,
            IntFunction<ShardScheduler> schedulers) {
        return new TransactionCoordinator(config, log, producerIds, markers, time, List.of(), schedulers);
    }

    private TransactionCoordinator(
            TransactionCoordinatorConfig config,
            CoordinatorLog log,
            ProducerIdSource producerIds,
            TxnMarkerWriter markers,
            Time time,
            List<ScheduledThreadPoolExecutor> lanes,
            IntFunction<ShardScheduler> schedulers) {
        this.config = config;
        this.log = log;
        this.time = time;
        this.lanes.addAll(lanes);
        int n = config.stateTopicPartitions();
        shards = new TransactionShard[n];
        ops = new TransactionOperations[n];
        for (int p = 0; p < n; p++) {
            shards[p] = new TransactionShard(p, log, schedulers.apply(p), time, config);
            ops[p] = new TransactionOperations(shards[p], producerIds, markers);
        }
    }

    public TransactionCoordinatorConfig config() {
        return config;
    }

    /** Loads every partition in the background if {@code __transaction_state} exists. */
    public void startup() {
        if (log.topicExists()) {
            activate();
        }
    }

    /** Creates the topic if needed and loads its partitions; false if the topic could not be created. */
    public synchronized boolean ensureActive() {
        if (active) {
            return true;
        }
        if (!log.ensureTopic(config.stateTopicPartitions())) {
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
        for (int p = 0; p < shards.length; p++) {
            TransactionShard shard = shards[p];
            TransactionOperations o = ops[p];
            shard.markLoading();
            shard.scheduler.execute(() -> {
                if (shard.load()) {
                    o.onLoaded();
                }
            });
        }
    }

    public int partitionFor(String transactionalId) {
        return config.partitionFor(transactionalId);
    }

    /** FindCoordinator's view of a transactional id (as for groups). */
    public Errors coordinatorStatus(String transactionalId) {
        if (!ensureActive()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        return statusError(shards[partitionFor(transactionalId == null ? "" : transactionalId)].status());
    }

    private static Errors statusError(TransactionShard.Status s) {
        return switch (s) {
            case ACTIVE -> Errors.NONE;
            case LOADING, NOT_LOADED -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case FAILED -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    // ---- the APIs

    /**
     * InitProducerId with a transactional id ({@code expectedProducerId} -1 unless the producer names
     * its current id and epoch, KIP-360). The timeout must be in (0, transaction.max.timeout.ms].
     */
    public CompletableFuture<InitResult> initProducerId(
            String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch) {
        Function<Errors, InitResult> onError =
                e -> new InitResult(e, TransactionMetadata.NO_PRODUCER_ID, TransactionMetadata.NO_EPOCH);
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_REQUEST));
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        return route(
                transactionalId,
                p -> {
                    TransactionOperations.InitResult r =
                            ops[p].initProducerId(transactionalId, timeoutMs, expectedProducerId, expectedEpoch);
                    return new InitResult(r.error(), r.producerId(), r.producerEpoch());
                },
                onError);
    }

    /** AddPartitionsToTxn (v0–v3, or a v4+ entry without verify_only). */
    public CompletableFuture<Errors> addPartitions(
            String transactionalId, long producerId, short epoch, List<TopicPartition> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        return route(
                transactionalId,
                p -> ops[p].addPartitions(transactionalId, producerId, epoch, partitions),
                Function.identity());
    }

    /** KIP-890 verification (AddPartitionsToTxn v4+ with verify_only). */
    public CompletableFuture<Map<TopicPartition, Errors>> verifyPartitions(
            String transactionalId, long producerId, short epoch, List<TopicPartition> partitions) {
        Function<Errors, Map<TopicPartition, Errors>> onError = e -> {
            Map<TopicPartition, Errors> out = new TreeMap<>(TransactionLogLayout.PARTITION_ORDER);
            partitions.forEach(tp -> out.put(tp, e));
            return out;
        };
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_REQUEST));
        }
        return route(
                transactionalId, p -> ops[p].verifyPartitions(transactionalId, producerId, epoch, partitions), onError);
    }

    /** EndTxn: commit or abort the producer's ongoing transaction. */
    public CompletableFuture<Errors> endTransaction(
            String transactionalId, long producerId, short epoch, TransactionResult result) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        return route(
                transactionalId,
                p -> ops[p].endTransaction(transactionalId, producerId, epoch, result),
                Function.identity());
    }

    /** DescribeTransactions for one id: TRANSACTIONAL_ID_NOT_FOUND if unknown. */
    public CompletableFuture<DescribeTransactionsResponseData.TransactionState> describe(String transactionalId) {
        String id = transactionalId == null ? "" : transactionalId;
        Function<Errors, DescribeTransactionsResponseData.TransactionState> onError =
                e -> new DescribeTransactionsResponseData.TransactionState()
                        .setTransactionalId(id)
                        .setErrorCode(e.code())
                        .setTransactionState("")
                        .setProducerId(TransactionMetadata.NO_PRODUCER_ID)
                        .setProducerEpoch(TransactionMetadata.NO_EPOCH)
                        .setTransactionStartTimeMs(-1L);
        if (!active && !log.topicExists()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.TRANSACTIONAL_ID_NOT_FOUND));
        }
        return route(id, p -> describeOn(shards[p], id, onError), onError);
    }

    private static DescribeTransactionsResponseData.TransactionState describeOn(
            TransactionShard shard,
            String id,
            Function<Errors, DescribeTransactionsResponseData.TransactionState> onError) {
        TransactionMetadata m = shard.transactions.get(id);
        if (m == null) {
            return onError.apply(Errors.TRANSACTIONAL_ID_NOT_FOUND);
        }
        DescribeTransactionsResponseData.TransactionState s = new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(id)
                .setErrorCode(Errors.NONE.code())
                .setTransactionState(m.state.kafkaName())
                .setTransactionTimeoutMs(m.timeoutMs)
                .setTransactionStartTimeMs(m.startTimestampMs)
                .setProducerId(m.producerId)
                .setProducerEpoch(m.producerEpoch);
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : m.partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        byTopic.forEach((t, ps) -> s.topics()
                .add(new DescribeTransactionsResponseData.TopicData()
                        .setTopic(t)
                        .setPartitions(ps)));
        return s;
    }

    /** ListTransactions over every loaded shard; COORDINATOR_LOAD_IN_PROGRESS if one is still loading. */
    public CompletableFuture<ListTransactionsResponseData> list(ListFilter filter) {
        ListTransactionsResponseData resp = new ListTransactionsResponseData().setErrorCode(Errors.NONE.code());
        Set<TransactionState> states = new HashSet<>();
        for (String s : filter.states()) {
            TransactionState st = TransactionState.fromKafkaName(s);
            if (st == null) {
                resp.unknownStateFilters().add(s);
            } else {
                states.add(st);
            }
        }
        Pattern pattern;
        try {
            pattern = filter.idPattern() == null || filter.idPattern().isEmpty()
                    ? null
                    : Pattern.compile(filter.idPattern());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(resp.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        if (!active) {
            return CompletableFuture.completedFuture(resp);
        }
        List<CompletableFuture<List<ListTransactionsResponseData.TransactionState>>> parts = new ArrayList<>();
        for (TransactionShard shard : shards) {
            CompletableFuture<List<ListTransactionsResponseData.TransactionState>> f = new CompletableFuture<>();
            parts.add(f);
            submit(
                    shard,
                    f,
                    () -> f.complete(
                            shard.status() == TransactionShard.Status.ACTIVE
                                    ? listOn(shard, filter, states, pattern)
                                    : null));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .handle((v, e) -> {
                    for (CompletableFuture<List<ListTransactionsResponseData.TransactionState>> f : parts) {
                        if (f.isCompletedExceptionally()) {
                            resp.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
                        } else if (f.join() == null) {
                            resp.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                        } else {
                            resp.transactionStates().addAll(f.join());
                        }
                    }
                    return resp;
                });
    }

    private List<ListTransactionsResponseData.TransactionState> listOn(
            TransactionShard shard, ListFilter filter, Set<TransactionState> states, Pattern pattern) {
        long now = time.milliseconds();
        List<ListTransactionsResponseData.TransactionState> out = new ArrayList<>();
        for (TransactionMetadata m : shard.transactions.values()) {
            if (!filter.states().isEmpty() && !states.contains(m.state)) {
                continue;
            }
            if (!filter.producerIds().isEmpty() && !filter.producerIds().contains(m.producerId)) {
                continue;
            }
            // Kafka: only transactions running at least the given duration (idle ones have no start).
            if (filter.minDurationMs() >= 0
                    && (m.startTimestampMs < 0 || now - m.startTimestampMs < filter.minDurationMs())) {
                continue;
            }
            if (pattern != null && !pattern.matcher(m.transactionalId).matches()) {
                continue;
            }
            out.add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(m.transactionalId)
                    .setProducerId(m.producerId)
                    .setTransactionState(m.state.kafkaName()));
        }
        return out;
    }

    // ---- maintenance (tests; the shards also run these on their timers)

    /** Aborts timed-out transactions on every shard now; returns how many. */
    public CompletableFuture<Integer> abortTimedOutNow() {
        return onEveryShard(p -> ops[p].abortTimedOut());
    }

    /** Expires idle transactional ids on every shard now; returns how many. */
    public CompletableFuture<Integer> expireTransactionalIdsNow() {
        return onEveryShard(p -> ops[p].expireTransactionalIds());
    }

    private CompletableFuture<Integer> onEveryShard(IntFunction<Integer> task) {
        List<CompletableFuture<Integer>> parts = new ArrayList<>();
        for (int p = 0; p < shards.length; p++) {
            TransactionShard shard = shards[p];
            int partition = p;
            CompletableFuture<Integer> f = new CompletableFuture<>();
            parts.add(f);
            submit(
                    shard,
                    f,
                    () -> f.complete(shard.status() == TransactionShard.Status.ACTIVE ? task.apply(partition) : 0));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> parts.stream().mapToInt(CompletableFuture::join).sum());
    }

    // ---- routing

    private <T> CompletableFuture<T> route(
            String transactionalId, Function<Integer, T> command, Function<Errors, T> onError) {
        if (!ensureActive()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        int p = partitionFor(transactionalId);
        TransactionShard shard = shards[p];
        if (shard.status() != TransactionShard.Status.ACTIVE) {
            return CompletableFuture.completedFuture(onError.apply(statusError(shard.status())));
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        submit(shard, out, () -> {
            if (shard.status() != TransactionShard.Status.ACTIVE) {
                out.complete(onError.apply(Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            try {
                out.complete(command.apply(p));
            } catch (RuntimeException e) {
                LOG.error("transaction request on __transaction_state-{} failed", p, e);
                out.complete(onError.apply(Errors.UNKNOWN_SERVER_ERROR));
            }
        });
        return out;
    }

    private static void submit(TransactionShard shard, CompletableFuture<?> out, Runnable task) {
        try {
            shard.scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        for (int p = 0; p < shards.length; p++) {
            TransactionShard shard = shards[p];
            TransactionOperations o = ops[p];
            try {
                shard.scheduler.execute(() -> {
                    o.stopTimers();
                    shard.unload();
                });
            } catch (RejectedExecutionException e) {
                // already stopped
            }
        }
        for (ScheduledThreadPoolExecutor e : lanes) {
            e.shutdown();
            try {
                if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                e.shutdownNow();
            }
        }
    }
}
