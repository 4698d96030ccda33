package dev.spool.server.handlers;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.GroupCoordinator;
import dev.spool.coordinator.TransactionResult;
import dev.spool.server.TxnMarkerService;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.TxnResult;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * WriteTxnMarkers (v1–v2, as Kafka 4.4; v0 was removed in Kafka 4.0): writes each requested marker
 * into each named partition through the {@link TxnMarkerService} and answers an error code per
 * producer and partition. Sent by transaction coordinators and by {@code Admin.abortTransaction}
 * ({@code kafka-transactions.sh abort}). The v2 {@code TransactionVersion} field (KIP-1228; 0 before
 * v2) selects Kafka's epoch rule: from version 2 a marker's epoch must exceed the producer's. A marker
 * written to a {@code __consumer_offsets} partition is handed to the group coordinator at once (as the
 * transaction coordinator's own markers are), so the producer's pending transactional offsets there take
 * effect or are dropped without waiting for a reload. Stateless; thread-safe.
 */
public final class WriteTxnMarkersHandler extends SimpleHandler<WriteTxnMarkersRequestData> {
    static final short MIN_VERSION = 1;

    static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final TxnMarkerService markers;
    private final GroupCoordinator groups;

    public WriteTxnMarkersHandler(TxnMarkerService markers, GroupCoordinator groups) {
        super(ApiKeys.WRITE_TXN_MARKERS, MIN_VERSION, ApiKeys.WRITE_TXN_MARKERS.latestVersion());
        this.markers = markers;
        this.groups = groups;
    }

    @Override
    ApiMessage respond(RequestContext ctx, WriteTxnMarkersRequestData request) {
        WriteTxnMarkersResponseData data = new WriteTxnMarkersResponseData();
        for (WriteTxnMarkersRequestData.WritableTxnMarker m : request.markers()) {
            WriteTxnMarkersResponseData.WritableTxnMarkerResult mr =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(m.producerId());
            TxnResult result = m.transactionResult() ? TxnResult.COMMIT : TxnResult.ABORT;
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic t : m.topics()) {
                WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult tr =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(t.name());
                for (int partition : t.partitionIndexes()) {
                    Errors error = t.name() == null || t.name().isEmpty() || partition < 0
                            ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                            : markers.write(
                                    new TopicPartition(t.name(), partition),
                                    m.producerId(),
                                    m.producerEpoch(),
                                    m.coordinatorEpoch(),
                                    result,
                                    m.transactionVersion());
                    if (error == Errors.NONE && t.name().equals(OFFSETS_TOPIC)) {
                        groups.onTransactionCompleted(
                                partition,
                                m.producerId(),
                                result == TxnResult.COMMIT ? TransactionResult.COMMIT : TransactionResult.ABORT);
                    }
                    tr.partitions()
                            .add(new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                                    .setPartitionIndex(partition)
                                    .setErrorCode(error.code()));
                }
                mr.topics().add(tr);
            }
            data.markers().add(mr);
        }
        return data;
    }
}
