package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** DeleteGroups (v0..v3): empty groups only; their offsets and metadata get tombstones. */
public final class DeleteGroupsHandler extends AsyncHandler<DeleteGroupsRequestData> {
    private final GroupCoordinator groups;

    public DeleteGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.DELETE_GROUPS, ApiKeys.DELETE_GROUPS.oldestVersion(), ApiKeys.DELETE_GROUPS.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<DeleteGroupsResponseData> respond(RequestContext ctx, DeleteGroupsRequestData request) {
        List<CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult>> parts = new ArrayList<>();
        for (String g : request.groupsNames()) {
            parts.add(groups.deleteGroup(g));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    DeleteGroupsResponseData data = new DeleteGroupsResponseData();
                    for (CompletableFuture<DeleteGroupsResponseData.DeletableGroupResult> f : parts) {
                        DeleteGroupsResponseData.DeletableGroupResult r = f.join();
                        if (data.results().find(r.groupId()) == null) {
                            data.results().add(r);
                        }
                    }
                    return data;
                });
    }
}
