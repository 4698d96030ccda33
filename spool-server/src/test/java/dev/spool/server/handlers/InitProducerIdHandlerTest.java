package dev.spool.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.metadata.MetadataImage;
import dev.spool.metadata.MetadataQuorum;
import dev.spool.metadata.MetadataRecord;
import dev.spool.server.ProducerIdManager;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class InitProducerIdHandlerTest {
    /** An in-memory quorum (the port's test double; the real one is covered by ProducerIdManagerTest). */
    static final class MemoryQuorum implements MetadataQuorum {
        MetadataImage image = MetadataImage.EMPTY;
        boolean failing;

        @Override
        public MetadataImage image() {
            return image;
        }

        @Override
        public MetadataImage append(List<MetadataRecord> records) throws IOException {
            if (failing) {
                throw new IOException("disk gone");
            }
            for (MetadataRecord r : records) {
                image = image.replay(r, image.offset() + 1);
            }
            return image;
        }

        @Override
        public void close() {}
    }

    final MemoryQuorum quorum = new MemoryQuorum();
    /** Transactional ids go to the coordinator (covered by TransactionsTest); none here. */
    final InitProducerIdHandler handler = new InitProducerIdHandler(new ProducerIdManager(quorum, 1), null);

    InitProducerIdResponseData call(InitProducerIdRequestData request) {
        return handler.respond(null, request).join();
    }

    static InitProducerIdRequestData request(String txnId, long producerId, int epoch) {
        return new InitProducerIdRequestData()
                .setTransactionalId(txnId)
                .setTransactionTimeoutMs(60_000)
                .setProducerId(producerId)
                .setProducerEpoch((short) epoch);
    }

    @Test
    void aFreshIdempotentProducerGetsANewIdAtEpochZero() {
        InitProducerIdResponseData first = call(request(null, -1, -1));
        InitProducerIdResponseData second = call(request(null, -1, -1));
        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.producerEpoch()).isZero();
        assertThat(second.producerId()).isNotEqualTo(first.producerId());
    }

    @Test
    void anExistingIdAndEpochGetANewIdAsKafkaDoesWithoutTransactionalId() {
        InitProducerIdResponseData first = call(request(null, -1, -1));
        InitProducerIdResponseData bumped = call(request(null, first.producerId(), Short.MAX_VALUE));
        assertThat(bumped.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(bumped.producerId()).isNotEqualTo(first.producerId());
        assertThat(bumped.producerEpoch()).isZero();
    }

    @Test
    void anIdWithoutEpochIsAnInvalidRequest() {
        assertThat(call(request(null, 5, -1)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(call(request(null, -1, 3)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void twoPhaseCommitIsRefusedAsKafkaDoesWhenItIsDisabled() {
        InitProducerIdResponseData r = call(request("txn", -1, -1).setEnable2Pc(true));
        assertThat(r.errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(r.producerId()).isEqualTo(-1);
    }

    @Test
    void aFailedReservationIsRetriable() {
        quorum.failing = true;
        assertThat(call(request(null, -1, -1)).errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        quorum.failing = false;
        assertThat(call(request(null, -1, -1)).errorCode()).isEqualTo(Errors.NONE.code());
    }
}
