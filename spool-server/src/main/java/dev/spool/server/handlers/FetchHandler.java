package dev.spool.server.handlers;

import dev.spool.common.TopicPartition;
import dev.spool.protocol.adapter.ResponseEncoder;
import dev.spool.server.BrokerContext;
import dev.spool.server.DelayedFetches;
import dev.spool.server.network.ApiHandler;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.AbortedTxn;
import dev.spool.storage.Log;
import dev.spool.storage.LogOfflineException;
import dev.spool.storage.ReadResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch: reads whole batches as file slices (sent with sendfile, never copied), bounded by each
 * partition's and the response's max bytes, at least one batch for the first partition with data
 * (KIP-74). With fewer than {@code min_bytes} available it parks until an append to one of its
 * partitions or {@code max_wait_ms}. Fetch sessions (KIP-227) are answered sessionless: session id 0
 * and every requested partition in every response, which clients treat as "no session".
 * A read_committed fetch ({@code isolation_level} 1, v4+) reads up to the last stable offset and
 * gets the aborted transactions that overlap [fetch offset, LSO) (a superset of those the returned
 * batches need; consumers match them by offset); transaction markers wake parked fetches.
 */
public final class FetchHandler implements ApiHandler {
    /** Consumers send a negative replica id. */
    static final int CONSUMER_REPLICA_ID = -1;

    /**
     * Records of a partition with nothing to return: empty, never null, as Kafka sends (older clients,
     * e.g. kafka-clients 2.8 and librdkafka, do not expect null). Immutable, so shared.
     */
    private static final Object NO_RECORDS = ResponseEncoder.memoryRecords(ByteBuffer.allocate(0));

    private final BrokerContext broker;

    public FetchHandler(BrokerContext broker) {
        this.broker = broker;
    }

    @Override
    public ApiKeys api() {
        return ApiKeys.FETCH;
    }

    @Override
    public short minVersion() {
        return ApiKeys.FETCH.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.FETCH.latestVersion();
    }

    /** The response built from one read pass and how many record bytes it holds. */
    private record Pass(FetchResponseData data, long bytes, boolean hasError) {}

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext ctx, ApiMessage message) {
        FetchRequestData request = (FetchRequestData) message;
        Pass pass = read(ctx, request);
        if (pass.bytes() >= request.minBytes()
                || request.maxWaitMs() <= 0
                || pass.hasError()
                || request.topics().isEmpty()) {
            return CompletableFuture.completedFuture(pass.data());
        }
        return new Parked(ctx, request).start();
    }

    private Pass read(RequestContext ctx, FetchRequestData request) {
        FetchResponseData data =
                new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        long budget = request.maxBytes() <= 0 ? Integer.MAX_VALUE : request.maxBytes();
        long total = 0;
        boolean hasError = false;
        boolean readCommitted = request.isolationLevel() == 1;
        for (FetchRequestData.FetchTopic t : request.topics()) {
            String topic = broker.resolveTopic(t.topic(), t.topicId());
            FetchResponseData.FetchableTopicResponse tr = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(t.topic())
                    .setTopicId(t.topicId());
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p.partition())
                        .setHighWatermark(-1)
                        .setLastStableOffset(-1)
                        .setLogStartOffset(-1)
                        .setPreferredReadReplica(-1)
                        .setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
                ResponseEncoder.setFetchRecords(pd, NO_RECORDS);
                tr.partitions().add(pd);
                Log log = topic == null ? null : broker.log(topic, p.partition());
                if (log == null) {
                    Errors e = topic == null && ctx.apiVersion() >= 13
                            ? Errors.UNKNOWN_TOPIC_ID
                            : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    pd.setErrorCode(e.code());
                    hasError = true;
                    continue;
                }
                if (p.currentLeaderEpoch() > 0) {
                    pd.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
                    hasError = true;
                    continue;
                }
                long hw = log.highWatermark();
                long lso = log.lastStableOffset();
                pd.setHighWatermark(hw).setLastStableOffset(lso).setLogStartOffset(log.logStartOffset());
                int maxBytes = (int) Math.min(p.partitionMaxBytes(), budget);
                boolean minOne = total == 0;
                if (maxBytes <= 0 && !minOne) {
                    continue;
                }
                long upper = request.replicaId() >= 0 ? log.logEndOffset() : readCommitted ? lso : hw;
                try {
                    ReadResult r = log.read(p.fetchOffset(), Math.max(maxBytes, 0), upper, minOne);
                    if (!r.ok()) {
                        pd.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                        hasError = true;
                        continue;
                    }
                    if (r.sizeInBytes() > 0) {
                        ResponseEncoder.setFetchRecords(
                                pd, ResponseEncoder.zeroCopyRecords(r.slice(), r.sizeInBytes()));
                        total += r.sizeInBytes();
                        budget -= r.sizeInBytes();
                        if (readCommitted) {
                            for (AbortedTxn a : log.collectAbortedTransactions(p.fetchOffset(), upper)) {
                                pd.abortedTransactions()
                                        .add(new FetchResponseData.AbortedTransaction()
                                                .setProducerId(a.producerId())
                                                .setFirstOffset(a.firstOffset()));
                            }
                        }
                    }
                } catch (LogOfflineException e) {
                    pd.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                    hasError = true;
                }
            }
            data.responses().add(tr);
        }
        return new Pass(data, total, hasError);
    }

    /** A parked long-poll fetch; every state change runs on its connection's event loop. */
    private final class Parked implements DelayedFetches.Waiter {
        private final RequestContext ctx;
        private final FetchRequestData request;
        private final CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        private final List<TopicPartition> partitions = new ArrayList<>();
        private ScheduledFuture<?> timeout;

        Parked(RequestContext ctx, FetchRequestData request) {
            this.ctx = ctx;
            this.request = request;
            for (FetchRequestData.FetchTopic t : request.topics()) {
                String topic = broker.resolveTopic(t.topic(), t.topicId());
                if (topic != null) {
                    for (FetchRequestData.FetchPartition p : t.partitions()) {
                        partitions.add(new TopicPartition(topic, p.partition()));
                    }
                }
            }
        }

        CompletableFuture<ApiMessage> start() {
            broker.delayedFetches().watch(this, partitions);
            timeout = ctx.channel()
                    .eventLoop()
                    .schedule(() -> finish(read(ctx, request)), request.maxWaitMs(), TimeUnit.MILLISECONDS);
            // An append may have landed between the first read and the watch.
            ctx.channel().eventLoop().execute(this::check);
            return future;
        }

        @Override
        public void wake() {
            ctx.channel().eventLoop().execute(this::check);
        }

        private void check() {
            if (future.isDone()) {
                return;
            }
            Pass pass = read(ctx, request);
            if (pass.bytes() >= request.minBytes()
                    || pass.hasError()
                    || !ctx.channel().isActive()) {
                finish(pass);
            }
        }

        private void finish(Pass pass) {
            if (future.isDone()) {
                return;
            }
            broker.delayedFetches().unwatch(this, partitions);
            if (timeout != null) {
                timeout.cancel(false);
            }
            future.complete(pass.data());
        }
    }
}
