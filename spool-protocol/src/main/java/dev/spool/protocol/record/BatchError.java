package dev.spool.protocol.record;

import org.apache.kafka.common.protocol.Errors;

/** Why a batch was refused, with the Kafka error a produce response carries for it. */
public enum BatchError {
    NONE(Errors.NONE),
    /** Bytes that do not form a batch: bad CRC, sizes that do not add up, a batch cut short. */
    CORRUPT(Errors.CORRUPT_MESSAGE),
    /** A well-formed batch with invalid content: record count or offsets inconsistent, bad codec. */
    INVALID_RECORD(Errors.INVALID_RECORD),
    /** Magic other than 2: Kafka 4 accepts only v2 batches. */
    UNSUPPORTED_MAGIC(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT),
    /** A batch larger than {@code max.message.bytes}. */
    TOO_LARGE(Errors.MESSAGE_TOO_LARGE),
    /** A CreateTime timestamp outside {@code message.timestamp.before/after.max.ms} of the broker's clock. */
    INVALID_TIMESTAMP(Errors.INVALID_TIMESTAMP),
    /** An idempotent producer's batch whose sequence does not follow its last one. */
    OUT_OF_ORDER_SEQUENCE(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER),
    /** An idempotent producer's batch with an epoch older than one already seen. */
    INVALID_PRODUCER_EPOCH(Errors.INVALID_PRODUCER_EPOCH),
    /** A non-transactional batch from a producer with a transaction ongoing on the partition. */
    INVALID_TXN_STATE(Errors.INVALID_TXN_STATE),
    /** A transaction marker from a coordinator epoch older than one already seen for the producer. */
    TRANSACTION_COORDINATOR_FENCED(Errors.TRANSACTION_COORDINATOR_FENCED);

    private final Errors kafkaError;

    BatchError(Errors kafkaError) {
        this.kafkaError = kafkaError;
    }

    public Errors kafkaError() {
        return kafkaError;
    }
}
