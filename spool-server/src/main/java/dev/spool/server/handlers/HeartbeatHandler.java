package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** Heartbeat (v0..v4): keeps a classic member's session alive; tells it when to rejoin. */
public final class HeartbeatHandler extends AsyncHandler<HeartbeatRequestData> {
    private final GroupCoordinator groups;

    public HeartbeatHandler(GroupCoordinator groups) {
        super(ApiKeys.HEARTBEAT, ApiKeys.HEARTBEAT.oldestVersion(), ApiKeys.HEARTBEAT.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<HeartbeatResponseData> respond(RequestContext ctx, HeartbeatRequestData request) {
        return groups.heartbeat(request);
    }
}
