package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * TxnOffsetCommit (v0..v4): a transactional producer's offsets for a group (sendOffsetsToTransaction),
 * written to the group's {@code __consumer_offsets} partition as a transactional batch; they take effect
 * when the transaction's COMMIT marker reaches that partition. v5 (KIP-890 part 2 semantics) and v6
 * (topic ids) are not served.
 */
public final class TxnOffsetCommitHandler extends AsyncHandler<TxnOffsetCommitRequestData> {
    private final GroupCoordinator groups;

    public TxnOffsetCommitHandler(GroupCoordinator groups) {
        super(ApiKeys.TXN_OFFSET_COMMIT, 0, 4);
        this.groups = groups;
    }

    @Override
    CompletableFuture<TxnOffsetCommitResponseData> respond(RequestContext ctx, TxnOffsetCommitRequestData request) {
        return groups.commitTransactionalOffsets(request);
    }
}
