package dev.spool.server.handlers;

import dev.spool.server.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** A handler that answers at once; subclasses implement {@link #respond}. */
abstract class SimpleHandler<Q extends ApiMessage> extends VersionedHandler {
    SimpleHandler(ApiKeys api, int minVersion, int maxVersion) {
        super(api, minVersion, maxVersion);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final CompletableFuture<ApiMessage> handle(RequestContext ctx, ApiMessage request) throws Exception {
        return CompletableFuture.completedFuture(respond(ctx, (Q) request));
    }

    abstract ApiMessage respond(RequestContext ctx, Q request) throws Exception;
}
