package dev.spool.coordinator;

import dev.spool.coordinator.OffsetsTopicLayout.OffsetKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * TxnOffsetCommit on one shard and OffsetFetch's {@code require_stable}: a producer's offsets for a
 * group are written to the group's {@code __consumer_offsets} partition as one transactional batch and
 * wait in {@link PendingTxnOffsets} until the transaction's marker reaches the partition (the group
 * offsets then show them after COMMIT, never after ABORT). Member checks as Kafka: a request naming a
 * member or generation (v3+) must match the group's; one without (generation -1) is accepted. Runs on
 * the shard's thread only; not thread-safe.
 */
final class TxnOffsetCommits {
    private final GroupShard shard;

    TxnOffsetCommits(GroupShard shard) {
        this.shard = shard;
    }

    TxnOffsetCommitResponseData commit(TxnOffsetCommitRequestData req) {
        Errors groupError = validate(req);
        TxnOffsetCommitResponseData resp = new TxnOffsetCommitResponseData();
        List<CoordinatorRecord> records = new ArrayList<>();
        long now = shard.time.milliseconds();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : req.topics()) {
            TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(t.name());
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                Errors e = groupError;
                if (e == null) {
                    e = GroupOffsets.addCommit(
                            shard,
                            records,
                            new OffsetKey(req.groupId(), t.name(), p.partitionIndex()),
                            p.committedOffset(),
                            p.committedLeaderEpoch(),
                            p.committedMetadata(),
                            now);
                }
                rt.partitions()
                        .add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(e.code()));
            }
            resp.topics().add(rt);
        }
        if (!records.isEmpty() && !shard.writeTransactional(req.producerId(), req.producerEpoch(), records)) {
            for (TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic rt : resp.topics()) {
                for (TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition rp : rt.partitions()) {
                    if (rp.errorCode() == Errors.NONE.code()) {
                        rp.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
                    }
                }
            }
        }
        return resp;
    }

    private Errors validate(TxnOffsetCommitRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        int generation = req.generationIdOrMemberEpoch();
        String memberId = req.memberId() == null ? "" : req.memberId();
        ConsumerGroup consumerGroup = shard.consumerGroups.get(req.groupId());
        if (consumerGroup != null) {
            // a KIP-848 group: the member epoch must be the member's current one (ILLEGAL_GENERATION, as
            // Kafka answers a transactional commit, rather than STALE_MEMBER_EPOCH)
            return ConsumerGroupAdmin.validateCommit(consumerGroup, memberId, generation, (short) 0);
        }
        ClassicGroup group = shard.groups.get(req.groupId());
        if (group == null) {
            return generation >= 0 ? Errors.ILLEGAL_GENERATION : null;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && memberId.isEmpty() && req.groupInstanceId() == null) {
            return null;
        }
        return ClassicRebalance.validateMember(group, memberId, req.groupInstanceId(), generation);
    }

    /** {@code require_stable}: partitions with a pending transactional commit answer UNSTABLE_OFFSET_COMMIT. */
    OffsetFetchResponseData.OffsetFetchResponseGroup markUnstable(OffsetFetchResponseData.OffsetFetchResponseGroup g) {
        if (g.errorCode() != Errors.NONE.code() || shard.pendingTxnOffsets.producers() == 0) {
            return g;
        }
        for (OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
            for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                if (shard.pendingTxnOffsets.isPending(g.groupId(), t.name(), p.partitionIndex())) {
                    p.setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code())
                            .setCommittedOffset(GroupOffsets.INVALID_OFFSET)
                            .setCommittedLeaderEpoch(GroupOffsets.NO_EPOCH)
                            .setMetadata("");
                }
            }
        }
        return g;
    }
}
