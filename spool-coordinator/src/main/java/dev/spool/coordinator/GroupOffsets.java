package dev.spool.coordinator;

import dev.spool.coordinator.OffsetsTopicLayout.OffsetKey;
import dev.spool.coordinator.OffsetsTopicLayout.OffsetValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit, OffsetFetch and OffsetDelete on one shard, with Kafka's validation: a simple
 * (memberless) group commits with generation -1 while empty; a member commits with its current
 * generation; metadata over {@code offset.metadata.max.bytes} is refused per partition. Runs on the
 * shard's thread only; not thread-safe.
 */
final class GroupOffsets {
    /** Kafka's "no offset" and "no epoch". */
    static final long INVALID_OFFSET = -1L;

    static final int NO_EPOCH = -1;

    private final GroupShard shard;
    private final ClassicRebalance rebalance;

    GroupOffsets(GroupShard shard, ClassicRebalance rebalance) {
        this.shard = shard;
        this.rebalance = rebalance;
    }

    OffsetCommitResponseData commit(OffsetCommitRequestData req, short version) {
        Errors groupError = validateCommit(req, version);
        OffsetCommitResponseData resp = new OffsetCommitResponseData();
        List<CoordinatorRecord> records = new ArrayList<>();
        long now = shard.time.milliseconds();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(t.name())
                            .setTopicId(t.topicId());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                Errors e = groupError;
                if (e == null) {
                    e = addCommit(
                            shard,
                            records,
                            new OffsetKey(req.groupId(), t.name(), p.partitionIndex()),
                            p.committedOffset(),
                            p.committedLeaderEpoch(),
                            p.committedMetadata(),
                            now);
                }
                rt.partitions()
                        .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(e.code()));
            }
            resp.topics().add(rt);
        }
        if (!records.isEmpty() && !shard.write(records)) {
            for (OffsetCommitResponseData.OffsetCommitResponseTopic rt : resp.topics()) {
                for (OffsetCommitResponseData.OffsetCommitResponsePartition rp : rt.partitions()) {
                    if (rp.errorCode() == Errors.NONE.code()) {
                        rp.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
                    }
                }
            }
        }
        return resp;
    }

    /**
     * Adds the record of one committed offset to {@code records}, or answers OFFSET_METADATA_TOO_LARGE
     * (nothing added) if the metadata exceeds {@code offset.metadata.max.bytes}.
     */
    static Errors addCommit(
            GroupShard shard,
            List<CoordinatorRecord> records,
            OffsetKey key,
            long offset,
            int leaderEpoch,
            String metadata,
            long now) {
        if (metadata != null && metadata.length() > shard.config.offsetMetadataMaxBytes()) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        records.add(GroupShard.offsetRecord(
                key.group(),
                key.topic(),
                key.partition(),
                new OffsetValue(offset, leaderEpoch, metadata == null ? "" : metadata, now, -1L)));
        return Errors.NONE;
    }

    /** Kafka's checks for a commit; null if it may proceed. Creates a simple group if needed. */
    private Errors validateCommit(OffsetCommitRequestData req, short version) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        int generation = req.generationIdOrMemberEpoch();
        String memberId = req.memberId() == null ? "" : req.memberId();
        ConsumerGroup consumerGroup = shard.consumerGroups.get(req.groupId());
        if (consumerGroup != null) {
            return ConsumerGroupAdmin.validateCommit(consumerGroup, memberId, generation, version);
        }
        ClassicGroup group = shard.groups.get(req.groupId());
        if (group == null) {
            if (generation >= 0) {
                return version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
            }
            return null; // replay of the first commit creates the simple group
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return null;
        }
        if (generation >= 0 || !memberId.isEmpty() || req.groupInstanceId() != null) {
            Errors e = ClassicRebalance.validateMember(group, memberId, req.groupInstanceId(), generation);
            if (e != null) {
                return e;
            }
        } else {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        // A commit from a live member counts as a heartbeat.
        rebalance.scheduleHeartbeat(group, group.member(memberId));
        return null;
    }

    /** The committed offsets of one group, as the v8+ group entry; {@code topics} null = all. */
    OffsetFetchResponseData.OffsetFetchResponseGroup fetch(
            String groupId, List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        return fetch(groupId, null, -1, topics);
    }

    /** OffsetFetch v9+: a consumer group checks the member id and epoch when an epoch is given. */
    OffsetFetchResponseData.OffsetFetchResponseGroup fetch(
            String groupId,
            String memberId,
            int memberEpoch,
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        OffsetFetchResponseData.OffsetFetchResponseGroup g =
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(groupId);
        ConsumerGroup consumerGroup = shard.consumerGroups.get(groupId);
        Errors memberError =
                consumerGroup == null ? null : ConsumerGroupAdmin.validateFetch(consumerGroup, memberId, memberEpoch);
        if (memberError != null) {
            return g.setErrorCode(memberError.code());
        }
        // As Kafka: an empty id is a group without offsets, not an error.
        Map<String, Map<Integer, OffsetValue>> committed = shard.offsetsOf(groupId == null ? "" : groupId);
        if (topics == null) {
            for (Map.Entry<String, Map<Integer, OffsetValue>> t : committed.entrySet()) {
                OffsetFetchResponseData.OffsetFetchResponseTopics rt =
                        new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t.getKey());
                for (Map.Entry<Integer, OffsetValue> p : t.getValue().entrySet()) {
                    rt.partitions().add(partition(p.getKey(), p.getValue()));
                }
                g.topics().add(rt);
            }
            return g;
        }
        for (OffsetFetchRequestData.OffsetFetchRequestTopics t : topics) {
            OffsetFetchResponseData.OffsetFetchResponseTopics rt =
                    new OffsetFetchResponseData.OffsetFetchResponseTopics()
                            .setName(t.name())
                            .setTopicId(t.topicId());
            Map<Integer, OffsetValue> byPartition = committed.getOrDefault(t.name(), Map.of());
            for (Integer p : t.partitionIndexes()) {
                rt.partitions().add(partition(p, byPartition.get(p)));
            }
            g.topics().add(rt);
        }
        return g;
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(int index, OffsetValue v) {
        OffsetFetchResponseData.OffsetFetchResponsePartitions p =
                new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(index);
        if (v == null) {
            return p.setCommittedOffset(INVALID_OFFSET)
                    .setCommittedLeaderEpoch(NO_EPOCH)
                    .setMetadata("");
        }
        return p.setCommittedOffset(v.offset())
                .setCommittedLeaderEpoch(v.leaderEpoch())
                .setMetadata(v.metadata());
    }

    /**
     * OffsetDelete: tombstones for the given partitions' offsets; refused for partitions of topics a
     * live consumer group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC) and for live groups of other
     * protocol types (NON_EMPTY_GROUP).
     */
    OffsetDeleteResponseData deleteOffsets(OffsetDeleteRequestData req) {
        OffsetDeleteResponseData resp = new OffsetDeleteResponseData();
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return resp.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        Set<String> subscribed = Set.of();
        ConsumerGroup consumerGroup = shard.consumerGroups.get(req.groupId());
        if (consumerGroup != null) {
            subscribed = shard.consumerGroups.subscribedTopics(consumerGroup);
        } else {
            ClassicGroup group = shard.groups.get(req.groupId());
            if (group == null || group.is(GroupState.DEAD)) {
                return resp.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
            }
            if (!group.is(GroupState.EMPTY)) {
                if (!"consumer".equals(group.protocolType)) {
                    return resp.setErrorCode(Errors.NON_EMPTY_GROUP.code());
                }
                subscribed = group.subscribedTopics();
            }
        }
        Map<String, Map<Integer, OffsetValue>> committed = shard.offsetsOf(req.groupId());
        List<CoordinatorRecord> records = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
            OffsetDeleteResponseData.OffsetDeleteResponseTopic rt =
                    new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                Errors e = Errors.NONE;
                if (subscribed.contains(t.name())) {
                    e = Errors.GROUP_SUBSCRIBED_TO_TOPIC;
                } else if (committed.getOrDefault(t.name(), Map.of()).containsKey(p.partitionIndex())) {
                    records.add(GroupShard.offsetTombstone(req.groupId(), t.name(), p.partitionIndex()));
                }
                rt.partitions()
                        .add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(e.code()));
            }
            resp.topics().add(rt);
        }
        if (!records.isEmpty() && !shard.write(records)) {
            return new OffsetDeleteResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        return resp;
    }
}
