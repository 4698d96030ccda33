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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;

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
 * get their markers again. {@link #close} stops the lane. The shard skeleton (activation, routing,
 * fan-out, shutdown) is {@link CoordinatorShards}. Thread-safe.
 */
public final class TransactionCoordinator implements AutoCloseable {
    /** InitProducerId's answer. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {}

    /** ListTransactions' filters (empty = no filter; {@code minDurationMs} -1 = none; pattern null = none). */
    public record ListFilter(Set<String> states, Set<Long> producerIds, long minDurationMs, String idPattern) {}

    private final TransactionCoordinatorConfig config;
    private final CoordinatorLog log;
    private final Time time;
    private final CoordinatorShards<TransactionShard> shards;
    private final TransactionOperations[] ops;

    /** Production: every shard on one single-thread lane. */
    public static TransactionCoordinator create(
            TransactionCoordinatorConfig config,
            CoordinatorLog log,
            ProducerIdSource producerIds,
            TxnMarkerWriter markers,
            Time time) {
        List<ScheduledThreadPoolExecutor> lanes = CoordinatorShards.newLanes(1, lane -> "transaction-coordinator");
        return new TransactionCoordinator(
                config, log, producerIds, markers, time, lanes, CoordinatorShards.schedulersOn(lanes));
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
        int n = config.stateTopicPartitions();
        List<TransactionShard> shardList = new ArrayList<>(n);
        ops = new TransactionOperations[n];
        for (int p = 0; p < n; p++) {
            TransactionShard shard = new TransactionShard(p, log, schedulers.apply(p), time, config);
            shardList.add(shard);
            ops[p] = new TransactionOperations(shard, producerIds, markers);
        }
        shards = new CoordinatorShards<>(
                TransactionShard.TOPIC,
                log,
                shardList,
                lanes,
                new CoordinatorShards.Tasks(
                        p -> {
                            if (shardList.get(p).load()) {
                                ops[p].onLoaded();
                            }
                        },
                        p -> {
                            ops[p].stopTimers();
                            shardList.get(p).unload();
                        }));
    }

    public TransactionCoordinatorConfig config() {
        return config;
    }

    /** Loads every partition in the background if {@code __transaction_state} exists. */
    public void startup() {
        shards.startup();
    }

    /** Creates the topic if needed and loads its partitions; false if the topic could not be created. */
    public boolean ensureActive() {
        return shards.ensureActive();
    }

    public int partitionFor(String transactionalId) {
        return config.partitionFor(transactionalId);
    }

    /** FindCoordinator's view of a transactional id (as for groups). */
    public Errors coordinatorStatus(String transactionalId) {
        return shards.coordinatorStatus(partitionFor(transactionalId == null ? "" : transactionalId));
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
        if (!shards.isActive() && !log.topicExists()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.TRANSACTIONAL_ID_NOT_FOUND));
        }
        return route(id, p -> describeOn(shards.shard(p), id, onError), onError);
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
        if (!shards.isActive()) {
            return CompletableFuture.completedFuture(resp);
        }
        List<CompletableFuture<List<ListTransactionsResponseData.TransactionState>>> parts =
                shards.onEveryShard(p -> listOn(shards.shard(p), filter, states, pattern));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .handle((v, e) -> {
                    Errors error = CoordinatorShards.gather(parts, resp.transactionStates());
                    return error == Errors.NONE ? resp : resp.setErrorCode(error.code());
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
        return shards.sumOnEveryShard(p -> ops[p].abortTimedOut());
    }

    /** Expires idle transactional ids on every shard now; returns how many. */
    public CompletableFuture<Integer> expireTransactionalIdsNow() {
        return shards.sumOnEveryShard(p -> ops[p].expireTransactionalIds());
    }

    // ---- routing

    private <T> CompletableFuture<T> route(
            String transactionalId, IntFunction<T> command, Function<Errors, T> onError) {
        return shards.call(partitionFor(transactionalId), command, onError);
    }

    @Override
    public void close() {
        shards.close();
    }
}
