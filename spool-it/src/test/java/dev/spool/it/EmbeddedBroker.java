package dev.spool.it;

import dev.spool.common.Time;
import dev.spool.server.ServerConfig;
import dev.spool.server.SpoolServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real broker in this JVM on a loopback ephemeral port over a temp directory. */
final class EmbeddedBroker implements AutoCloseable {
    private final SpoolServer server;

    private EmbeddedBroker(SpoolServer server) {
        this.server = server;
    }

    static EmbeddedBroker start(Path dir, Map<String, String> overrides) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put(ServerConfig.LOG_DIRS, dir.toString());
        props.putAll(overrides);
        return new EmbeddedBroker(SpoolServer.start(ServerConfig.parse(props), Time.SYSTEM));
    }

    String bootstrap() {
        return "127.0.0.1:" + server.port();
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
