package dev.spool.storage;

import dev.spool.common.Time;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a log needs from its surroundings: the clock, a background executor for delayed file
 * deletion (null: delete at once), and how segment files are opened (tests inject faults here).
 */
public record LogEnv(Time time, ScheduledExecutorService background, FileChannelOpener channels) {

    /** Opens segment files; the default is {@link FileChannel#open}. */
    @FunctionalInterface
    public interface FileChannelOpener {
        FileChannel open(Path path, OpenOption... options) throws IOException;
    }

    /** The real clock and file system, deleting files at once. */
    public static LogEnv of(Time time) {
        return new LogEnv(time, null, FileChannel::open);
    }

    public LogEnv withBackground(ScheduledExecutorService executor) {
        return new LogEnv(time, executor, channels);
    }
}
