package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch (v1..v10): one group before v8, several groups from v8 (each on its own shard), topics by
 * id from v10. A partition without a committed offset answers offset -1. With {@code require_stable}
 * (v7+), a partition whose offset waits in an open transaction answers UNSTABLE_OFFSET_COMMIT.
 */
public final class OffsetFetchHandler extends AsyncHandler<OffsetFetchRequestData> {
    static final short MULTI_GROUP_VERSION = 8;
    static final short TOPIC_ID_VERSION = 10;
    /** Before v2 there is no top-level error: a group error goes into every partition. */
    static final short TOP_LEVEL_ERROR_VERSION = 2;

    static final short MEMBER_EPOCH_VERSION = 9;

    private final BrokerContext broker;
    private final GroupCoordinator groups;

    public OffsetFetchHandler(BrokerContext broker, GroupCoordinator groups) {
        super(ApiKeys.OFFSET_FETCH, ApiKeys.OFFSET_FETCH.oldestVersion(), ApiKeys.OFFSET_FETCH.latestVersion());
        this.broker = broker;
        this.groups = groups;
    }

    @Override
    CompletableFuture<OffsetFetchResponseData> respond(RequestContext ctx, OffsetFetchRequestData request) {
        short version = ctx.apiVersion();
        if (version < MULTI_GROUP_VERSION) {
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = null;
            if (request.topics() != null) {
                topics = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
                    topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                            .setName(t.name())
                            .setPartitionIndexes(t.partitionIndexes()));
                }
            }
            return groups.fetchOffsets(request.groupId(), null, -1, topics, request.requireStable())
                    .thenApply(g -> singleGroup(g, version));
        }
        List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> parts = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = g.topics();
            List<OffsetFetchResponseData.OffsetFetchResponseTopics> unknown = new ArrayList<>();
            if (version >= TOPIC_ID_VERSION && topics != null) {
                List<OffsetFetchRequestData.OffsetFetchRequestTopics> known = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopics t : topics) {
                    String name = broker.resolveTopic(null, t.topicId());
                    if (name == null || Uuid.ZERO_UUID.equals(t.topicId())) {
                        unknown.add(unknownTopic(t));
                    } else {
                        known.add(t.setName(name));
                    }
                }
                topics = known;
            }
            // v9+: a consumer-protocol member sends its id and epoch (checked for KIP-848 groups).
            String memberId = version >= MEMBER_EPOCH_VERSION ? g.memberId() : null;
            int memberEpoch = version >= MEMBER_EPOCH_VERSION ? g.memberEpoch() : -1;
            parts.add(groups.fetchOffsets(g.groupId(), memberId, memberEpoch, topics, request.requireStable())
                    .thenApply(r -> {
                        if (version >= TOPIC_ID_VERSION) {
                            withTopicIds(r);
                            r.topics().addAll(unknown);
                        }
                        return r;
                    }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    OffsetFetchResponseData data = new OffsetFetchResponseData();
                    for (CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> f : parts) {
                        data.groups().add(f.join());
                    }
                    return data;
                });
    }

    private static OffsetFetchResponseData.OffsetFetchResponseTopics unknownTopic(
            OffsetFetchRequestData.OffsetFetchRequestTopics t) {
        OffsetFetchResponseData.OffsetFetchResponseTopics rt =
                new OffsetFetchResponseData.OffsetFetchResponseTopics().setTopicId(t.topicId());
        for (Integer p : t.partitionIndexes()) {
            rt.partitions()
                    .add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                            .setPartitionIndex(p)
                            .setCommittedOffset(-1)
                            .setCommittedLeaderEpoch(-1)
                            .setMetadata("")
                            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        return rt;
    }

    /** v10 names topics by id only; offsets of topics that no longer exist are left out. */
    private void withTopicIds(OffsetFetchResponseData.OffsetFetchResponseGroup g) {
        List<OffsetFetchResponseData.OffsetFetchResponseTopics> kept = new ArrayList<>();
        for (OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
            TopicImage image = broker.topics().image().topic(t.name());
            if (image != null) {
                kept.add(t.setTopicId(BrokerContext.toKafka(image.topicId())).setName(""));
            }
        }
        g.setTopics(kept);
    }

    private static OffsetFetchResponseData singleGroup(
            OffsetFetchResponseData.OffsetFetchResponseGroup g, short version) {
        OffsetFetchResponseData data = new OffsetFetchResponseData();
        boolean perPartitionError = version < TOP_LEVEL_ERROR_VERSION && g.errorCode() != Errors.NONE.code();
        if (!perPartitionError) {
            data.setErrorCode(g.errorCode());
        }
        for (OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
            OffsetFetchResponseData.OffsetFetchResponseTopic rt =
                    new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
            for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                rt.partitions()
                        .add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setCommittedOffset(p.committedOffset())
                                .setCommittedLeaderEpoch(p.committedLeaderEpoch())
                                .setMetadata(p.metadata())
                                .setErrorCode(perPartitionError ? g.errorCode() : p.errorCode()));
            }
            data.topics().add(rt);
        }
        return data;
    }
}
