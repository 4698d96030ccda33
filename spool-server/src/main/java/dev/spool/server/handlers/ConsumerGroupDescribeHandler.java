package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * ConsumerGroupDescribe (v0..v1): KIP-848 groups with epochs, assignor, members' current and target
 * assignments; classic or unknown groups answer GROUP_ID_NOT_FOUND (AdminClient then falls back to
 * DescribeGroups). Registered with {@link ConsumerGroupHeartbeatHandler}.
 */
public final class ConsumerGroupDescribeHandler extends AsyncHandler<ConsumerGroupDescribeRequestData> {
    private final GroupCoordinator groups;

    public ConsumerGroupDescribeHandler(GroupCoordinator groups) {
        super(
                ApiKeys.CONSUMER_GROUP_DESCRIBE,
                ApiKeys.CONSUMER_GROUP_DESCRIBE.oldestVersion(),
                ApiKeys.CONSUMER_GROUP_DESCRIBE.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<ConsumerGroupDescribeResponseData> respond(
            RequestContext ctx, ConsumerGroupDescribeRequestData request) {
        List<CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup>> parts = new ArrayList<>();
        for (String g : request.groupIds()) {
            parts.add(groups.consumerGroupDescribe(g));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    ConsumerGroupDescribeResponseData data = new ConsumerGroupDescribeResponseData();
                    for (CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> f : parts) {
                        data.groups().add(f.join());
                    }
                    return data;
                });
    }
}
