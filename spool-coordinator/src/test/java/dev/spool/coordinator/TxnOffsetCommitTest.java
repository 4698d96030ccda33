package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transactional offset commits: pending until the marker, at run time and in a replay. */
class TxnOffsetCommitTest {
    static final long PID = 77L;

    MockClock clock;
    InMemoryCoordinatorLog log;
    GroupCoordinator coordinator;

    @BeforeEach
    void setUp() {
        clock = new MockClock();
        log = new InMemoryCoordinatorLog();
        coordinator = newCoordinator();
    }

    GroupCoordinator newCoordinator() {
        GroupCoordinatorConfig config =
                new GroupCoordinatorConfig(4, 1_000, 60_000, 3_000, 10, 600_000, 600_000, 16, 1);
        GroupCoordinator c = GroupCoordinator.create(config, log, clock, p -> clock);
        c.startup();
        c.ensureActive();
        return c;
    }

    Errors commit(String group, long offset, String metadata) {
        TxnOffsetCommitRequestData req = new TxnOffsetCommitRequestData()
                .setTransactionalId("tx")
                .setGroupId(group)
                .setProducerId(PID)
                .setProducerEpoch((short) 0);
        req.topics()
                .add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset)
                                .setCommittedMetadata(metadata))));
        TxnOffsetCommitResponseData r =
                coordinator.commitTransactionalOffsets(req).join();
        return Errors.forCode(r.topics().get(0).partitions().get(0).errorCode());
    }

    OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(String group, boolean requireStable) {
        List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics =
                List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName("t")
                        .setPartitionIndexes(List.of(0)));
        return coordinator
                .fetchOffsets(group, null, -1, topics, requireStable)
                .join()
                .topics()
                .get(0)
                .partitions()
                .get(0);
    }

    @Test
    void pendingUntilCommitMarkerThenVisible() {
        assertThat(commit("g", 42, "m")).isEqualTo(Errors.NONE);
        assertThat(fetch("g", false).committedOffset()).isEqualTo(-1L);
        assertThat(fetch("g", true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        int p = coordinator.partitionFor("g");
        log.writeMarker(p, PID, TransactionResult.COMMIT);
        coordinator.onTransactionCompleted(p, PID, TransactionResult.COMMIT);
        assertThat(fetch("g", true).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetch("g", true).committedOffset()).isEqualTo(42L);
        assertThat(fetch("g", false).metadata()).isEqualTo("m");
    }

    @Test
    void abortDropsThePendingOffsets() {
        commit("g", 42, null);
        int p = coordinator.partitionFor("g");
        log.writeMarker(p, PID, TransactionResult.ABORT);
        coordinator.onTransactionCompleted(p, PID, TransactionResult.ABORT);
        assertThat(fetch("g", true).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetch("g", true).committedOffset()).isEqualTo(-1L);
    }

    @Test
    void replayAppliesMarkersAndKeepsOpenTransactionsPending() {
        commit("g", 10, null);
        int p = coordinator.partitionFor("g");
        log.writeMarker(p, PID, TransactionResult.COMMIT);
        coordinator.onTransactionCompleted(p, PID, TransactionResult.COMMIT);
        commit("g", 20, null); // aborted later
        log.writeMarker(p, PID, TransactionResult.ABORT);
        commit("g", 30, null); // still open at the "crash"
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(fetch("g", false).committedOffset()).isEqualTo(10L);
        assertThat(fetch("g", true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        coordinator.onTransactionCompleted(p, PID, TransactionResult.COMMIT);
        assertThat(fetch("g", true).committedOffset()).isEqualTo(30L);
    }

    Errors plainCommit(String group, long offset) {
        OffsetCommitRequestData r =
                new OffsetCommitRequestData().setGroupId(group).setMemberId("").setGenerationIdOrMemberEpoch(-1);
        r.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset))));
        OffsetCommitResponseData resp = coordinator.commitOffsets(r, (short) 9).join();
        return Errors.forCode(resp.topics().get(0).partitions().get(0).errorCode());
    }

    @Test
    void aPlainCommitWrittenBetweenATransactionalOneAndItsMarkerWins() {
        commit("g", 10, null);
        assertThat(plainCommit("g", 15)).isEqualTo(Errors.NONE);
        int p = coordinator.partitionFor("g");
        log.writeMarker(p, PID, TransactionResult.COMMIT);
        coordinator.onTransactionCompleted(p, PID, TransactionResult.COMMIT);
        // As in Kafka, the later write in the log is the committed offset.
        assertThat(fetch("g", true).committedOffset()).isEqualTo(15L);
        // A transactional commit written after the plain one wins at its marker.
        commit("g", 20, null);
        log.writeMarker(p, PID, TransactionResult.COMMIT);
        coordinator.onTransactionCompleted(p, PID, TransactionResult.COMMIT);
        assertThat(fetch("g", true).committedOffset()).isEqualTo(20L);
        // A replay of the partition reaches the same answers.
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(fetch("g", true).committedOffset()).isEqualTo(20L);
    }

    @Test
    void aReplayKeepsThePlainCommitWrittenBeforeTheMarker() {
        commit("g", 10, null);
        plainCommit("g", 15);
        int p = coordinator.partitionFor("g");
        log.writeMarker(p, PID, TransactionResult.COMMIT);
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(fetch("g", true).committedOffset()).isEqualTo(15L);
    }

    @Test
    void badRequests() {
        assertThat(commit("", 1, null)).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(commit("g", 1, "x".repeat(17))).isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE);
        TxnOffsetCommitRequestData withGeneration = new TxnOffsetCommitRequestData()
                .setTransactionalId("tx")
                .setGroupId("nogroup")
                .setProducerId(PID)
                .setProducerEpoch((short) 0)
                .setGenerationIdOrMemberEpoch(3)
                .setMemberId("m");
        withGeneration
                .topics()
                .add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(1))));
        assertThat(coordinator
                        .commitTransactionalOffsets(withGeneration)
                        .join()
                        .topics()
                        .get(0)
                        .partitions()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        log.failAppends = true;
        assertThat(commit("g", 1, null)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        log.failAppends = false;
        assertThat(fetch("g", true).errorCode()).isEqualTo(Errors.NONE.code());
    }
}
