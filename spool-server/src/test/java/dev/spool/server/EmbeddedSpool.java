package dev.spool.server;

import dev.spool.common.Time;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real broker on a loopback ephemeral port over a temp directory, for tests. */
public final class EmbeddedSpool implements AutoCloseable {
    private final SpoolServer server;

    private EmbeddedSpool(SpoolServer server) {
        this.server = server;
    }

    public static EmbeddedSpool start(Path dir, Map<String, String> overrides) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put(ServerConfig.LOG_DIRS, dir.toString());
        props.putAll(overrides);
        return new EmbeddedSpool(SpoolServer.start(ServerConfig.parse(props), Time.SYSTEM));
    }

    public String bootstrap() {
        return "127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws java.io.IOException {
        server.close();
    }
}
