package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** JoinGroup (v0..v9): answered by the group coordinator when the join phase ends. */
public final class JoinGroupHandler extends AsyncHandler<JoinGroupRequestData> {
    /** protocol_name became nullable in v7. */
    static final short NULLABLE_PROTOCOL_NAME_VERSION = 7;

    private final GroupCoordinator groups;

    public JoinGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.JOIN_GROUP, ApiKeys.JOIN_GROUP.oldestVersion(), ApiKeys.JOIN_GROUP.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<JoinGroupResponseData> respond(RequestContext ctx, JoinGroupRequestData request) {
        GroupCoordinator.Caller caller = new GroupCoordinator.Caller(ctx.clientId(), clientHost(ctx), ctx.apiVersion());
        return groups.joinGroup(caller, request).thenApply(r -> {
            if (ctx.apiVersion() < NULLABLE_PROTOCOL_NAME_VERSION && r.protocolName() == null) {
                r.setProtocolName("");
            }
            return r;
        });
    }
}
