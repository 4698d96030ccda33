package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** DescribeGroups (v0..v6; unknown groups are GROUP_ID_NOT_FOUND from v6, else "Dead"). */
public final class DescribeGroupsHandler extends AsyncHandler<DescribeGroupsRequestData> {
    private final GroupCoordinator groups;

    public DescribeGroupsHandler(GroupCoordinator groups) {
        super(
                ApiKeys.DESCRIBE_GROUPS,
                ApiKeys.DESCRIBE_GROUPS.oldestVersion(),
                ApiKeys.DESCRIBE_GROUPS.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<DescribeGroupsResponseData> respond(RequestContext ctx, DescribeGroupsRequestData request) {
        List<CompletableFuture<DescribeGroupsResponseData.DescribedGroup>> parts = new ArrayList<>();
        for (String g : request.groups()) {
            parts.add(groups.describeGroup(g, ctx.apiVersion()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    DescribeGroupsResponseData data = new DescribeGroupsResponseData();
                    for (CompletableFuture<DescribeGroupsResponseData.DescribedGroup> f : parts) {
                        data.groups().add(f.join());
                    }
                    return data;
                });
    }
}
