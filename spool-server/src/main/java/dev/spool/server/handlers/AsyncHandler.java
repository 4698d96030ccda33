package dev.spool.server.handlers;

import dev.spool.server.network.RequestContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A handler whose answer comes later (the group coordinator answers on its own threads); the
 * connection writes it on its event loop when the future completes. Subclasses implement
 * {@link #respond}, which must not block.
 */
abstract class AsyncHandler<Q extends ApiMessage> extends VersionedHandler {
    AsyncHandler(ApiKeys api, int minVersion, int maxVersion) {
        super(api, minVersion, maxVersion);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final CompletableFuture<ApiMessage> handle(RequestContext ctx, ApiMessage request) throws Exception {
        return respond(ctx, (Q) request).thenApply(r -> r);
    }

    abstract CompletableFuture<? extends ApiMessage> respond(RequestContext ctx, Q request) throws Exception;

    /** The client's address as Kafka reports it ("/127.0.0.1"). */
    static String clientHost(RequestContext ctx) {
        SocketAddress a = ctx.clientAddress();
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().toString();
        }
        return String.valueOf(a);
    }
}
