package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * ConsumerGroupHeartbeat (v0..v1, KIP-848): joins, heartbeats and leaves of {@code group.protocol=consumer}
 * members; registered only when {@code group.coordinator.rebalance.protocols} contains {@code consumer}.
 */
public final class ConsumerGroupHeartbeatHandler extends AsyncHandler<ConsumerGroupHeartbeatRequestData> {
    private final GroupCoordinator groups;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator groups) {
        super(
                ApiKeys.CONSUMER_GROUP_HEARTBEAT,
                ApiKeys.CONSUMER_GROUP_HEARTBEAT.oldestVersion(),
                ApiKeys.CONSUMER_GROUP_HEARTBEAT.latestVersion());
        this.groups = groups;
    }

    @Override
    CompletableFuture<ConsumerGroupHeartbeatResponseData> respond(
            RequestContext ctx, ConsumerGroupHeartbeatRequestData request) {
        GroupCoordinator.Caller caller = new GroupCoordinator.Caller(ctx.clientId(), clientHost(ctx), ctx.apiVersion());
        return groups.consumerGroupHeartbeat(caller, request);
    }
}
