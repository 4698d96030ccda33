package dev.spool.server.handlers;

import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.coordinator.TransactionResult;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * EndTxn (v0..v4): commit or abort the producer's transaction. v5 (KIP-890 part 2, an epoch bump per
 * transaction) is not served: Spool does not finalize {@code transaction.version} 2.
 */
public final class EndTxnHandler extends AsyncHandler<EndTxnRequestData> {
    private final TransactionCoordinator transactions;

    public EndTxnHandler(TransactionCoordinator transactions) {
        super(ApiKeys.END_TXN, 0, 4);
        this.transactions = transactions;
    }

    @Override
    CompletableFuture<EndTxnResponseData> respond(RequestContext ctx, EndTxnRequestData request) {
        TransactionResult result = request.committed() ? TransactionResult.COMMIT : TransactionResult.ABORT;
        return transactions
                .endTransaction(request.transactionalId(), request.producerId(), request.producerEpoch(), result)
                .thenApply(e -> new EndTxnResponseData().setErrorCode(e.code()));
    }
}
