package dev.spool.cli;

import dev.spool.common.Time;
import dev.spool.server.ServerConfig;
import dev.spool.server.SpoolServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real broker on a loopback ephemeral port over a temp directory, for tests. */
final class EmbeddedSpool implements AutoCloseable {
    private final SpoolServer server;
    private final Path dir;

    private EmbeddedSpool(SpoolServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    static EmbeddedSpool start(Path dir, Map<String, String> overrides) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put(ServerConfig.LOG_DIRS, dir.toString());
        props.putAll(overrides);
        return new EmbeddedSpool(SpoolServer.start(ServerConfig.parse(props), Time.SYSTEM), dir);
    }

    String bootstrap() {
        return "127.0.0.1:" + server.port();
    }

    /** The log directory. */
    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
