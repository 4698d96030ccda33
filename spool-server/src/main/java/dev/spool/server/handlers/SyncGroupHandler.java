package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** SyncGroup (v0..v5): members wait for the leader's assignment, persisted before anyone is answered. */
public final class SyncGroupHandler extends AsyncHandler<SyncGroupRequestData> {
    private final GroupCoordinator groups;

    public SyncGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.SYNC_GROUP, ApiKeys.SYNC_GROUP.oldestVersion(), ApiKeys.SYNC_GROUP.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<SyncGroupResponseData> respond(RequestContext ctx, SyncGroupRequestData request) {
        return groups.syncGroup(request);
    }
}
