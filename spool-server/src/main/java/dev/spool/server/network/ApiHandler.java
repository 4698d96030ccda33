package dev.spool.server.network;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. Each handler declares the versions it implements; {@code ApiVersions} is built
 * from these declarations and nothing else, so the broker advertises exactly what it serves.
 */
public interface ApiHandler {

    ApiKeys api();

    short minVersion();

    short maxVersion();

    /**
     * Handles a decoded request body. Returns the response body (a completed future for immediate
     * answers; delayed operations complete it later), or a future of null for no response (acks=0).
     * Runs on the connection's event loop: must not block.
     */
    CompletableFuture<ApiMessage> handle(RequestContext ctx, ApiMessage request) throws Exception;
}
