package dev.spool.cli;

import dev.spool.common.Time;
import dev.spool.common.config.ConfigException;
import dev.spool.server.ServerConfig;
import dev.spool.server.SpoolServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code spool server} does once its arguments are known: parse the configuration, start the
 * broker, print the ready line, run until SIGTERM/SIGINT and shut down cleanly. Free of picocli on
 * purpose: {@link Main} reads the plain argument forms of {@code spool server} itself ({@link
 * #parseSimple}) and comes straight here, because picocli's classes (class file version 49) cannot be
 * put in the class-data archive and building its command model was a fifth of the broker's start-up.
 * Anything else (help, unknown options, malformed values) goes through picocli's {@link ServerCommand},
 * which ends up here too.
 *
 * <p>Stateless; {@link #run} blocks the calling thread for the broker's lifetime (unless {@code
 * exitWhenReady}).
 */
final class ServerLaunch {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLaunch.class);

    private ServerLaunch() {}

    /**
     * The arguments of {@code spool server}: an optional properties file, {@code key=value} overrides
     * in order (already checked to have a non-empty key), and whether to stop once ready.
     */
    record Args(Path configFile, List<String> overrides, boolean exitWhenReady) {
        Args {
            overrides = List.copyOf(overrides);
        }
    }

    /**
     * The arguments after {@code server} when each is one of the plain forms {@code -c FILE}, {@code
     * --config FILE}, {@code --config=FILE}, {@code --override KEY=VALUE}, {@code --override=KEY=VALUE}
     * or {@code --exit-when-ready}, with at most one config file and every override well-formed (see
     * {@link KeyValues#split}); empty for anything else, which picocli then parses with its help and error
     * messages. Values starting with '-' are left to picocli too.
     */
    static Optional<Args> parseSimple(List<String> args) {
        Path config = null;
        List<String> overrides = new ArrayList<>();
        boolean exitWhenReady = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value;
            String option;
            if (arg.equals("--exit-when-ready")) {
                if (exitWhenReady) {
                    return Optional.empty();
                }
                exitWhenReady = true;
                continue;
            } else if (arg.equals("-c") || arg.equals("--config") || arg.equals("--override")) {
                if (i + 1 >= args.size()) {
                    return Optional.empty();
                }
                option = arg;
                value = args.get(++i);
            } else if (arg.startsWith("--config=") || arg.startsWith("--override=")) {
                int eq = arg.indexOf('=');
                option = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                return Optional.empty();
            }
            if (value.isEmpty() || value.startsWith("-")) {
                return Optional.empty();
            }
            if (option.equals("--override")) {
                if (KeyValues.split(value) == null) {
                    return Optional.empty();
                }
                overrides.add(value);
            } else {
                if (config != null) {
                    return Optional.empty();
                }
                config = Path.of(value);
            }
        }
        return Optional.of(new Args(config, overrides, exitWhenReady));
    }

    /** Starts the broker and runs it; the process exit code (0, or 1 with a message on {@code err}). */
    static int run(Args args, PrintWriter out, PrintWriter err, Time time) throws IOException, InterruptedException {
        ServerConfig config;
        try {
            config = ServerConfig.parse(properties(args));
        } catch (ConfigException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return 1;
        }
        SpoolServer server;
        try {
            server = SpoolServer.start(config, time);
        } catch (IOException e) {
            err.println("Error: could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (args.exitWhenReady()) {
            out.println(readyLine(config, server));
            out.flush();
            try {
                askItself(config, server);
            } finally {
                server.close();
            }
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, out, stopped), "spool-shutdown"));
        out.println(readyLine(config, server));
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * {@code --exit-when-ready}'s own requests before it stops: an admin client connects to the listener
     * and asks for the cluster and the topic list (ApiVersions, Metadata, DescribeCluster). The
     * class-data archive is trained by such a run, so the classes of a connection's pipeline, of
     * request decoding and of the error table are archived too and the first client after a real start
     * finds them mapped instead of loading them from the jar. A failure is only logged: the run has
     * already started and stopped the broker, which is its verdict.
     */
    private static void askItself(ServerConfig config, SpoolServer server) throws InterruptedException {
        String bootstrap = config.listeners().get(0).host() + ":" + server.port();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "spool-exit-when-ready",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000))) {
            admin.describeCluster().nodes().get();
            admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        } catch (ExecutionException | KafkaException e) {
            LOG.warn("--exit-when-ready: could not query the broker at {}", bootstrap, e);
        }
    }

    /** Broker properties: the file, then the overrides. */
    private static Map<String, String> properties(Args args) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        if (args.configFile() != null) {
            props.putAll(KeyValues.load(args.configFile()));
        }
        for (String item : args.overrides()) {
            Map.Entry<String, String> kv = KeyValues.split(item);
            if (kv == null) {
                throw new IllegalArgumentException("not key=value: " + item); // checked by the parsers
            }
            props.put(kv.getKey(), kv.getValue());
        }
        return props;
    }

    /**
     * Runs in the shutdown hook: a clean close, then halt with 0 (a JVM ended by SIGTERM would
     * otherwise exit 143 even after a clean shutdown).
     */
    private static void shutdown(SpoolServer server, PrintWriter out, CountDownLatch stopped) {
        int status = 0;
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.error("Unclean shutdown", e);
            status = 1;
        }
        stopped.countDown();
        out.flush();
        Runtime.getRuntime().halt(status);
    }

    static String readyLine(ServerConfig config, SpoolServer server) {
        String host = config.listeners().get(0).host();
        String dirs = config.logDirs().stream().map(Path::toString).collect(Collectors.joining(","));
        return "Spool started: listening on " + host + ":" + server.port() + " (node " + config.nodeId() + ", cluster "
                + clusterId(config.logDirs().get(0)) + ", data " + dirs + ")";
    }

    /** The cluster id the broker stored in (or found in) its first log directory's meta.properties. */
    private static String clusterId(Path logDir) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(logDir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("cluster.id", "unknown");
    }
}
