package dev.spool.it;

import dev.spool.common.Time;
import dev.spool.server.ServerConfig;
import dev.spool.server.SpoolServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A broker process for crash tests: {@code SpoolBrokerMain [--override] key=value ...} starts
 * {@link SpoolServer} with those Kafka-named settings, prints {@value #READY} followed by the bound port
 * once it accepts connections, and runs until killed (a clean stop on SIGTERM).
 */
public final class SpoolBrokerMain {
    static final String READY = "SPOOL READY port=";

    private SpoolBrokerMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> props = new HashMap<>();
        for (String a : args) {
            if (a.equals("--override")) {
                continue;
            }
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            props.put(a.substring(0, eq), a.substring(eq + 1));
        }
        SpoolServer server = SpoolServer.start(ServerConfig.parse(props), Time.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace(System.out);
            }
            stopped.countDown();
        }));
        System.out.println(READY + server.port());
        System.out.flush();
        stopped.await();
    }
}
