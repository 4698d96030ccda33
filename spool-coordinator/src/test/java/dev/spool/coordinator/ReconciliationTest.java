package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.MemberState;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The reconciliation steps of one member. */
class ReconciliationTest {
    static final Uuid T = Uuid.randomUuid();
    static final Reconciliation.Owners FREE = (t, p) -> -1;

    static CurrentAssignment stable(int epoch, Integer... partitions) {
        return new CurrentAssignment(epoch, epoch - 1, MemberState.STABLE, Map.of(T, Set.of(partitions)), Map.of());
    }

    @Test
    void aStableMemberAtTheTargetEpochDoesNotChange() {
        CurrentAssignment a = stable(3, 0, 1);
        assertThat(Reconciliation.next(a, 3, Map.of(T, Set.of(0, 1)), FREE, null))
                .isSameAs(a);
    }

    @Test
    void revocationComesFirstAndKeepsTheEpoch() {
        CurrentAssignment a = stable(3, 0, 1, 2);
        CurrentAssignment r = Reconciliation.next(a, 4, Map.of(T, Set.of(0, 3)), FREE, null);
        assertThat(r.state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(r.memberEpoch()).isEqualTo(3);
        assertThat(r.assigned()).isEqualTo(Map.of(T, Set.of(0)));
        assertThat(r.pendingRevocation()).isEqualTo(Map.of(T, Set.of(1, 2)));
        // not confirmed (owned unknown or still holding a revoked partition): no change
        assertThat(Reconciliation.next(r, 4, Map.of(T, Set.of(0, 3)), FREE, null))
                .isSameAs(r);
        assertThat(Reconciliation.next(r, 4, Map.of(T, Set.of(0, 3)), FREE, Map.of(T, Set.of(0, 2))))
                .isSameAs(r);
        // confirmed: moves to the target epoch and gets the free partition 3
        CurrentAssignment done = Reconciliation.next(r, 4, Map.of(T, Set.of(0, 3)), FREE, Map.of(T, Set.of(0)));
        assertThat(done.state()).isEqualTo(MemberState.STABLE);
        assertThat(done.memberEpoch()).isEqualTo(4);
        assertThat(done.previousMemberEpoch()).isEqualTo(3);
        assertThat(done.assigned()).isEqualTo(Map.of(T, Set.of(0, 3)));
    }

    @Test
    void partitionsStillOwnedElsewhereAreWithheldUntilReleased() {
        CurrentAssignment a = stable(3, 0);
        Reconciliation.Owners ownedBy5 = (t, p) -> p == 1 ? 5 : -1;
        CurrentAssignment w = Reconciliation.next(a, 4, Map.of(T, Set.of(0, 1, 2)), ownedBy5, null);
        assertThat(w.state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(w.memberEpoch()).isEqualTo(4);
        assertThat(w.assigned()).isEqualTo(Map.of(T, Set.of(0, 2)));
        // still owned: nothing changes (no new record)
        assertThat(Reconciliation.next(w, 4, Map.of(T, Set.of(0, 1, 2)), ownedBy5, null))
                .isSameAs(w);
        CurrentAssignment released = Reconciliation.next(w, 4, Map.of(T, Set.of(0, 1, 2)), FREE, null);
        assertThat(released.state()).isEqualTo(MemberState.STABLE);
        assertThat(released.assigned()).isEqualTo(Map.of(T, Set.of(0, 1, 2)));
    }
}
