package dev.spool.server.handlers;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.protocol.adapter.ProduceRecords;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogOfflineException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Produce: one v2 batch per partition, validated and appended in place on the connection's event
 * loop. acks=0 gets no response; acks=1 and acks=all (one node: the ISR is this broker) answer after
 * the append. The high watermark follows the log end and waiting fetches are woken. Transactional
 * batches are appended like idempotent ones; they open the producer's transaction on the partition.
 *
 * <p>KIP-890 part 1: a producer's first transactional batch on a partition (no transaction of it
 * ongoing there) of a request with a transactional id is appended only once the transaction
 * coordinator confirms the partition is in the producer's ongoing transaction (verify_only). That is
 * the only asynchronous path: such partitions are appended when the coordinator answers (on its
 * thread; the log serializes appends), the others at once on the event loop, and the response goes
 * out when all are done. A refused batch appends nothing; as in Kafka its error is INVALID_TXN_STATE
 * for produce v0-v10 and TRANSACTION_ABORTABLE from v11, and a fenced epoch is INVALID_PRODUCER_EPOCH.
 *
 * <p>Stateless; thread-safe.
 */
public final class ProduceHandler extends VersionedHandler {
    /** Produce v11 added TRANSACTION_ABORTABLE (KIP-890): Kafka answers it instead of INVALID_TXN_STATE. */
    static final short MIN_VERSION_FOR_TRANSACTION_ABORTABLE = 11;

    /** Produce v7 introduced zstd (KIP-110). */
    static final short MIN_VERSION_FOR_ZSTD = 7;

    static final int ZSTD = 4;

    /** One node: the in-sync replica set of every partition is this broker. */
    static final int IN_SYNC_REPLICAS = 1;

    private final BrokerContext broker;
    private final TransactionCoordinator transactions;

    /** A first transactional batch of a producer on a partition, appended once verified. */
    private record Unverified(
            Log log,
            TopicPartition tp,
            ByteBuffer records,
            long producerId,
            short epoch,
            ProduceResponseData.PartitionProduceResponse response) {}

    /** The producer a verification asks about. */
    private record Producer(long producerId, short epoch) {}

