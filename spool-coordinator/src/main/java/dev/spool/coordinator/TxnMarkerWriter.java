package dev.spool.coordinator;

import dev.spool.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Port: writes a transaction marker (a COMMIT or ABORT control batch) to one partition of a
 * transaction, data partition or {@code __consumer_offsets} partition alike. The server implements it
 * over its partition logs; tests record the calls. Called from the transaction coordinator's shard
 * threads; implementations must be thread-safe.
 */
public interface TxnMarkerWriter {

    /**
     * Writes the marker; returns NONE once it is in the partition's log, UNKNOWN_TOPIC_OR_PARTITION if the
     * partition no longer exists, INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED if the partition
     * knows a newer producer epoch or coordinator (the coordinator then forgets that partition), any other
     * error to be retried.
     */
    Errors write(
            TopicPartition partition,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            TransactionResult result);
}
