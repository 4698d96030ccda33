package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** OffsetDelete (v0): removes a group's committed offsets of topics it does not consume. */
public final class OffsetDeleteHandler extends AsyncHandler<OffsetDeleteRequestData> {
    private final GroupCoordinator groups;

    public OffsetDeleteHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_DELETE, ApiKeys.OFFSET_DELETE.oldestVersion(), ApiKeys.OFFSET_DELETE.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<OffsetDeleteResponseData> respond(RequestContext ctx, OffsetDeleteRequestData request) {
        return groups.deleteOffsets(request);
    }
}