    public ProduceHandler(BrokerContext broker, TransactionCoordinator transactions) {
        super(ApiKeys.PRODUCE, ApiKeys.PRODUCE.oldestVersion(), ApiKeys.PRODUCE.latestVersion());
        this.broker = broker;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext ctx, ApiMessage message) {
        ProduceRequestData request = (ProduceRequestData) message;
        List<Unverified> unverified = new ArrayList<>();
        ProduceResponseData data = appendAll(ctx, request, unverified);
        if (unverified.isEmpty()) {
            return CompletableFuture.completedFuture(finish(ctx, request, data));
        }
        Map<Producer, List<Unverified>> byProducer = new LinkedHashMap<>();
        for (Unverified u : unverified) {
            byProducer
                    .computeIfAbsent(new Producer(u.producerId(), u.epoch()), k -> new ArrayList<>())
                    .add(u);
        }
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Map.Entry<Producer, List<Unverified>> e : byProducer.entrySet()) {
            List<Unverified> batches = e.getValue();
            List<TopicPartition> partitions =
                    batches.stream().map(Unverified::tp).distinct().toList();
            done.add(transactions
                    .verifyPartitions(
                            request.transactionalId(),
                            e.getKey().producerId(),
                            e.getKey().epoch(),
                            partitions)
                    .thenAccept(errors -> {
                        for (Unverified u : batches) {
                            Errors error = errors.getOrDefault(u.tp(), Errors.TRANSACTION_ABORTABLE);
                            if (error == Errors.NONE) {
                                appendVerified(u.log(), u.records(), u.response());
                            } else {
                                refuse(u.response(), producerError(error, ctx.apiVersion()));
                            }
                        }
                    }));
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> finish(ctx, request, data));
    }

    /** Kafka's mapping of a verification answer to the error the producer sees. */
    static Errors producerError(Errors verification, short produceVersion) {
        if (verification == Errors.PRODUCER_FENCED) {
            return Errors.INVALID_PRODUCER_EPOCH;
        }
        if (verification == Errors.TRANSACTION_ABORTABLE && produceVersion < MIN_VERSION_FOR_TRANSACTION_ABORTABLE) {
            return Errors.INVALID_TXN_STATE; // for clients that predate TRANSACTION_ABORTABLE
        }
        return verification;
    }

    private static void refuse(ProduceResponseData.PartitionProduceResponse pr, Errors error) {
        pr.setErrorCode(error.code())
                .setErrorMessage("The partition is not part of the producer's ongoing transaction: " + error.message())
                .setBaseOffset(-1)
                .setLogAppendTimeMs(-1)
                .setLogStartOffset(-1);
    }

    /** Appends every partition that needs no verification; collects those that do in {@code unverified}. */
    private ProduceResponseData appendAll(RequestContext ctx, ProduceRequestData request, List<Unverified> unverified) {
        ProduceResponseData data = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData t : request.topicData()) {
            String topic = broker.resolveTopic(t.name(), t.topicId());
            ProduceResponseData.TopicProduceResponse tr = new ProduceResponseData.TopicProduceResponse()
                    .setName(t.name())
                    .setTopicId(t.topicId());
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                ProduceResponseData.PartitionProduceResponse pr =
                        new ProduceResponseData.PartitionProduceResponse().setIndex(p.index());
                Log log = topic == null ? null : broker.log(topic, p.index());
                if (log == null) {
                    Errors unknown = topic == null && ctx.apiVersion() >= 13
                            ? Errors.UNKNOWN_TOPIC_ID
                            : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    tr.partitionResponses().add(pr.setErrorCode(unknown.code()));
                    continue;
                }
                if (request.acks() == -1 && log.config().minInsyncReplicas() > IN_SYNC_REPLICAS) {
                    // Kafka's min.insync.replicas: this node is the whole ISR of every partition.
                    tr.partitionResponses()
                            .add(pr.setErrorCode(Errors.NOT_ENOUGH_REPLICAS.code())
                                    .setErrorMessage("The size of the current ISR " + IN_SYNC_REPLICAS
                                            + " is insufficient to satisfy the min.isr requirement of "
                                            + log.config().minInsyncReplicas() + " for partition "
                                            + log.topicPartition())
                                    .setBaseOffset(-1)
                                    .setLogStartOffset(-1));
                    continue;
                }
                append(ctx, request.transactionalId(), log, p, pr, unverified);
                tr.partitionResponses().add(pr);
            }
            data.responses().add(tr);
        }
        return data;
    }

    private static ApiMessage finish(RequestContext ctx, ProduceRequestData request, ProduceResponseData data) {
        if (request.acks() != 0) {
            return data;
        }
        // acks=0 gets no response; as Kafka does, an error closes the connection so the client notices.
        for (ProduceResponseData.TopicProduceResponse tr : data.responses()) {
            for (ProduceResponseData.PartitionProduceResponse pr : tr.partitionResponses()) {
                if (pr.errorCode() != Errors.NONE.code()) {
                    ctx.channel().close();
                    return null;
                }
            }
        }
        return null;
    }

    private void append(
            RequestContext ctx,
            String transactionalId,
            Log log,
            ProduceRequestData.PartitionProduceData p,
            ProduceResponseData.PartitionProduceResponse pr,
            List<Unverified> unverified) {
        ByteBuffer records = ProduceRecords.buffer(p);
        String invalid = checkOneV2Batch(records, ctx.apiVersion());
        if (invalid != null) {
            Errors error = invalid.startsWith("zstd") ? Errors.UNSUPPORTED_COMPRESSION_TYPE : Errors.INVALID_RECORD;
            pr.setErrorCode(error.code())
                    .setErrorMessage(invalid)
                    .setBaseOffset(-1)
                    .setLogStartOffset(-1);
            return;
        }
        // KIP-890 verification: before a producer's first transactional batch on a partition, the
        // transaction coordinator confirms the partition is in the producer's ongoing transaction. As in
        // Kafka, only requests that carry a transactional id are verified.
        int pos = records.position();
        if (transactionalId != null
                && RecordBatch.isTransactional(records, pos)
                && !log.hasOngoingTransaction(RecordBatch.producerId(records, pos))) {
            unverified.add(new Unverified(
                    log,
                    log.topicPartition(),
                    records,
                    RecordBatch.producerId(records, pos),
                    RecordBatch.producerEpoch(records, pos),
                    pr));
            return;
        }
        appendVerified(log, records, pr);
    }

    private void appendVerified(Log log, ByteBuffer records, ProduceResponseData.PartitionProduceResponse pr) {
        try {
            AppendResult r = log.appendAsLeader(records, 0);
            if (!r.ok()) {
                pr.setErrorCode(r.error().kafkaError().code())
                        .setErrorMessage(r.message())
                        .setBaseOffset(-1)
                        .setLogAppendTimeMs(-1)
                        .setLogStartOffset(r.logStartOffset());
                return;
            }
            log.updateHighWatermark(log.logEndOffset());
            broker.delayedFetches().onAppend(log.topicPartition());
            pr.setBaseOffset(r.firstOffset())
                    .setLogAppendTimeMs(r.logAppendTime())
                    .setLogStartOffset(r.logStartOffset());
        } catch (LogOfflineException e) {
            pr.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                    .setErrorMessage(e.getMessage())
                    .setBaseOffset(-1);
        }
    }

    /**
     * Kafka's rule for produce v3+: exactly one batch per partition, magic 2, and zstd only from v7.
     * Returns null if the records pass; framing and CRC are checked by the log.
     */
    static String checkOneV2Batch(ByteBuffer records, short version) {
        int pos = records.position();
        int remaining = records.remaining();
        if (remaining < RecordBatch.LOG_OVERHEAD) {
            return "Produce requests with version " + version + " must have at least one record batch per partition";
        }
        if (remaining >= RecordBatch.MAGIC_OFFSET + 1 && RecordBatch.magic(records, pos) != RecordBatch.MAGIC_V2) {
            return "Produce requests with version " + version
                    + " are only allowed to contain record batches with magic version 2";
        }
        long size = RecordBatch.LOG_OVERHEAD + (long) RecordBatch.length(records, pos);
        if (size > 0 && size < remaining) {
            return "Produce requests with version " + version
                    + " are only allowed to contain exactly one record batch per partition";
        }
        if (remaining >= RecordBatch.HEADER_SIZE
                && RecordBatch.compressionCodec(records, pos) == ZSTD
                && version < MIN_VERSION_FOR_ZSTD) {
            return "zstd compression is not supported for produce version " + version;
        }
        return null;
    }
}
