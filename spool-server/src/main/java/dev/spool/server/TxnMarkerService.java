package dev.spool.server;

import dev.spool.common.TopicPartition;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogOfflineException;
import dev.spool.storage.TxnResult;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes transaction markers into partition logs: the in-process path of the transaction
 * coordinator and of the WriteTxnMarkers handler (which {@code kafka-transactions.sh abort} uses).
 * A marker ends the producer's transaction on the partition; the high watermark then follows the log
 * end (one node) and parked fetches are woken, so read_committed fetches see the moved last stable
 * offset.
 *
 * <p>Creates nothing: a topic or partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION.
 * Thread-safety: stateless; callable from any thread (the log serializes appends).
 */
public final class TxnMarkerService {
    private static final Logger LOG = LoggerFactory.getLogger(TxnMarkerService.class);

    /** The leader epoch stamped on markers (a single node never changes leader). */
    static final int LEADER_EPOCH = 0;
    /** Transaction versions 0 and 1: a marker's epoch may equal the producer's. */
    public static final short LEGACY_TRANSACTION_VERSION = 0;

    private final BrokerContext broker;

    public TxnMarkerService(BrokerContext broker) {
        this.broker = broker;
    }

    /**
     * Writes one marker for {@code producerId} at {@code producerEpoch} from a coordinator at
     * {@code coordinatorEpoch}. Returns NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH,
     * TRANSACTION_COORDINATOR_FENCED or KAFKA_STORAGE_ERROR.
     */
    public Errors write(
            TopicPartition tp, long producerId, short producerEpoch, int coordinatorEpoch, TxnResult result) {
        return write(tp, producerId, producerEpoch, coordinatorEpoch, result, LEGACY_TRANSACTION_VERSION);
    }

    /**
     * As {@link #write(TopicPartition, long, short, int, TxnResult)} for a coordinator's
     * {@code transactionVersion}: from 2 (KIP-890) the marker's epoch must exceed the producer's
     * (Kafka's rule; a retry of a marker already written is accepted).
     */
    public Errors write(
            TopicPartition tp,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            TxnResult result,
            short transactionVersion) {
        Log log = broker.log(tp.topic(), tp.partition());
        if (log == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        try {
            AppendResult r = log.appendTxnMarker(
                    producerId, producerEpoch, coordinatorEpoch, result, LEADER_EPOCH, transactionVersion);
            if (!r.ok()) {
                LOG.debug("Marker {} for producer {} on {} refused: {}", result, producerId, tp, r.message());
                return r.error().kafkaError();
            }
            log.updateHighWatermark(log.logEndOffset());
            broker.delayedFetches().onAppend(tp);
            return Errors.NONE;
        } catch (LogOfflineException e) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
    }
}
