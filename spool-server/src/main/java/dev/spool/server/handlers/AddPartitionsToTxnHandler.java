package dev.spool.server.handlers;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * AddPartitionsToTxn (v0..v5). v0–v3 (clients) add one producer's partitions; v4+ (brokers) batch
 * several transactions, each either added or, with {@code verify_only}, checked (KIP-890 part 1). As
 * in Kafka, a partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION and the transaction's other
 * partitions OPERATION_NOT_ATTEMPTED (nothing is added); otherwise the coordinator's answer applies
 * to every partition.
 */
public final class AddPartitionsToTxnHandler extends AsyncHandler<AddPartitionsToTxnRequestData> {
    private static final short FIRST_BATCHED_VERSION = 4;

    private final BrokerContext broker;
    private final TransactionCoordinator transactions;

    public AddPartitionsToTxnHandler(BrokerContext broker, TransactionCoordinator transactions) {
        super(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5);
        this.broker = broker;
        this.transactions = transactions;
    }

    @Override
    CompletableFuture<AddPartitionsToTxnResponseData> respond(
            RequestContext ctx, AddPartitionsToTxnRequestData request) {
        if (ctx.apiVersion() < FIRST_BATCHED_VERSION) {
            return handle(
                            request.v3AndBelowTransactionalId(),
                            request.v3AndBelowProducerId(),
                            request.v3AndBelowProducerEpoch(),
                            false,
                            request.v3AndBelowTopics())
                    .thenApply(r -> new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(topicResults(r)));
        }
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<Map<TopicPartition, Errors>>> parts = new ArrayList<>();
        for (AddPartitionsToTxnTransaction t : request.transactions()) {
            ids.add(t.transactionalId());
            parts.add(handle(t.transactionalId(), t.producerId(), t.producerEpoch(), t.verifyOnly(), t.topics()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    AddPartitionsToTxnResponseData resp =
                            new AddPartitionsToTxnResponseData().setErrorCode(Errors.NONE.code());
                    for (int i = 0; i < ids.size(); i++) {
                        resp.resultsByTransaction()
                                .add(new AddPartitionsToTxnResult()
                                        .setTransactionalId(ids.get(i))
                                        .setTopicResults(
                                                topicResults(parts.get(i).join())));
                    }
                    return resp;
                });
    }

    private CompletableFuture<Map<TopicPartition, Errors>> handle(
            String transactionalId,
            long producerId,
            short epoch,
            boolean verifyOnly,
            AddPartitionsToTxnTopicCollection topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        Map<TopicPartition, Errors> unknown = new LinkedHashMap<>();
        for (AddPartitionsToTxnTopic t : topics) {
            TopicImage image = broker.topics().image().topic(t.name());
            for (int p : t.partitions()) {
                if (image == null || p < 0 || p >= image.partitions()) {
                    unknown.put(new TopicPartition(t.name(), Math.max(p, 0)), Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    partitions.add(new TopicPartition(t.name(), p));
                }
            }
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> out = new LinkedHashMap<>(unknown);
            partitions.forEach(tp -> out.put(tp, Errors.OPERATION_NOT_ATTEMPTED));
            return CompletableFuture.completedFuture(out);
        }
        if (verifyOnly) {
            return transactions.verifyPartitions(transactionalId, producerId, epoch, partitions);
        }
        return transactions
                .addPartitions(transactionalId, producerId, epoch, partitions)
                .thenApply(e -> {
                    Map<TopicPartition, Errors> out = new LinkedHashMap<>();
                    partitions.forEach(tp -> out.put(tp, e));
                    return out;
                });
    }

    private static AddPartitionsToTxnTopicResultCollection topicResults(Map<TopicPartition, Errors> errors) {
        AddPartitionsToTxnTopicResultCollection out = new AddPartitionsToTxnTopicResultCollection();
        for (Map.Entry<TopicPartition, Errors> e : errors.entrySet()) {
            AddPartitionsToTxnTopicResult t = out.find(e.getKey().topic());
            if (t == null) {
                t = new AddPartitionsToTxnTopicResult().setName(e.getKey().topic());
                out.add(t);
            }
            t.resultsByPartition()
                    .add(new AddPartitionsToTxnPartitionResult()
                            .setPartitionIndex(e.getKey().partition())
                            .setPartitionErrorCode(e.getValue().code()));
        }
        return out;
    }
}
