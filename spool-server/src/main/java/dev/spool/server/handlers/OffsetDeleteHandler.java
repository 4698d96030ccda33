package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete (v0): removes a group's committed offsets of topics it does not consume; partitions that
 * do not exist answer UNKNOWN_TOPIC_OR_PARTITION, as Kafka does.
 */
public final class OffsetDeleteHandler extends AsyncHandler<OffsetDeleteRequestData> {
    private final BrokerContext broker;
    private final GroupCoordinator groups;

    public OffsetDeleteHandler(BrokerContext broker, GroupCoordinator groups) {
        super(ApiKeys.OFFSET_DELETE, ApiKeys.OFFSET_DELETE.oldestVersion(), ApiKeys.OFFSET_DELETE.latestVersion());
        this.broker = broker;
        this.groups = groups;
    }

    @Override
    CompletableFuture<OffsetDeleteResponseData> respond(RequestContext ctx, OffsetDeleteRequestData request) {
        List<OffsetDeleteResponseData.OffsetDeleteResponseTopic> missing = new ArrayList<>();
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection existing =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics()) {
            OffsetDeleteRequestData.OffsetDeleteRequestTopic kept =
                    new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(t.name());
            OffsetDeleteResponseData.OffsetDeleteResponseTopic gone = null;
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                if (broker.log(t.name(), p.partitionIndex()) != null) {
                    kept.partitions().add(p.duplicate());
                    continue;
                }
                if (gone == null) {
                    gone = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
                    missing.add(gone);
                }
                gone.partitions()
                        .add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
            }
            if (!kept.partitions().isEmpty()) {
                existing.add(kept);
            }
        }
        OffsetDeleteRequestData filtered =
                new OffsetDeleteRequestData().setGroupId(request.groupId()).setTopics(existing);
        return groups.deleteOffsets(filtered).thenApply(r -> {
            if (r.errorCode() == Errors.NONE.code()) {
                for (OffsetDeleteResponseData.OffsetDeleteResponseTopic t : missing) {
                    OffsetDeleteResponseData.OffsetDeleteResponseTopic same =
                            r.topics().find(t.name());
                    if (same == null) {
                        r.topics().add(t);
                    } else {
                        for (OffsetDeleteResponseData.OffsetDeleteResponsePartition p : t.partitions()) {
                            same.partitions().add(p.duplicate());
                        }
                    }
                }
            }
            return r;
        });
    }
}
