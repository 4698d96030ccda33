package dev.spool.server;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.GroupCoordinator;
import dev.spool.coordinator.TransactionResult;
import dev.spool.coordinator.TxnMarkerWriter;
import dev.spool.storage.TxnResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator's {@link TxnMarkerWriter} port over the partition logs: each marker goes
 * through {@link TxnMarkerService} (a control batch in the partition's log, the last stable offset
 * moves, waiting fetches wake). A marker written to a {@code __consumer_offsets} partition is then
 * handed to the group coordinator, which applies (COMMIT) or drops (ABORT) the producer's pending
 * transactional offset commits there; a later load finds the marker in the log and does the same.
 * Thread-safe (the service and the coordinator are).
 */
final class LogTxnMarkerWriter implements TxnMarkerWriter {
    private final TxnMarkerService markers;
    private final GroupCoordinator groups;

    LogTxnMarkerWriter(TxnMarkerService markers, GroupCoordinator groups) {
        this.markers = markers;
        this.groups = groups;
    }

    @Override
    public Errors write(
            TopicPartition partition,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            TransactionResult result) {
        Errors e = markers.write(
                partition,
                producerId,
                producerEpoch,
                coordinatorEpoch,
                result == TransactionResult.COMMIT ? TxnResult.COMMIT : TxnResult.ABORT);
        if (e == Errors.NONE && partition.topic().equals(OffsetsTopicLog.TOPIC)) {
            groups.onTransactionCompleted(partition.partition(), producerId, result);
        }
        return e;
    }
}
