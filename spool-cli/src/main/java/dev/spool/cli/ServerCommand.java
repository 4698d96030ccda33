package dev.spool.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool server}: starts a single-node broker in the foreground and runs until SIGTERM or
 * SIGINT, which shut it down cleanly (flush, checkpoints, clean-shutdown marker) and exit 0.
 *
 * <p>Configuration: the broker's defaults (Kafka key names), then {@code --config FILE}, then each
 * {@code --override key=value}. One line on stdout says the broker is ready; logs go to stderr.
 *
 * <p>This is picocli's view of the command (help, usage errors, in-process tests); {@link Main} runs
 * the plain argument forms without picocli, and both end in {@link ServerLaunch#run}, which keep these
 * options in step: {@code ServerLaunchTest} checks that both read the same arguments alike.
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Start a single-node broker (foreground; SIGTERM or Ctrl-C stops it cleanly).")
final class ServerCommand implements Callable<Integer> {
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
            description =
                    "Start, print the ready line, query itself once, shut down cleanly and exit 0 (class-data training, checks).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        CliSupport.keyValues(spec.commandLine(), "--override", overrides); // usage errors first (exit 2)
        return ServerLaunch.run(
                args(), spec.commandLine().getOut(), spec.commandLine().getErr(), parent.time());
    }

    /** The parsed options, as {@link ServerLaunch#parseSimple} would give them. */
    ServerLaunch.Args args() {
        return new ServerLaunch.Args(configFile, overrides, exitWhenReady);
    }
}
