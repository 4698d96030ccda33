package dev.spool.server.handlers;

import dev.spool.protocol.record.RecordBatch;
import dev.spool.server.ProducerIdManager;
import dev.spool.server.network.RequestContext;
import java.io.IOException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId for idempotent (non-transactional) producers. As Kafka's transaction coordinator does
 * for a null transactional id, every request gets a new producer id with epoch 0, also when it names
 * the producer's current id and epoch (KIP-360: a non-transactional producer bumps its epoch itself and
 * asks for a new id only when the epoch is exhausted). A producer id without an epoch, or the reverse,
 * is INVALID_REQUEST. Transactional ids are refused until transactions exist.
 */
public final class InitProducerIdHandler extends SimpleHandler<InitProducerIdRequestData> {
    private static final Logger LOG = LoggerFactory.getLogger(InitProducerIdHandler.class);

    private final ProducerIdManager producerIds;

    public InitProducerIdHandler(ProducerIdManager producerIds) {
        super(
                ApiKeys.INIT_PRODUCER_ID,
                ApiKeys.INIT_PRODUCER_ID.oldestVersion(),
                ApiKeys.INIT_PRODUCER_ID.latestVersion());
        this.producerIds = producerIds;
    }

    @Override
    ApiMessage respond(RequestContext ctx, InitProducerIdRequestData request) {
        InitProducerIdResponseData data = new InitProducerIdResponseData()
                .setProducerId(RecordBatch.NO_PRODUCER_ID)
                .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
        if (request.transactionalId() != null) {
            // Transactions (issue 7 part 2) are not built: a clear, fatal error for the client.
            return data.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        }
        boolean hasId = request.producerId() != RecordBatch.NO_PRODUCER_ID;
        boolean hasEpoch = request.producerEpoch() != RecordBatch.NO_PRODUCER_EPOCH;
        if (hasId != hasEpoch) {
            return data.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        try {
            return data.setProducerId(producerIds.generate()).setProducerEpoch((short) 0);
        } catch (IOException e) {
            // Kafka answers this when no id block can be had; the client retries.
            LOG.warn("Could not reserve producer ids", e);
            return data.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        }
    }
}
