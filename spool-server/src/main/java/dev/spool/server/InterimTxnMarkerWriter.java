package dev.spool.server;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.GroupCoordinator;
import dev.spool.coordinator.TransactionResult;
import dev.spool.coordinator.TxnMarkerWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interim {@link TxnMarkerWriter} until the partition side of transactions (control batches, the last
 * stable offset, {@code .txnindex}) exists in storage: it writes no marker and reports success, so the
 * coordinator's state machine completes. Until then the logs do not know transactions at all (every
 * batch is visible at once, read_committed sees what read_uncommitted sees), which this keeps true.
 * A marker for a {@code __consumer_offsets} partition is handed to the group coordinator, so that
 * transactional offset commits take effect at run time (without a marker in the log, a restart leaves
 * them pending). Replaced by the writer over the storage's marker append when that is merged.
 * Thread-safe.
 */
final class InterimTxnMarkerWriter implements TxnMarkerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(InterimTxnMarkerWriter.class);

    private final AtomicBoolean warned = new AtomicBoolean();
    private final GroupCoordinator groups;

    InterimTxnMarkerWriter(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public Errors write(
            TopicPartition partition,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            TransactionResult result) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn(
                    "transaction markers are not written to partition logs yet (first: {} {} on {})",
                    result,
                    producerId,
                    partition);
        }
        if (partition.topic().equals(OffsetsTopicLog.TOPIC)) {
            groups.onTransactionCompleted(partition.partition(), producerId, result);
        }
        return Errors.NONE;
    }
}
