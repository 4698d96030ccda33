package dev.spool.server.handlers;

import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.server.ProducerIdManager;
import dev.spool.server.network.RequestContext;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId (v0..v6). Without a transactional id (idempotent producers), as Kafka's coordinator
 * does, every request gets a new producer id with epoch 0, also when it names the producer's current id
 * and epoch (KIP-360: a non-transactional producer bumps its epoch itself and asks for a new id only
 * when the epoch is exhausted). With one, the {@link TransactionCoordinator} answers (epoch bump,
 * fencing, abort of an ongoing transaction). A producer id without an epoch, or the reverse, is
 * INVALID_REQUEST. Two-phase commit (KIP-939, v6 {@code enable2Pc}/{@code keepPreparedTxn}) is not
 * enabled: such a request gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka answers with
 * {@code transaction.two.phase.commit.enable=false}.
 */
public final class InitProducerIdHandler extends AsyncHandler<InitProducerIdRequestData> {
    private static final Logger LOG = LoggerFactory.getLogger(InitProducerIdHandler.class);

    private final ProducerIdManager producerIds;
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator transactions) {
        super(
                ApiKeys.INIT_PRODUCER_ID,
                ApiKeys.INIT_PRODUCER_ID.oldestVersion(),
                ApiKeys.INIT_PRODUCER_ID.latestVersion());
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    CompletableFuture<InitProducerIdResponseData> respond(RequestContext ctx, InitProducerIdRequestData request) {
        InitProducerIdResponseData data = new InitProducerIdResponseData()
                .setProducerId(RecordBatch.NO_PRODUCER_ID)
                .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
        boolean hasId = request.producerId() != RecordBatch.NO_PRODUCER_ID;
        boolean hasEpoch = request.producerEpoch() != RecordBatch.NO_PRODUCER_EPOCH;
        if (hasId != hasEpoch) {
            return CompletableFuture.completedFuture(data.setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        if (request.enable2Pc() || request.keepPreparedTxn()) {
            return CompletableFuture.completedFuture(
                    data.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
        }
        if (request.transactionalId() != null) {
            return transactions
                    .initProducerId(
                            request.transactionalId(),
                            request.transactionTimeoutMs(),
                            request.producerId(),
                            request.producerEpoch())
                    .thenApply(r -> data.setErrorCode(r.error().code())
                            .setProducerId(r.producerId())
                            .setProducerEpoch(r.producerEpoch()));
        }
        try {
            return CompletableFuture.completedFuture(
                    data.setProducerId(producerIds.generate()).setProducerEpoch((short) 0));
        } catch (IOException e) {
            // Kafka answers this when no id block can be had; the client retries.
            LOG.warn("Could not reserve producer ids", e);
            return CompletableFuture.completedFuture(data.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
        }
    }
}
