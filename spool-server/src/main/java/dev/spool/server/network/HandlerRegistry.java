package dev.spool.server.network;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/** The handlers of a broker by API key; the single source of what {@code ApiVersions} advertises. */
public final class HandlerRegistry {
    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);

    public HandlerRegistry(List<ApiHandler> all) {
        for (ApiHandler h : all) {
            if (handlers.put(h.api(), h) != null) {
                throw new IllegalArgumentException("two handlers for " + h.api());
            }
            if (h.minVersion() < h.api().oldestVersion()
                    || h.maxVersion() > h.api().latestVersion(true)) {
                throw new IllegalArgumentException(h.api() + " handler declares versions " + h.minVersion() + ".."
                        + h.maxVersion() + " outside what kafka-clients knows");
            }
        }
    }

    /** The handler for {@code api}, or null if the broker does not serve it. */
    public ApiHandler get(ApiKeys api) {
        return handlers.get(api);
    }

    public Collection<ApiHandler> all() {
        return Collections.unmodifiableCollection(handlers.values());
    }

    /** True if {@code api} is served at {@code version}. */
    public boolean supports(ApiKeys api, short version) {
        ApiHandler h = handlers.get(api);
        return h != null && version >= h.minVersion() && version <= h.maxVersion();
    }
}
