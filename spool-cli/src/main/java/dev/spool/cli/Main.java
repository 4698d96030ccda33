package dev.spool.cli;

import dev.spool.common.SuppressForbidden;
import dev.spool.common.Time;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Optional;

/**
 * The jar's entry point. {@code spool server} with plain arguments starts the broker directly
 * ({@link ServerLaunch}), without loading picocli: its classes cannot be archived for class-data sharing
 * and building its command model cost about a fifth of the broker's start-up. Everything else (other
 * commands, help, usage errors) goes to {@link SpoolCli}.
 *
 * <p>Before anything else it turns off Netty's JFR events unless {@code -Dio.netty.jfr.enabled} is
 * given: Netty 4.2 asks JFR whether its buffer-allocation events are enabled on the first allocation,
 * which initialised JFR's event machinery (some 100 classes, reflection, annotation proxies) on the
 * event loop while it served the first request, about 0.1 s. Stateless.
 */
public final class Main {
    /** Netty's switch for its JFR events (read once, when Netty's {@code PlatformDependent} loads). */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        Optional<ServerLaunch.Args> server = args.length > 0 && args[0].equals("server")
                ? ServerLaunch.parseSimple(Arrays.asList(args).subList(1, args.length))
                : Optional.empty();
        if (server.isEmpty()) {
            SpoolCli.main(args);
            return;
        }
        PrintWriter err = stderr();
        int code;
        try {
            code = ServerLaunch.run(server.get(), stdout(), err, Time.SYSTEM);
        } catch (Exception e) { // as SpoolCli reports a failed command: one line, exit 1
            err.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            code = 1;
        }
        System.exit(code);
    }

    /** Standard output as picocli would wrap it (platform charset, flushed on println). */
    @SuppressForbidden(reason = "the command's ready line goes to standard output")
    private static PrintWriter stdout() {
        return new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true);
    }

    @SuppressForbidden(reason = "the command's errors go to standard error")
    private static PrintWriter stderr() {
        return new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true);
    }
}
