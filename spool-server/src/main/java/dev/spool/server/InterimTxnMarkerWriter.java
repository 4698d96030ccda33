package dev.spool.server;

import dev.spool.common.TopicPartition;
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
 * Replaced by the writer over the storage's marker append when that is merged. Thread-safe.
 */
final class InterimTxnMarkerWriter implements TxnMarkerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(InterimTxnMarkerWriter.class);

    private final AtomicBoolean warned = new AtomicBoolean();

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
        return Errors.NONE;
    }
}
