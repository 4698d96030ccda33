package dev.spool.server.handlers;

import dev.spool.server.network.ApiHandler;
import dev.spool.server.network.HandlerRegistry;
import dev.spool.server.network.RequestContext;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** ApiVersions: lists exactly the handlers registered, at their declared versions. */
public final class ApiVersionsHandler extends SimpleHandler<ApiVersionsRequestData> {
    /** KIP-511: what client software name and version may look like. */
    private static final Pattern SOFTWARE = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");

    private final Supplier<HandlerRegistry> registry;

    public ApiVersionsHandler(Supplier<HandlerRegistry> registry) {
        super(ApiKeys.API_VERSIONS, 0, ApiKeys.API_VERSIONS.latestVersion());
        this.registry = registry;
    }

    @Override
    ApiMessage respond(RequestContext ctx, ApiVersionsRequestData request) {
        ApiVersionsResponseData data = new ApiVersionsResponseData().setErrorCode(Errors.NONE.code());
        if (ctx.apiVersion() >= 3
                && !(SOFTWARE.matcher(request.clientSoftwareName()).matches()
                        && SOFTWARE.matcher(request.clientSoftwareVersion()).matches())) {
            return data.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        for (ApiHandler h : registry.get().all()) {
            data.apiKeys()
                    .add(new ApiVersionsResponseData.ApiVersion()
                            .setApiKey(h.api().id)
                            .setMinVersion(advertisedMinVersion(h))
                            .setMaxVersion(h.maxVersion()));
        }
        return data;
    }

    /**
     * The handler's oldest version, except Produce, advertised from v0 as Kafka 4 does (KAFKA-18659):
     * librdkafka up to 2.11.0 silently sends gzip, snappy and lz4 batches uncompressed to a broker whose
     * Produce range does not include v0. Produce v0-2 requests are still refused (the connection closes).
     */
    static short advertisedMinVersion(ApiHandler h) {
        return h.api() == ApiKeys.PRODUCE ? ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION : h.minVersion();
    }
}
