package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups, DescribeGroups and DeleteGroups on one shard. Runs on the shard's thread only; not
 * thread-safe.
 */
final class GroupAdmin {
    /** "Authorized operations not requested." */
    static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    /** ListGroups' group type of classic groups. */
    static final String CLASSIC_TYPE = "classic";

    private final GroupShard shard;

    GroupAdmin(GroupShard shard) {
        this.shard = shard;
    }

    /** The groups matching the filters (empty filter = any), as Kafka lists them. */
    List<ListGroupsResponseData.ListedGroup> list(List<String> statesFilter, List<String> typesFilter) {
        Set<String> states = statesFilter == null
                ? Set.of()
                : statesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> types = typesFilter == null
                ? Set.of()
                : typesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<ListGroupsResponseData.ListedGroup> out = new ArrayList<>();
        for (ClassicGroup g : shard.allGroups()) {
            if (g.is(GroupState.DEAD) || g.protocolType == null) {
                continue; // a group still being created by its first join
            }
            String state = g.state().kafkaName();
            if (!states.isEmpty() && !states.contains(state.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!types.isEmpty() && !types.contains(CLASSIC_TYPE)) {
                continue;
            }
            out.add(new ListGroupsResponseData.ListedGroup()
                    .setGroupId(g.groupId)
                    .setProtocolType(g.protocolType)
                    .setGroupState(state)
                    .setGroupType(CLASSIC_TYPE));
        }
        return out;
    }

    static List<ListGroupsResponseData.ListedGroup> concat(
            List<ListGroupsResponseData.ListedGroup> a, List<ListGroupsResponseData.ListedGroup> b) {
        List<ListGroupsResponseData.ListedGroup> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    DescribeGroupsResponseData.DescribedGroup describe(String groupId, short version) {
        DescribeGroupsResponseData.DescribedGroup d = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId)
                .setAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        // As Kafka: an empty id is just a group that does not exist.
        ClassicGroup g = groupId == null ? null : shard.groups.get(groupId);
        if (g == null || g.is(GroupState.DEAD) || g.protocolType == null) {
            d.setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("").setProtocolData("");
            if (version >= 6) {
                String why = shard.consumerGroups.contains(groupId) ? " is not a classic group." : " not found.";
                d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + why);
            }
            return d;
        }
        boolean stable = g.is(GroupState.STABLE);
        d.setGroupState(g.state().kafkaName())
                .setProtocolType(g.protocolType)
                .setProtocolData(stable && g.protocolName != null ? g.protocolName : "");
        for (ClassicMember m : g.members.values()) {
            byte[] md = stable && g.protocolName != null ? m.metadata(g.protocolName) : null;
            d.members()
                    .add(new DescribeGroupsResponseData.DescribedGroupMember()
                            .setMemberId(m.memberId)
                            .setGroupInstanceId(m.groupInstanceId)
                            .setClientId(m.clientId)
                            .setClientHost(m.clientHost)
                            .setMemberMetadata(md == null ? new byte[0] : md)
                            .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return d;
    }

    DeleteGroupsResponseData.DeletableGroupResult delete(String groupId) {
        DeleteGroupsResponseData.DeletableGroupResult r =
                new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId);
        ClassicGroup g = groupId == null ? null : shard.groups.get(groupId);
        if (g == null || g.is(GroupState.DEAD) || g.protocolType == null) {
            return r.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
        }
        if (!g.is(GroupState.EMPTY) || !g.pendingMembers.isEmpty()) {
            return r.setErrorCode(Errors.NON_EMPTY_GROUP.code());
        }
        if (!shard.write(shard.deletionRecords(groupId))) {
            return r.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        return r.setErrorCode(Errors.NONE.code());
    }
}
