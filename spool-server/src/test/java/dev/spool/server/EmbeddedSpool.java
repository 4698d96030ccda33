package dev.spool.server;

import dev.spool.common.Time;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

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

    /** An Admin client of this broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(p);
    }

    /** Creates a topic of {@code partitions} partitions (replication factor 1) and waits for it. */
    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws java.io.IOException {
        server.close();
    }
}
