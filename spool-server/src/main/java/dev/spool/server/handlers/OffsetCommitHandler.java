package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit (v2..v10; topics by id from v10, unknown ids answer UNKNOWN_TOPIC_ID): stored in
 * {@code __consumer_offsets} by the group coordinator.
 */
public final class OffsetCommitHandler extends AsyncHandler<OffsetCommitRequestData> {
    static final short TOPIC_ID_VERSION = 10;

    private final BrokerContext broker;
    private final GroupCoordinator groups;

    public OffsetCommitHandler(BrokerContext broker, GroupCoordinator groups) {
        super(ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_COMMIT.oldestVersion(), ApiKeys.OFFSET_COMMIT.latestVersion());
        this.broker = broker;
        this.groups = groups;
    }

    @Override
    CompletableFuture<OffsetCommitResponseData> respond(RequestContext ctx, OffsetCommitRequestData request) {
        List<OffsetCommitResponseData.OffsetCommitResponseTopic> unknown = new ArrayList<>();
        if (ctx.apiVersion() >= TOPIC_ID_VERSION) {
            List<OffsetCommitRequestData.OffsetCommitRequestTopic> known = new ArrayList<>();
            for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
                String name = t.topicId() == null || Uuid.ZERO_UUID.equals(t.topicId())
                        ? null
                        : broker.resolveTopic(null, t.topicId());
                if (name == null) {
                    OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                            new OffsetCommitResponseData.OffsetCommitResponseTopic().setTopicId(t.topicId());
                    for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                        rt.partitions()
                                .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                        .setPartitionIndex(p.partitionIndex())
                                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                    }
                    unknown.add(rt);
                } else {
                    known.add(t.setName(name));
                }
            }
            request.setTopics(known);
        }
        // As Kafka: partitions of topics (or partitions) that do not exist are refused one by one.
        List<OffsetCommitRequestData.OffsetCommitRequestTopic> existing = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : request.topics()) {
            List<OffsetCommitRequestData.OffsetCommitRequestPartition> ok = new ArrayList<>();
            OffsetCommitResponseData.OffsetCommitResponseTopic missing = null;
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                if (broker.log(t.name(), p.partitionIndex()) != null) {
                    ok.add(p);
                    continue;
                }
                if (missing == null) {
                    missing = new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(ctx.apiVersion() >= TOPIC_ID_VERSION ? "" : t.name())
                            .setTopicId(t.topicId());
                    unknown.add(missing);
                }
                missing.partitions()
                        .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
            }
            if (!ok.isEmpty()) {
                existing.add(t.setPartitions(ok));
            }
        }
        request.setTopics(existing);
        if (existing.isEmpty() && !unknown.isEmpty()) {
            return CompletableFuture.completedFuture(new OffsetCommitResponseData().setTopics(unknown));
        }
        return groups.commitOffsets(request, ctx.apiVersion()).thenApply(r -> {
            if (ctx.apiVersion() >= TOPIC_ID_VERSION) {
                for (OffsetCommitResponseData.OffsetCommitResponseTopic rt : r.topics()) {
                    rt.setName("");
                }
            }
            r.topics().addAll(unknown);
            return r;
        });
    }
}
