package dev.spool.cli;

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
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool server}: starts a single-node broker in the foreground and runs until SIGTERM or
 * SIGINT, which shut it down cleanly (flush, checkpoints, clean-shutdown marker) and exit 0.
 *
 * <p>Configuration: the broker's defaults (Kafka key names), then {@code --config FILE}, then each
 * {@code --override key=value}. One line on stdout says the broker is ready; logs go to stderr.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Start a single-node broker (foreground; SIGTERM or Ctrl-C stops it cleanly).")
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    SpoolCli parent;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Broker properties file (Kafka key names).")
    Path configFile;

    @Option(
            names = "--override",
            paramLabel = "KEY=VALUE",
            description = "Set a broker property, taking precedence over the file; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--exit-when-ready",
            hidden = true,
            description = "Start, print the ready line, shut down cleanly and exit 0 (warm-up runs, checks).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config;
        try {
            config = ServerConfig.parse(properties());
        } catch (ConfigException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return 1;
        }
        SpoolServer server;
        try {
            server = SpoolServer.start(config, parent.time());
        } catch (IOException e) {
            err.println("Error: could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (exitWhenReady) {
            out.println(readyLine(config, server));
            out.flush();
            server.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, out, stopped), "spool-shutdown"));
        out.println(readyLine(config, server));
        out.flush();
        stopped.await();
        return 0;
    }

    /** Broker properties: the file, then the overrides. */
    private Map<String, String> properties() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        if (configFile != null) {
            props.putAll(CliSupport.loadProperties(configFile));
        }
        props.putAll(CliSupport.keyValues(spec.commandLine(), "--override", overrides));
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
