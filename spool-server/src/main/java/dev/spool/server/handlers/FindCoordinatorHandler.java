package dev.spool.server.handlers;

import dev.spool.coordinator.GroupCoordinator;
import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import java.util.List;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * FindCoordinator (v0..v6, batched keys from v4): this node coordinates every group and every
 * transactional id; the first request of a kind creates {@code __consumer_offsets} or {@code
 * __transaction_state}. Other key types are INVALID_REQUEST.
 */
public final class FindCoordinatorHandler extends SimpleHandler<FindCoordinatorRequestData> {
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;
    static final short MIN_BATCHED_VERSION = 4;

    private final BrokerContext broker;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;

    public FindCoordinatorHandler(BrokerContext broker, GroupCoordinator groups, TransactionCoordinator transactions) {
        super(
                ApiKeys.FIND_COORDINATOR,
                ApiKeys.FIND_COORDINATOR.oldestVersion(),
                ApiKeys.FIND_COORDINATOR.latestVersion());
        this.broker = broker;
        this.groups = groups;
        this.transactions = transactions;
    }

    @Override
    ApiMessage respond(RequestContext ctx, FindCoordinatorRequestData request) {
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (ctx.apiVersion() < MIN_BATCHED_VERSION) {
            FindCoordinatorResponseData.Coordinator c = find(request.keyType(), request.key());
            return data.setErrorCode(c.errorCode())
                    .setErrorMessage(c.errorMessage())
                    .setNodeId(c.nodeId())
                    .setHost(c.host())
                    .setPort(c.port());
        }
        List<String> keys = request.coordinatorKeys();
        for (String key : keys) {
            data.coordinators().add(find(request.keyType(), key));
        }
        return data;
    }

    private FindCoordinatorResponseData.Coordinator find(byte keyType, String key) {
        FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator()
                .setKey(key)
                .setNodeId(-1)
                .setHost("")
                .setPort(-1);
        Errors error;
        if (keyType == GROUP) {
            error = groups.coordinatorStatus(key);
        } else if (keyType == TRANSACTION) {
            error = transactions.coordinatorStatus(key);
        } else {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unsupported key type " + keyType);
        }
        if (error != Errors.NONE) {
            return c.setErrorCode(error.code()).setErrorMessage(error.message());
        }
        return c.setErrorCode(Errors.NONE.code())
                .setNodeId(broker.nodeId())
                .setHost(broker.advertised().host())
                .setPort(broker.advertised().port());
    }
}
