package dev.spool.server.handlers;

import dev.spool.server.network.ApiHandler;
import org.apache.kafka.common.protocol.ApiKeys;

/** The API key and the version range a handler declares (what ApiVersions advertises for it). */
abstract class VersionedHandler implements ApiHandler {
    private final ApiKeys api;
    private final short minVersion;
    private final short maxVersion;

    VersionedHandler(ApiKeys api, int minVersion, int maxVersion) {
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
}
