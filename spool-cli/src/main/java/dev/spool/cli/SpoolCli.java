package dev.spool.cli;

import dev.spool.common.Time;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spool} command: {@code server}, {@code topics}, {@code produce}, {@code consume} and
 * {@code dump-log}. Subcommands print only through picocli's writers ({@code getOut()} / {@code getErr()})
 * and read standard input through {@link #stdin()}, so tests run them in-process with captured
 * streams. Exit codes: 0 success, 1 failure (message on stderr), 2 bad usage.
 */
@Command(
        name = "spool",
        mixinStandardHelpOptions = true,
        versionProvider = SpoolCli.Version.class,
        description = "Spool: a Kafka-compatible commit log.")
public final class SpoolCli implements Runnable {
    /** The subcommands, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ServerCommand.class,
            TopicsCommand.class,
            GroupsCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            DumpLogCommand.class,
            CommandLine.HelpCommand.class);

    private final InputStream stdin;
    private final Time time;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public SpoolCli(InputStream stdin, Time time) {
        this.stdin = stdin;
        this.time = time;
    }

    /** The stream {@code produce} reads records from. */
    InputStream stdin() {
        return stdin;
    }

    /** The clock (consume timeouts, server start time). */
    Time time() {
        return time;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
    }

    /** A command line over the given input with Spool's error handling; set its out/err writers as needed. */
    public static CommandLine commandLine(InputStream stdin, Time time) {
        return commandLine(stdin, time, SUBCOMMANDS);
    }

    private static CommandLine commandLine(InputStream stdin, Time time, List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new SpoolCli(stdin, time));
        for (Class<?> sub : subcommands) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler(SpoolCli::onError);
        return cl;
    }

    /**
     * The subcommands a command line needs: only the one named by the first argument when there is
     * such a one (picocli builds the model of every subcommand it is given, reflection over every
     * option: for {@code spool server} that was a sixth of the start-up), else all of them (help,
     * usage errors, {@code spool help server}).
     */
    static List<Class<?>> subcommandsFor(String[] args) {
        if (args.length > 0) {
            for (Class<?> sub : SUBCOMMANDS) {
                if (sub == CommandLine.HelpCommand.class) {
                    continue; // help names other subcommands
                }
                Command c = sub.getAnnotation(Command.class);
                if (c != null
                        && (c.name().equals(args[0]) || List.of(c.aliases()).contains(args[0]))) {
                    return List.of(sub);
                }
            }
        }
        return SUBCOMMANDS;
    }

    /**
     * A failure while running a command: one line on stderr with the innermost useful message, exit 1.
     * Stack traces are for bugs, not for a refused topic name.
     */
    private static int onError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CommandLine.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        PrintWriter err = cl.getErr();
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        err.println("Error: " + message);
        err.flush();
        return 1;
    }

    public static void main(String[] args) {
        int code = commandLine(System.in, Time.SYSTEM, subcommandsFor(args)).execute(args);
        System.exit(code);
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpoolCli.class.getPackage().getImplementationVersion();
            return new String[] {"spool " + (v == null ? "dev" : v)};
        }
    }
}
