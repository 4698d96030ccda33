package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A classic-protocol group: its state machine ({@link GroupState}, changed only through
 * {@link #transitionTo}), generation, chosen protocol, leader, members and pending (member id
 * handed out, not yet joined) members. A group with no members and protocol type "" is a simple group
 * that only commits offsets. Owned by its shard's thread; not thread-safe.
 */
final class ClassicGroup {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroup.class);

    private static final Map<GroupState, Set<GroupState>> VALID_PREVIOUS = Map.of(
            GroupState.EMPTY, EnumSet.of(GroupState.PREPARING_REBALANCE),
            GroupState.PREPARING_REBALANCE,
                    EnumSet.of(GroupState.EMPTY, GroupState.STABLE, GroupState.COMPLETING_REBALANCE),
            GroupState.COMPLETING_REBALANCE, EnumSet.of(GroupState.PREPARING_REBALANCE),
            GroupState.STABLE, EnumSet.of(GroupState.COMPLETING_REBALANCE),
            GroupState.DEAD, EnumSet.allOf(GroupState.class));

    final String groupId;
    private GroupState state = GroupState.EMPTY;
    long stateTimestampMs;
    int generation;
    String protocolType;
    String protocolName;
    String leaderId;
    final LinkedHashMap<String, ClassicMember> members = new LinkedHashMap<>();
    final Map<String, String> staticMembers = new HashMap<>();
    final Set<String> pendingMembers = new LinkedHashSet<>();
    final Map<String, ShardScheduler.Timer> pendingTimers = new HashMap<>();
    /** The timer completing the current join phase (or the sync phase), if any. */
    ShardScheduler.Timer rebalanceTimer;
    /** True while the initial delayed join of an empty group runs (no early completion). */
    boolean initialDelayActive;
    /** A new member joined during the initial delay (extends it). */
    boolean newMemberAdded;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    /** The one place the state changes; logs the reason. */
    void transitionTo(GroupState next, long nowMs, String reason) {
        if (!VALID_PREVIOUS.get(next).contains(state)) {
            throw new IllegalStateException(
                    "group " + groupId + ": illegal transition " + state + " -> " + next + " (" + reason + ")");
        }
        LOG.debug("group {} {} -> {}: {}", groupId, state, next, reason);
        state = next;
        stateTimestampMs = nowMs;
    }

    /** Sets the state read from the log (loading), bypassing the transition rules. */
    void restoreState(GroupState s, long stateTimestampMs) {
        this.state = s;
        this.stateTimestampMs = stateTimestampMs;
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    int size() {
        return members.size();
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    void add(ClassicMember m) {
        if (members.isEmpty()) {
            protocolType = m.protocolType;
        }
        members.put(m.memberId, m);
        if (m.groupInstanceId != null) {
            staticMembers.put(m.groupInstanceId, m.memberId);
        }
        if (leaderId == null) {
            leaderId = m.memberId;
        }
    }

    void remove(String memberId) {
        ClassicMember m = members.remove(memberId);
        if (m == null) {
            return;
        }
        if (m.groupInstanceId != null && memberId.equals(staticMembers.get(m.groupInstanceId))) {
            staticMembers.remove(m.groupInstanceId);
        }
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** The member id of the static member {@code instanceId}, or null. */
    String staticMemberId(String instanceId) {
        return staticMembers.get(instanceId);
    }

    /**
     * Kafka's protocol check: an empty group accepts any non-empty type with at least one protocol;
     * otherwise the type must match and one protocol must be supported by every member.
     */
    boolean supportsProtocols(String type, Collection<String> protocols) {
        if (members.isEmpty()) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (String p : protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p))) {
                return true;
            }
        }
        return false;
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    int maxRebalanceTimeoutMs() {
        int max = 0;
        for (ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /** Kafka's vote: each member votes for its first choice among the protocols all support. */
    String selectProtocol() {
        List<String> candidates = new ArrayList<>();
        ClassicMember first = members.values().iterator().next();
        for (ClassicMember.Protocol p : first.protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                candidates.add(p.name());
            }
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicMember m : members.values()) {
            for (ClassicMember.Protocol p : m.protocols) {
                if (candidates.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (String c : candidates) {
            int v = votes.getOrDefault(c, 0);
            if (v > bestVotes) {
                best = c;
                bestVotes = v;
            }
        }
        return best;
    }

    /** The topics the members subscribe to (consumer protocol), from their subscriptions. */
    Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        if (!"consumer".equals(protocolType) || protocolName == null) {
            return topics;
        }
        for (ClassicMember m : members.values()) {
            byte[] md = m.metadata(protocolName);
            if (md != null) {
                topics.addAll(ConsumerProtocolSubscriptions.topics(md));
            }
        }
        return topics;
    }

    void cancelRebalanceTimer() {
        if (rebalanceTimer != null) {
            rebalanceTimer.cancel();
            rebalanceTimer = null;
        }
    }
}
