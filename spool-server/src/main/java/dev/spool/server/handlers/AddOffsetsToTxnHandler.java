package dev.spool.server.handlers;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.GroupCoordinator;
import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * AddOffsetsToTxn (v0..v4): adds the group's {@code __consumer_offsets} partition to the producer's
 * transaction (so its transactional offset commits get the transaction's marker), as Kafka does.
 */
public final class AddOffsetsToTxnHandler extends AsyncHandler<AddOffsetsToTxnRequestData> {
    static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;

    public AddOffsetsToTxnHandler(TransactionCoordinator transactions, GroupCoordinator groups) {
        super(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4);
        this.transactions = transactions;
        this.groups = groups;
    }

    @Override
    CompletableFuture<AddOffsetsToTxnResponseData> respond(RequestContext ctx, AddOffsetsToTxnRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(
                    new AddOffsetsToTxnResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        if (!groups.ensureActive()) {
            return CompletableFuture.completedFuture(
                    new AddOffsetsToTxnResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()));
        }
        TopicPartition offsets = new TopicPartition(OFFSETS_TOPIC, groups.partitionFor(request.groupId()));
        return transactions
                .addPartitions(
                        request.transactionalId(), request.producerId(), request.producerEpoch(), List.of(offsets))
                .thenApply(e -> new AddOffsetsToTxnResponseData().setErrorCode(e.code()));
    }
}
