package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The KIP-848 consumer groups in the admin APIs of one shard: ConsumerGroupDescribe, their entries in
 * ListGroups (type {@code consumer}), DeleteGroups of an empty group, and Kafka's member-epoch checks
 * for OffsetCommit (v9+: STALE_MEMBER_EPOCH) and OffsetFetch. Runs on the shard's thread only; not
 * thread-safe.
 */
final class ConsumerGroupAdmin {
    /** ListGroups' group type and the protocol type of consumer groups. */
    static final String CONSUMER_TYPE = "consumer";

    /** ConsumerGroupDescribe's member type of a consumer-protocol member (v1+). */
    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private final GroupShard shard;
    private final ConsumerGroupHeartbeats heartbeats;
    private final TopicCatalog catalog;

    ConsumerGroupAdmin(GroupShard shard, ConsumerGroupHeartbeats heartbeats, TopicCatalog catalog) {
        this.shard = shard;
        this.heartbeats = heartbeats;
        this.catalog = catalog;
    }

    ConsumerGroupDescribeResponseData.DescribedGroup describe(String groupId) {
        ConsumerGroupDescribeResponseData.DescribedGroup d =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        ConsumerGroup g = shard.consumerGroups.get(groupId);
        if (g == null) {
            ClassicGroup c = groupId == null ? null : shard.groups.get(groupId);
            boolean classic = c != null && !c.is(GroupState.DEAD) && c.protocolType != null;
            return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage(
                            classic
                                    ? "Group " + groupId + " is not a consumer group."
                                    : "Group " + groupId + " not found.")
                    .setGroupState("");
        }
        d.setGroupState(g.state().kafkaName())
                .setGroupEpoch(g.groupEpoch)
                .setAssignmentEpoch(g.assignmentEpoch)
                .setAssignorName(heartbeats.assignorName(g.members.values()));
        for (ConsumerGroupMember m : g.members.values()) {
            d.members()
                    .add(new ConsumerGroupDescribeResponseData.Member()
                            .setMemberId(m.memberId())
                            .setInstanceId(m.instanceId())
                            .setRackId(m.metadata().rackId())
                            .setMemberEpoch(m.memberEpoch())
                            .setClientId(m.metadata().clientId())
                            .setClientHost(m.metadata().clientHost())
                            .setSubscribedTopicNames(
                                    new ArrayList<>(m.metadata().subscribedTopicNames()))
                            .setSubscribedTopicRegex(m.metadata().subscribedTopicRegex())
                            .setAssignment(assignment(m.assignment().assigned()))
                            .setTargetAssignment(assignment(g.targetOf(m.memberId())))
                            .setMemberType(CONSUMER_MEMBER_TYPE));
        }
        return d;
    }

    private ConsumerGroupDescribeResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        ConsumerGroupDescribeResponseData.Assignment a = new ConsumerGroupDescribeResponseData.Assignment();
        for (Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
            TopicCatalog.TopicInfo t = catalog.byId(e.getKey());
            if (t == null) {
                continue; // a deleted topic: Kafka leaves it out too
            }
            a.topicPartitions()
                    .add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                            .setTopicId(e.getKey())
                            .setTopicName(t.name())
                            .setPartitions(new ArrayList<>(e.getValue())));
        }
        return a;
    }

    /** The consumer groups matching the (lower-cased, empty = any) filters, as ListGroups lists them. */
    List<ListGroupsResponseData.ListedGroup> list(Set<String> states, Set<String> types) {
        List<ListGroupsResponseData.ListedGroup> out = new ArrayList<>();
        if (!types.isEmpty() && !types.contains(CONSUMER_TYPE)) {
            return out;
        }
        for (ConsumerGroup g : shard.consumerGroups.all()) {
            String state = g.state().kafkaName();
            if (!states.isEmpty() && !states.contains(state.toLowerCase(Locale.ROOT))) {
                continue;
            }
            out.add(new ListGroupsResponseData.ListedGroup()
                    .setGroupId(g.groupId)
                    .setProtocolType(CONSUMER_TYPE)
                    .setGroupState(state)
                    .setGroupType(CONSUMER_TYPE));
        }
        return out;
    }

    /** DeleteGroups of a consumer group: only when empty; its offsets go with it. */
    DeleteGroupsResponseData.DeletableGroupResult delete(ConsumerGroup g) {
        DeleteGroupsResponseData.DeletableGroupResult r =
                new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(g.groupId);
        if (!g.isEmpty()) {
            return r.setErrorCode(Errors.NON_EMPTY_GROUP.code());
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        for (CoordinatorRecord rec : shard.deletionRecords(g.groupId)) {
            // The classic group-metadata tombstone is replaced by the consumer group's own tombstones.
            if (OffsetsTopicLayout.decodeKey(rec.key()) instanceof OffsetsTopicLayout.OffsetKey) {
                records.add(rec);
            }
        }
        records.addAll(ConsumerGroups.groupTombstones(g));
        if (!shard.write(records)) {
            return r.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        return r.setErrorCode(Errors.NONE.code());
    }

    /**
     * Kafka's OffsetCommit check for a consumer group: a memberless commit (epoch &lt; 0) only while the
     * group is empty; otherwise the member must exist and send its current epoch (STALE_MEMBER_EPOCH
     * from v9, ILLEGAL_GENERATION before). Null if the commit may proceed.
     */
    static Errors validateCommit(ConsumerGroup g, String memberId, int memberEpoch, short version) {
        if (memberEpoch < 0 && g.isEmpty()) {
            return null;
        }
        ConsumerGroupMember m = memberId == null ? null : g.member(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (memberEpoch != m.memberEpoch()) {
            return version >= 9 ? Errors.STALE_MEMBER_EPOCH : Errors.ILLEGAL_GENERATION;
        }
        return null;
    }

    /** Kafka's OffsetFetch check (v9+ with a member epoch): null if the fetch may proceed. */
    static Errors validateFetch(ConsumerGroup g, String memberId, int memberEpoch) {
        if (memberEpoch < 0) {
            return null;
        }
        ConsumerGroupMember m = memberId == null ? null : g.member(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == m.memberEpoch() ? null : Errors.STALE_MEMBER_EPOCH;
    }
}
