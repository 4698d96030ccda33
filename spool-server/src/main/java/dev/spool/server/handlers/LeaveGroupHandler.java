package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** LeaveGroup (v0..v5; batched members with static instance ids from v3). */
public final class LeaveGroupHandler extends AsyncHandler<LeaveGroupRequestData> {
    private final GroupCoordinator groups;

    public LeaveGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.LEAVE_GROUP, ApiKeys.LEAVE_GROUP.oldestVersion(), ApiKeys.LEAVE_GROUP.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<LeaveGroupResponseData> respond(RequestContext ctx, LeaveGroupRequestData request) {
        return groups.leaveGroup(request, ctx.apiVersion());
    }
}
