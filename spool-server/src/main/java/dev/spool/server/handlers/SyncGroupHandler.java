package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** SyncGroup (v0..v5): members wait for the leader's assignment, persisted before anyone is answered. */
public final class SyncGroupHandler extends AsyncHandler<SyncGroupRequestData> {
    private final GroupCoordinator groups;

    public SyncGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.SYNC_GROUP, ApiKeys.SYNC_GROUP.oldestVersion(), ApiKeys.SYNC_GROUP.latestVersion());
        this.groups = groups;
    }

    /** From v5 the member names its protocol type and name (KIP-559); Kafka refuses a request without. */
    static final short PROTOCOL_FIELDS_VERSION = 5;

    @Override
    CompletableFuture<SyncGroupResponseData> respond(RequestContext ctx, SyncGroupRequestData request) {
        if (ctx.apiVersion() >= PROTOCOL_FIELDS_VERSION
                && (request.protocolType() == null || request.protocolName() == null)) {
            return CompletableFuture.completedFuture(new SyncGroupResponseData()
                    .setErrorCode(Errors.INCONSISTENT_GROUP_PROTOCOL.code())
                    .setAssignment(new byte[0]));
        }
        return groups.syncGroup(request);
    }
}
