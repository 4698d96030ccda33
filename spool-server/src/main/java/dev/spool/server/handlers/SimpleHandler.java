package dev.spool.server.handlers;

import dev.spool.server.network.ApiHandler;
import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** A handler that answers at once; subclasses implement {@link #respond}. */
abstract class SimpleHandler<Q extends ApiMessage> implements ApiHandler {
    private final ApiKeys api;
    private final short minVersion;
    private final short maxVersion;

    SimpleHandler(ApiKeys api, int minVersion, int maxVersion) {
        this.api = api;
        this.minVersion = (short) minVersion;
        this.maxVersion = (short) maxVersion;
    }

    @Override
    public final ApiKeys api() {
        return api;
    }

    @Override
    public final short minVersion() {
        return minVersion;
    }

    @Override
    public final short maxVersion() {
        return maxVersion;
    }

    @Override
    @SuppressWarnings("unchecked")
    public final CompletableFuture<ApiMessage> handle(RequestContext ctx, ApiMessage request) throws Exception {
        return CompletableFuture.completedFuture(respond(ctx, (Q) request));
    }

    abstract ApiMessage respond(RequestContext ctx, Q request) throws Exception;
}
