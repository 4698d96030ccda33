package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool server}'s refusals, in-process: none of these may start a broker. */
class ServerCommandTest {
    @TempDir
    Path dir;

    @Test
    void startsWithFileAndOverridesPrintsOneReadyLineAndStopsCleanly() throws Exception {
        Path data = dir.resolve("data");
        Path props = dir.resolve("server.properties");
        Files.writeString(props, "log.dirs=/nonexistent/overridden\nnode.id=7\nnum.partitions=3\n");
        Cli.Result r = Cli.run(
                "server",
                "--exit-when-ready",
                "--config",
                props.toString(),
                "--override",
                "log.dirs=" + data,
                "--override",
                "listeners=PLAINTEXT://127.0.0.1:0");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .matches("Spool started: listening on 127\\.0\\.0\\.1:[1-9]\\d* \\(node 7, cluster "
                        + "[A-Za-z0-9_-]{22}, data " + Pattern.quote(data.toString()) + "\\)\n");
        String clusterId = r.out().replaceAll(".*cluster ([^,]+),.*\n", "$1");
        assertThat(Files.readString(data.resolve("meta.properties")))
                .contains("cluster.id=" + clusterId)
                .contains("node.id=7");
        assertThat(data.resolve(".kafka_cleanshutdown")).exists();
    }

    @Test
    void mainBuildsOnlyTheNamedSubcommandButAllForHelpAndUnknownWords() {
        assertThat(SpoolCli.subcommandsFor(new String[] {"server", "--override", "a=b"}))
                .containsExactly(ServerCommand.class);
        assertThat(SpoolCli.subcommandsFor(new String[] {"dump-log", "x"})).containsExactly(DumpLogCommand.class);
        assertThat(SpoolCli.subcommandsFor(new String[] {"help", "server"})).isEqualTo(SpoolCli.SUBCOMMANDS);
        assertThat(SpoolCli.subcommandsFor(new String[] {"--version"})).isEqualTo(SpoolCli.SUBCOMMANDS);
        assertThat(SpoolCli.subcommandsFor(new String[] {})).isEqualTo(SpoolCli.SUBCOMMANDS);
    }

    @Test
    void badValueNamesKeyAndValueAndExitsOne() throws Exception {
        Cli.Result r = Cli.run(
                "server",
                "--override",
                "log.dirs=" + dir.resolve("data"),
                "--override",
                "listeners=PLAINTEXT://127.0.0.1:0",
                "--override",
                "num.partitions=zero");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("num.partitions").contains("zero");
        assertThat(r.out()).isEmpty();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void configFileValuesAreCheckedAndOverridesWin() throws Exception {
        Path props = dir.resolve("server.properties");
        Files.writeString(
                props,
                "log.dirs=" + dir.resolve("data") + "\nlisteners=PLAINTEXT://127.0.0.1:0\n"
                        + "message.max.bytes=lots\n");
        Cli.Result fromFile = Cli.run("server", "--config", props.toString());
        assertThat(fromFile.exitCode()).isEqualTo(1);
        assertThat(fromFile.err()).contains("message.max.bytes").contains("lots");

        Cli.Result overridden = Cli.run(
                "server",
                "--config",
                props.toString(),
                "--override",
                "message.max.bytes=1000",
                "--override",
                "listeners=nonsense");
        assertThat(overridden.exitCode()).isEqualTo(1);
        assertThat(overridden.err())
                .doesNotContain("message.max.bytes")
                .contains("listeners")
                .contains("nonsense");
    }

    @Test
    void missingFileAndMalformedOverrideAreRefused() {
        Cli.Result missing =
                Cli.run("server", "--config", dir.resolve("nope.properties").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.properties");

        Cli.Result malformed = Cli.run("server", "--override", "num.partitions");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("'num.partitions'").contains("key=value");
    }
}
