package dev.spool.coordinator;

import dev.spool.common.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator: one {@link GroupShard} per {@code __consumer_offsets} partition, a group
 * living in partition {@code abs(groupId.hashCode()) % offsets.topic.num.partitions}. Each request is
 * handed to its shard's thread and answered through the returned future (completed on that thread;
 * callers must not block on it). Shards share {@code group.coordinator.threads} single-thread lanes.
 *
 * <p>Lifecycle: {@link #startup} loads every partition if the topic exists (requests for a partition
 * still loading get COORDINATOR_LOAD_IN_PROGRESS); otherwise the topic is created on the first group
 * request (as Kafka creates it on first need) and its empty partitions loaded. {@link #close} stops
 * the lanes. The shard skeleton (activation, routing, fan-out, shutdown) is {@link CoordinatorShards}.
 * Thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {
    /** Who sent a request (JoinGroup records it per member). */
    public record Caller(String clientId, String clientHost, short apiVersion) {}

    private final GroupCoordinatorConfig config;
    private final CoordinatorShards<GroupShard> shards;
    private final ClassicRebalance[] rebalances;
    private final GroupOffsets[] offsets;
    private final GroupAdmin[] admins;
    private final TxnOffsetCommits[] txnOffsets;
    private final ConsumerGroupHeartbeats[] consumerHeartbeats;
    private final ConsumerGroupAdmin[] consumerAdmins;

    /** Production: shards on {@code config.threads()} single-thread lanes; consumer groups with defaults and no topics. */
    public static GroupCoordinator create(GroupCoordinatorConfig config, CoordinatorLog log, Time time) {
        return create(config, ConsumerGroupConfig.defaults(), log, TopicCatalog.EMPTY, time);
    }

    /** Production: shards on {@code config.threads()} single-thread lanes; KIP-848 groups assign {@code topics}. */
    public static GroupCoordinator create(
            GroupCoordinatorConfig config,
            ConsumerGroupConfig consumerConfig,
            CoordinatorLog log,
            TopicCatalog topics,
            Time time) {
        List<ScheduledThreadPoolExecutor> lanes =
                CoordinatorShards.newLanes(config.threads(), lane -> "group-coordinator-" + lane);
        return new GroupCoordinator(
                config, consumerConfig, log, topics, time, lanes, CoordinatorShards.schedulersOn(lanes));
    }

    /** Tests: shards on the given schedulers (e.g. inline with a mock clock). */
    public static GroupCoordinator create(
            GroupCoordinatorConfig config, CoordinatorLog log, Time time, IntFunction<ShardScheduler> schedulers) {
        return new GroupCoordinator(
                config, ConsumerGroupConfig.defaults(), log, TopicCatalog.EMPTY, time, List.of(), schedulers);
    }

    /** Tests: KIP-848 groups over {@code topics}, shards on the given schedulers. */
    public static GroupCoordinator create(
            GroupCoordinatorConfig config,
            ConsumerGroupConfig consumerConfig,
            CoordinatorLog log,
            TopicCatalog topics,
            Time time,
            IntFunction<ShardScheduler> schedulers) {
        return new GroupCoordinator(config, consumerConfig, log, topics, time, List.of(), schedulers);
    }

    private GroupCoordinator(
            GroupCoordinatorConfig config,
            ConsumerGroupConfig consumerConfig,
            CoordinatorLog log,
            TopicCatalog topics,
            Time time,
            List<ScheduledThreadPoolExecutor> lanes,
            IntFunction<ShardScheduler> schedulers) {
        this.config = config;
        int n = config.offsetsTopicPartitions();
        List<GroupShard> shardList = new ArrayList<>(n);
        rebalances = new ClassicRebalance[n];
        offsets = new GroupOffsets[n];
        admins = new GroupAdmin[n];
        txnOffsets = new TxnOffsetCommits[n];
        consumerHeartbeats = new ConsumerGroupHeartbeats[n];
        consumerAdmins = new ConsumerGroupAdmin[n];
        for (int p = 0; p < n; p++) {
            GroupShard shard = new GroupShard(p, log, schedulers.apply(p), time, config);
            shardList.add(shard);
            rebalances[p] = new ClassicRebalance(shard);
            offsets[p] = new GroupOffsets(shard, rebalances[p]);
            admins[p] = new GroupAdmin(shard);
            txnOffsets[p] = new TxnOffsetCommits(shard);
            consumerHeartbeats[p] = new ConsumerGroupHeartbeats(shard, consumerConfig, topics);
            consumerAdmins[p] = new ConsumerGroupAdmin(shard, consumerHeartbeats[p], topics);
        }
        shards = new CoordinatorShards<>(
                GroupShard.TOPIC, log, shardList, lanes, new CoordinatorShards.Tasks(this::load, p -> shardList
                        .get(p)
                        .unload()));
    }

    /** On the shard's thread when the coordinator activates: replay the partition, then start its groups. */
    private void load(int p) {
        GroupShard shard = shards.shard(p);
        shard.load(rebalances[p]);
        if (shard.status() == GroupShard.Status.ACTIVE) {
            consumerHeartbeats[p].onLoaded();
        }
    }

    public GroupCoordinatorConfig config() {
        return config;
    }

    /** Loads every partition in the background if {@code __consumer_offsets} exists. */
    public void startup() {
        shards.startup();
    }

    /** Creates the topic if needed and loads its partitions; false if the topic could not be created. */
    public boolean ensureActive() {
        return shards.ensureActive();
    }

    public int partitionFor(String groupId) {
        return config.partitionFor(groupId);
    }

    /**
     * FindCoordinator's view of a group: NONE when its partition serves requests,
     * COORDINATOR_LOAD_IN_PROGRESS while loading, COORDINATOR_NOT_AVAILABLE if the topic is missing.
     */
    public Errors coordinatorStatus(String groupId) {
        return shards.coordinatorStatus(partitionFor(groupId == null ? "" : groupId));
    }

    // ---- the APIs

    public CompletableFuture<JoinGroupResponseData> joinGroup(Caller caller, JoinGroupRequestData req) {
        return route(
                req.groupId(),
                p -> rebalances[p].join(
                        new ClassicRebalance.Caller(caller.clientId(), caller.clientHost(), caller.apiVersion()), req),
                e -> ClassicRebalance.joinError(req.memberId(), e));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData req) {
        return route(req.groupId(), p -> rebalances[p].sync(req), ClassicRebalance::syncError);
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData req) {
        return route(
                req.groupId(),
                p -> CompletableFuture.completedFuture(rebalances[p].heartbeat(req)),
                e -> new HeartbeatResponseData().setErrorCode(e.code()));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData req, short version) {
        return route(
                req.groupId(),
                p -> CompletableFuture.completedFuture(rebalances[p].leave(req, version)),
                e -> new LeaveGroupResponseData().setErrorCode(e.code()));
    }

    /** OffsetCommit with topic names filled in (the server resolves topic ids first). */
    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData req, short version) {
        return route(
                req.groupId(),
                p -> CompletableFuture.completedFuture(offsets[p].commit(req, version)),
                e -> commitError(req, e));
    }

    private static OffsetCommitResponseData commitError(OffsetCommitRequestData req, Errors e) {
        OffsetCommitResponseData resp = new OffsetCommitResponseData();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(t.name())
                            .setTopicId(t.topicId());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                rt.partitions()
                        .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(e.code()));
            }
            resp.topics().add(rt);
        }
        return resp;
    }

    /** OffsetFetch for one group ({@code topics} null = every committed offset). */
    public CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> fetchOffsets(
            String groupId, List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        return fetchOffsets(groupId, null, -1, topics);
    }

    /** OffsetFetch v9+ for one group; a consumer group checks {@code memberEpoch} if it is not negative. */
    public CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> fetchOffsets(
            String groupId,
            String memberId,
            int memberEpoch,
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        return fetchOffsets(groupId, memberId, memberEpoch, topics, false);
    }

    /**
     * OffsetFetch with {@code require_stable}: partitions whose offset waits in an open transaction
     * answer UNSTABLE_OFFSET_COMMIT (the client retries).
     */
    public CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> fetchOffsets(
            String groupId,
            String memberId,
            int memberEpoch,
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics,
            boolean requireStable) {
        return route(
                groupId,
                p -> {
                    OffsetFetchResponseData.OffsetFetchResponseGroup r =
                            offsets[p].fetch(groupId, memberId, memberEpoch, topics);
                    return CompletableFuture.completedFuture(requireStable ? txnOffsets[p].markUnstable(r) : r);
                },
                e -> new OffsetFetchResponseData.OffsetFetchResponseGroup()
                        .setGroupId(groupId)
                        .setErrorCode(e.code()));
    }

    /** TxnOffsetCommit (topic names filled in): the offsets wait for the transaction's marker. */
    public CompletableFuture<TxnOffsetCommitResponseData> commitTransactionalOffsets(TxnOffsetCommitRequestData req) {
        return route(req.groupId(), p -> CompletableFuture.completedFuture(txnOffsets[p].commit(req)), e -> {
            TxnOffsetCommitResponseData resp = new TxnOffsetCommitResponseData();
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : req.topics()) {
                TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt =
                        new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(t.name());
                for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition tp : t.partitions()) {
                    rt.partitions()
                            .add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                                    .setPartitionIndex(tp.partitionIndex())
                                    .setErrorCode(e.code()));
                }
                resp.topics().add(rt);
            }
            return resp;
        });
    }

    /**
     * A transaction marker was written to {@code __consumer_offsets-partition}: the producer's pending
     * transactional offsets there take effect (COMMIT) or are dropped (ABORT). Runs on the shard's thread.
     */
    public void onTransactionCompleted(int partition, long producerId, TransactionResult result) {
        if (partition < 0 || partition >= shards.size()) {
            return;
        }
        GroupShard shard = shards.shard(partition);
        // If the shard is closing, the marker is in the log and the next load applies it.
        shards.execute(partition, () -> shard.completeTransaction(producerId, result));
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData req) {
        return route(
                req.groupId(),
                p -> CompletableFuture.completedFuture(offsets[p].deleteOffsets(req)),
                e -> new OffsetDeleteResponseData().setErrorCode(e.code()));
    }

    public CompletableFuture<DescribeGroupsResponseData.DescribedGroup> describeGroup(String groupId, short version) {
        return route(
                groupId,
                p -> CompletableFuture.completedFuture(admins[p].describe(groupId, version)),
                e -> new DescribeGroupsResponseData.DescribedGroup()
                        .setGroupId(groupId)
                        .setErrorCode(e.code())
                        .setGroupState("")
                        .setProtocolType("")
                        .setProtocolData("")
                        .setAuthorizedOperations(GroupAdmin.AUTHORIZED_OPERATIONS_OMITTED));
    }

    public CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult> deleteGroup(String groupId) {
        return route(
                groupId,
                p -> {
                    ConsumerGroup consumer = shards.shard(p).consumerGroups.get(groupId);
                    return CompletableFuture.completedFuture(
                            consumer != null ? consumerAdmins[p].delete(consumer) : admins[p].delete(groupId));
                },
                e -> new DeleteGroupsResponseData.DeletableGroupResult()
                        .setGroupId(groupId)
                        .setErrorCode(e.code()));
    }

    /** The groups of every loaded shard; the error is COORDINATOR_LOAD_IN_PROGRESS if any is loading. */
    public CompletableFuture<ListGroupsResponseData> listGroups(List<String> statesFilter, List<String> typesFilter) {
        if (!shards.isActive()) {
            return CompletableFuture.completedFuture(new ListGroupsResponseData().setErrorCode(Errors.NONE.code()));
        }
        List<CompletableFuture<List<ListGroupsResponseData.ListedGroup>>> parts =
                shards.onEveryShard(p -> GroupAdmin.concat(
                        admins[p].list(statesFilter, typesFilter),
                        consumerAdmins[p].list(lower(statesFilter), lower(typesFilter))));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .handle((v, e) -> {
                    ListGroupsResponseData resp = new ListGroupsResponseData();
                    return resp.setErrorCode(
                            CoordinatorShards.gather(parts, resp.groups()).code());
                });
    }

    private static java.util.Set<String> lower(List<String> filter) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (filter != null) {
            filter.forEach(s -> out.add(s.toLowerCase(java.util.Locale.ROOT)));
        }
        return out;
    }

    // ---- KIP-848 consumer groups

    /** ConsumerGroupHeartbeat (v0..v1). */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            Caller caller, ConsumerGroupHeartbeatRequestData req) {
        return route(
                req.groupId(),
                p -> CompletableFuture.completedFuture(consumerHeartbeats[p].heartbeat(
                        req, caller.apiVersion(), caller.clientId(), caller.clientHost())),
                e -> new ConsumerGroupHeartbeatResponseData().setErrorCode(e.code()));
    }

    /** One group of ConsumerGroupDescribe. */
    public CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(String groupId) {
        return route(
                groupId,
                p -> CompletableFuture.completedFuture(consumerAdmins[p].describe(groupId)),
                e -> new ConsumerGroupDescribeResponseData.DescribedGroup()
                        .setGroupId(groupId)
                        .setErrorCode(e.code())
                        .setGroupState(""));
    }

    // ---- routing

    /** Routes to the shard of {@code groupId} (an empty or null id to that of "", where the command rejects it). */
    private <T> CompletableFuture<T> route(
            String groupId, IntFunction<CompletableFuture<T>> command, Function<Errors, T> onError) {
        return shards.route(partitionFor(groupId == null ? "" : groupId), command, onError);
    }

    /** Expires offsets on every shard now (tests; the shards also do it every check interval). */
    public CompletableFuture<Integer> expireOffsetsNow() {
        return shards.sumOnEveryShard(p -> shards.shard(p).expireOffsets());
    }

    @Override
    public void close() {
        shards.close();
    }
}
