package dev.spool.coordinator;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.MemberMetadata;
import dev.spool.coordinator.ConsumerGroupRecords.MemberState;
import java.util.List;
import java.util.Map;

/**
 * A member of a KIP-848 consumer group as persisted: its metadata (record type 5) and its current
 * assignment (record type 8). Immutable; a change is a new member built by {@link #withMetadata} or
 * {@link #withAssignment}.
 */
record ConsumerGroupMember(String memberId, MemberMetadata metadata, CurrentAssignment assignment) {

    /** Member epoch of a static member that left temporarily (it keeps its partitions). */
    static final int LEFT_STATIC_EPOCH = -2;

    /** Member epoch that leaves the group. */
    static final int LEAVE_EPOCH = -1;

    /** A member that just joined: no metadata yet, epoch 0, nothing assigned. */
    static ConsumerGroupMember joining(String memberId) {
        return new ConsumerGroupMember(
                memberId,
                new MemberMetadata(null, null, "", "", List.of(), null, -1, null),
                new CurrentAssignment(0, -1, MemberState.STABLE, Map.of(), Map.of()));
    }

    ConsumerGroupMember withMetadata(MemberMetadata m) {
        return new ConsumerGroupMember(memberId, m, assignment);
    }

    ConsumerGroupMember withAssignment(CurrentAssignment a) {
        return new ConsumerGroupMember(memberId, metadata, a);
    }

    int memberEpoch() {
        return assignment.memberEpoch();
    }

    String instanceId() {
        return metadata.instanceId();
    }
}
