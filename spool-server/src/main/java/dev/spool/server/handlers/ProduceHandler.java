package dev.spool.server.handlers;

import dev.spool.protocol.adapter.ProduceRecords;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogOfflineException;
import java.nio.ByteBuffer;
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
 */
public final class ProduceHandler extends SimpleHandler<ProduceRequestData> {
    /** Produce v7 introduced zstd (KIP-110). */
    static final short MIN_VERSION_FOR_ZSTD = 7;

    static final int ZSTD = 4;

    /** One node: the in-sync replica set of every partition is this broker. */
    static final int IN_SYNC_REPLICAS = 1;

    private final BrokerContext broker;

    public ProduceHandler(BrokerContext broker) {
        super(ApiKeys.PRODUCE, ApiKeys.PRODUCE.oldestVersion(), ApiKeys.PRODUCE.latestVersion());
        this.broker = broker;
    }

    @Override
    ApiMessage respond(RequestContext ctx, ProduceRequestData request) {
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
                append(ctx, log, p, pr);
                tr.partitionResponses().add(pr);
            }
            data.responses().add(tr);
        }
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
            Log log,
            ProduceRequestData.PartitionProduceData p,
            ProduceResponseData.PartitionProduceResponse pr) {
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
        // transaction coordinator confirms the partition is in the producer's ongoing transaction
        // (AddPartitionsToTxn with verify_only); Log.hasOngoingTransaction(producerId) tells whether this
        // batch is such a first one. No verifier is installed yet: transactional batches
        // are accepted as they come (the log checks their epoch and sequence like idempotent ones).
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
