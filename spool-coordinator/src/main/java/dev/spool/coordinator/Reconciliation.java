package dev.spool.coordinator;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.MemberState;
import dev.spool.coordinator.assignor.Assignments;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * One reconciliation step of a member towards its target assignment (KIP-848): partitions to give up
 * are revoked first (the member keeps its epoch, state {@code UNREVOKED_PARTITIONS}, until a heartbeat
 * shows it no longer owns them); then the member moves to the target epoch and gets the partitions of
 * its target that no other member still owns; those still owned elsewhere are withheld
 * ({@code UNRELEASED_PARTITIONS}) until released. So a partition moves only after its previous owner
 * revoked it. Pure functions; stateless.
 */
final class Reconciliation {
    private Reconciliation() {}

    /** Who owns a partition: the owner's member epoch, or -1 if no other member holds or is revoking it. */
    interface Owners {
        int epochOf(Uuid topic, int partition);
    }

    /**
     * The member's next assignment; {@code current} itself if nothing changes.
     *
     * @param owned the partitions the member reported owning in this heartbeat, or null if not reported
     */
    static CurrentAssignment next(
            CurrentAssignment current,
            int targetEpoch,
            Map<Uuid, Set<Integer>> target,
            Owners owners,
            Map<Uuid, Set<Integer>> owned) {
        switch (current.state()) {
            case STABLE:
                if (current.memberEpoch() == targetEpoch) {
                    return current;
                }
                return compute(current, targetEpoch, target, owners);
            case UNREVOKED_PARTITIONS:
                if (owned == null || ownsAny(owned, current.pendingRevocation())) {
                    return current;
                }
                return compute(current, targetEpoch, target, owners);
            default:
                CurrentAssignment next = compute(current, targetEpoch, target, owners);
                boolean same = next.memberEpoch() == current.memberEpoch()
                        && next.state() == current.state()
                        && next.assigned().equals(current.assigned())
                        && next.pendingRevocation().equals(current.pendingRevocation());
                return same ? current : next;
        }
    }

    private static CurrentAssignment compute(
            CurrentAssignment current, int targetEpoch, Map<Uuid, Set<Integer>> target, Owners owners) {
        Map<Uuid, Set<Integer>> kept = new TreeMap<>();
        Map<Uuid, Set<Integer>> revoking = new TreeMap<>();
        Map<Uuid, Set<Integer>> assigning = new TreeMap<>();
        boolean unreleased = false;
        Set<Uuid> topics = new TreeSet<>(current.assigned().keySet());
        topics.addAll(target.keySet());
        for (Uuid t : topics) {
            Set<Integer> have = current.assigned().getOrDefault(t, Set.of());
            Set<Integer> want = target.getOrDefault(t, Set.of());
            for (int p : have) {
                (want.contains(p) ? kept : revoking)
                        .computeIfAbsent(t, x -> new TreeSet<>())
                        .add(p);
            }
            for (int p : want) {
                if (have.contains(p)) {
                    continue;
                }
                if (owners.epochOf(t, p) != -1) {
                    unreleased = true;
                } else {
                    assigning.computeIfAbsent(t, x -> new TreeSet<>()).add(p);
                }
            }
        }
        int epoch = current.memberEpoch();
        if (!revoking.isEmpty()) {
            return new CurrentAssignment(epoch, epoch, MemberState.UNREVOKED_PARTITIONS, kept, revoking);
        }
        assigning.forEach(
                (t, ps) -> kept.computeIfAbsent(t, x -> new TreeSet<>()).addAll(ps));
        MemberState state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
        return new CurrentAssignment(targetEpoch, epoch, state, kept, Map.of());
    }

    private static boolean ownsAny(Map<Uuid, Set<Integer>> owned, Map<Uuid, Set<Integer>> partitions) {
        for (Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
            for (int p : e.getValue()) {
                if (Assignments.contains(owned, e.getKey(), p)) {
                    return true;
                }
            }
        }
        return false;
    }
}
