package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** ListGroups (v0..v5): every group, filtered by state (v4+) and type (v5+). */
public final class ListGroupsHandler extends AsyncHandler<ListGroupsRequestData> {
    private final GroupCoordinator groups;

    public ListGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.LIST_GROUPS, ApiKeys.LIST_GROUPS.oldestVersion(), ApiKeys.LIST_GROUPS.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<ListGroupsResponseData> respond(RequestContext ctx, ListGroupsRequestData request) {
        return groups.listGroups(request.statesFilter(), request.typesFilter());
    }
}
