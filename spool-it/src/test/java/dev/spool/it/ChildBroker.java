package dev.spool.it;

import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts {@link SpoolBrokerMain} in a child JVM, for tests that kill the broker process. */
final class ChildBroker {
    static final Pattern READY = Pattern.compile(Pattern.quote(SpoolBrokerMain.READY) + "(\\d+)");

    private ChildBroker() {}

    /**
     * Starts a broker JVM on {@code data} on a loopback ephemeral port, with {@code extra} settings,
     * its output in {@code out}; adds the process to {@code processes} (the caller kills leftovers) and
     * returns the port once the broker is ready.
     */
    static int start(Path data, Path out, Map<String, String> extra, List<Process> processes) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put(ServerConfig.LOG_DIRS, data.toString());
        props.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of(
                ChildProcesses.java(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SpoolBrokerMain.class.getName()));
        props.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = ChildProcesses.start(cmd, out);
        processes.add(p);
        AtomicInteger port = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .failFast("broker process exited", () -> !p.isAlive())
                .until(() -> {
                    Matcher m = READY.matcher(ChildProcesses.read(out));
                    if (m.find()) {
                        port.set(Integer.parseInt(m.group(1)));
                        return true;
                    }
                    return false;
                });
        return port.get();
    }
}
