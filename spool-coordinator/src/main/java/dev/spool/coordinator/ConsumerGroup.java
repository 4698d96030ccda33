package dev.spool.coordinator;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.MemberMetadata;
import dev.spool.coordinator.ConsumerGroupRecords.MemberState;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KIP-848 consumer group: group epoch (and the hash of its subscribed topics' metadata), target
 * assignment (epoch and partitions per member), members with their current assignments, and who owns
 * each partition (assigned or being revoked). Persisted state changes only through the {@code apply*}
 * methods, called by {@link ConsumerGroups#replay}. The state ({@link ConsumerGroupState}) is derived
 * from that state after every change, in {@link #updateState}, which logs transitions. The session and
 * revocation timers are runtime state. Owned by its shard's thread; not thread-safe.
 */
final class ConsumerGroup {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroup.class);

    final String groupId;
    int groupEpoch;
    long metadataHash;
    int assignmentEpoch;
    /** member id → target partitions. */
    final Map<String, Map<Uuid, Set<Integer>>> target = new HashMap<>();

    final Map<String, ConsumerGroupMember> members = new TreeMap<>();
    final Map<String, String> staticMembers = new HashMap<>();
    /** topic → partition → epoch of the member owning it (assigned or pending revocation). */
    private final Map<Uuid, Map<Integer, Integer>> ownerEpochs = new HashMap<>();

    private ConsumerGroupState state = ConsumerGroupState.EMPTY;
    final Map<String, ShardScheduler.Timer> sessionTimers = new HashMap<>();
    final Map<String, ShardScheduler.Timer> revocationTimers = new HashMap<>();

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    ConsumerGroupState state() {
        return state;
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    ConsumerGroupMember member(String memberId) {
        return members.get(memberId);
    }

    Map<Uuid, Set<Integer>> targetOf(String memberId) {
        return target.getOrDefault(memberId, Map.of());
    }

    /** The epoch of the member owning a partition, ignoring member {@code except}; -1 if none. */
    int ownerEpoch(Uuid topic, int partition, String except) {
        Map<Integer, Integer> byPartition = ownerEpochs.get(topic);
        Integer epoch = byPartition == null ? null : byPartition.get(partition);
        if (epoch == null) {
            return -1;
        }
        ConsumerGroupMember m = members.get(except);
        if (m != null
                && (contains(m.assignment().assigned(), topic, partition)
                        || contains(m.assignment().pendingRevocation(), topic, partition))) {
            return -1;
        }
        return epoch;
    }

    private static boolean contains(Map<Uuid, Set<Integer>> a, Uuid topic, int partition) {
        Set<Integer> ps = a.get(topic);
        return ps != null && ps.contains(partition);
    }

    // ---- replay (the only changes to persisted state)

    void applyGroupMetadata(int epoch, long hash) {
        groupEpoch = epoch;
        metadataHash = hash;
        updateState("group epoch " + epoch);
    }

    void applyTargetEpoch(int epoch) {
        assignmentEpoch = epoch;
        updateState("target assignment epoch " + epoch);
    }

    void applyTarget(String memberId, Map<Uuid, Set<Integer>> partitions) {
        if (partitions == null) {
            target.remove(memberId);
        } else {
            target.put(memberId, partitions);
        }
    }

    void applyMemberMetadata(String memberId, MemberMetadata metadata) {
        ConsumerGroupMember old = members.get(memberId);
        if (metadata == null) {
            if (old != null) {
                removeOwnership(old);
                members.remove(memberId);
                if (old.instanceId() != null && memberId.equals(staticMembers.get(old.instanceId()))) {
                    staticMembers.remove(old.instanceId());
                }
            }
        } else {
            ConsumerGroupMember m = (old == null ? ConsumerGroupMember.joining(memberId) : old).withMetadata(metadata);
            members.put(memberId, m);
            if (metadata.instanceId() != null) {
                staticMembers.put(metadata.instanceId(), memberId);
            }
        }
        updateState("member " + memberId + (metadata == null ? " removed" : " updated"));
    }

    void applyCurrentAssignment(String memberId, CurrentAssignment assignment) {
        ConsumerGroupMember old = members.get(memberId);
        if (old == null) {
            if (assignment == null) {
                return;
            }
            old = ConsumerGroupMember.joining(memberId);
        } else {
            removeOwnership(old);
        }
        CurrentAssignment a =
                assignment == null ? new CurrentAssignment(0, -1, MemberState.STABLE, Map.of(), Map.of()) : assignment;
        ConsumerGroupMember m = old.withAssignment(a);
        members.put(memberId, m);
        addOwnership(m);
        updateState("member " + memberId + " at epoch " + a.memberEpoch() + " " + a.state());
    }

    private void addOwnership(ConsumerGroupMember m) {
        int epoch = m.memberEpoch();
        for (Map<Uuid, Set<Integer>> a :
                java.util.List.of(m.assignment().assigned(), m.assignment().pendingRevocation())) {
            a.forEach((t, ps) -> {
                Map<Integer, Integer> byPartition = ownerEpochs.computeIfAbsent(t, x -> new HashMap<>());
                for (int p : ps) {
                    byPartition.put(p, epoch);
                }
            });
        }
    }

    private void removeOwnership(ConsumerGroupMember m) {
        for (Map<Uuid, Set<Integer>> a :
                java.util.List.of(m.assignment().assigned(), m.assignment().pendingRevocation())) {
            a.forEach((t, ps) -> {
                Map<Integer, Integer> byPartition = ownerEpochs.get(t);
                if (byPartition != null) {
                    ps.forEach(byPartition::remove);
                    if (byPartition.isEmpty()) {
                        ownerEpochs.remove(t);
                    }
                }
            });
        }
    }

    /** Marks the group deleted (its tombstone was replayed) and stops its timers. */
    void markDead() {
        cancelTimers();
        transitionTo(ConsumerGroupState.DEAD, "group deleted");
    }

    /** Kafka's derivation of the group state from its epochs and members. */
    private void updateState(String reason) {
        ConsumerGroupState next;
        if (members.isEmpty()) {
            next = ConsumerGroupState.EMPTY;
        } else if (groupEpoch > assignmentEpoch) {
            next = ConsumerGroupState.ASSIGNING;
        } else {
            next = ConsumerGroupState.STABLE;
            for (ConsumerGroupMember m : members.values()) {
                if (m.memberEpoch() != assignmentEpoch || m.assignment().state() != MemberState.STABLE) {
                    next = ConsumerGroupState.RECONCILING;
                    break;
                }
            }
        }
        transitionTo(next, reason);
    }

    /** The one place the state changes; logs the reason. */
    private void transitionTo(ConsumerGroupState next, String reason) {
        if (next != state) {
            LOG.debug("consumer group {} {} -> {}: {}", groupId, state, next, reason);
            state = next;
        }
    }

    void cancelTimers() {
        sessionTimers.values().forEach(ShardScheduler.Timer::cancel);
        sessionTimers.clear();
        revocationTimers.values().forEach(ShardScheduler.Timer::cancel);
        revocationTimers.clear();
    }

    void cancelTimers(String memberId) {
        ShardScheduler.Timer t = sessionTimers.remove(memberId);
        if (t != null) {
            t.cancel();
        }
        t = revocationTimers.remove(memberId);
        if (t != null) {
            t.cancel();
        }
    }
}
