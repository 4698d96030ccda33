package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.Time;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link ServerLaunch#parseSimple}, the picocli-free reading of {@code spool server}'s arguments: it
 * must read every form it accepts exactly as picocli's {@link ServerCommand} does, and leave everything
 * else to picocli.
 */
class ServerLaunchTest {
    /** What picocli makes of {@code spool server ARGS}. */
    private static ServerLaunch.Args viaPicocli(List<String> args) {
        CommandLine cl = SpoolCli.commandLine(new ByteArrayInputStream(new byte[0]), Time.SYSTEM);
        List<String> all = new ArrayList<>();
        all.add("server");
        all.addAll(args);
        cl.parseArgs(all.toArray(String[]::new));
        ServerCommand server = cl.getSubcommands().get("server").getCommand();
        return server.args();
    }

    @Test
    void plainFormsReadAsPicocliReadsThem() {
        List<List<String>> cases = List.of(
                List.of(),
                List.of("--exit-when-ready"),
                List.of("-c", "server.properties"),
                List.of("--config", "/etc/spool/server.properties", "--override", "a=b"),
                List.of("--config=conf/s.properties", "--override=log.dirs=/data/x"),
                List.of(
                        "--override",
                        "listeners=PLAINTEXT://127.0.0.1:0",
                        "--override",
                        " spaced.key =v=w",
                        "--exit-when-ready",
                        "--override",
                        "empty.value="),
                List.of("--override", "k=-1"));
        for (List<String> args : cases) {
            assertThat(ServerLaunch.parseSimple(args)).as("%s", args).contains(viaPicocli(args));
        }
        assertThat(ServerLaunch.parseSimple(List.of("--config", "a.properties", "--override", "x=1")))
                .contains(new ServerLaunch.Args(Path.of("a.properties"), List.of("x=1"), false));
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        List<List<String>> cases = List.of(
                List.of("--help"),
                List.of("-h"),
                List.of("--version"),
                List.of("help"),
                List.of("--no-such-option"),
                List.of("extra-positional"),
                List.of("--override", "no-equals-sign"),
                List.of("--override", "=value"),
                List.of("--override"),
                List.of("--config"),
                List.of("-c", "a.properties", "--config", "b.properties"),
                List.of("-ca.properties"),
                List.of("--config", "--override"),
                List.of("--override", "-x=1"), // a value that looks like an option: picocli decides
                List.of("--config="),
                List.of("--exit-when-ready", "--exit-when-ready"));
        for (List<String> args : cases) {
            assertThat(ServerLaunch.parseSimple(args)).as("%s", args).isEmpty();
        }
    }

    @Test
    void overridesAreKeptInOrderAndCannotBeChangedLater() {
        List<String> overrides = new ArrayList<>(List.of("a=1", "a=2"));
        ServerLaunch.Args args = new ServerLaunch.Args(null, overrides, false);
        overrides.clear();
        assertThat(args.overrides()).containsExactly("a=1", "a=2");
    }
}
