package dev.spool.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Spool broker in a child JVM ({@link SpoolBrokerMain}) for crash tests: started, awaited, killed by the test. */
record BrokerProcess(Process process, int port) {
    static final Pattern READY = Pattern.compile(Pattern.quote(SpoolBrokerMain.READY) + "(\\d+)");

    /**
     * Starts a broker with {@code props} (Kafka-named settings), its output in {@code output}, and waits
     * until it accepts connections; fails fast (Awaitility's {@code TerminalFailureException}) if it exits.
     */
    static BrokerProcess start(Map<String, String> props, Path output) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ChildProcesses.java(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                SpoolBrokerMain.class.getName()));
        props.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = ChildProcesses.start(cmd, output);
        AtomicInteger port = new AtomicInteger();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("broker process exited", () -> !p.isAlive())
                    .until(() -> {
                        Matcher m = READY.matcher(ChildProcesses.read(output));
                        if (m.find()) {
                            port.set(Integer.parseInt(m.group(1)));
                            return true;
                        }
                        return false;
                    });
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        return new BrokerProcess(p, port.get());
    }
}
