package dev.spool.storage;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link LogCrashTest}: opens a {@link LogManager} on a directory (recovering
 * whatever a previous kill left), prints {@code START <logEndOffset>}, then appends batches forever with
 * {@code flush.messages=1}, printing {@code ACK <tag> <firstOffset> <lastOffset> END} after each append
 * returns. The content of a batch follows from its tag alone ({@link #records}), so the parent can check
 * it. Exits when its standard input closes (the parent is gone) or after {@link #MAX_APPENDS}.
 *
 * <p>Usage: {@code CrashAppenderMain <logDir> <firstTag>}
 */
public final class CrashAppenderMain {
    static final int MAX_APPENDS = 1_000_000;

    private CrashAppenderMain() {}

    /** The log config of the crash test: fsync every append, small segments so rolls are frequent. */
    static LogConfig config() {
        return LogTestSupport.config(
                LogConfig.FLUSH_MESSAGES, 1,
                LogConfig.SEGMENT_BYTES, 16 * 1024,
                LogConfig.INDEX_INTERVAL_BYTES, 512,
                LogConfig.SEGMENT_MS, Long.MAX_VALUE,
                LogConfig.RETENTION_MS, -1);
    }

    /**
     * Checkpoints every 50 ms, so kills also land while checkpoint files are written and restarts trust
     * a recovery point (segments below it are not re-read).
     */
    static LogManager.Config managerConfig(Path logDir) {
        return new LogManager.Config(List.of(logDir), config(), 300_000L, 1_000L, 50L);
    }

    /** The records of the batch tagged {@code tag}: 1-5 records of up to ~2 KB each. */
    static List<SimpleRecord> records(int tag) {
        int n = 1 + tag % 5;
        int[] sizes = new int[n];
        long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = (int) Math.floorMod(tag * 131L + i * 17L, 2000L);
            timestamps[i] = 1_700_000_000_000L + tag;
        }
        return LogModel.records("t" + tag, sizes, timestamps);
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int firstTag = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        Thread watchdog = new Thread(() -> exitWhenClosed(System.in), "stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        LogManager manager = LogManager.start(managerConfig(dir), Time.SYSTEM);
        Log log = manager.getOrCreateLog(LogTestSupport.TP, null);
        out.println("START " + log.logEndOffset());
        out.flush();
        for (int tag = firstTag; tag < firstTag + MAX_APPENDS; tag++) {
            ByteBuffer batch = LogModel.buildBatches(List.of(records(tag)), 0, KafkaRecords.NONE);
            AppendResult r = log.appendAsLeader(batch, 0);
            if (!r.ok()) {
                out.println("FAILED " + tag + " " + r.error() + " " + r.message());
                out.flush();
                System.exit(2);
            }
            out.println("ACK " + tag + " " + r.firstOffset() + " " + r.lastOffset() + " END");
            out.flush();
        }
        manager.shutdown();
    }

    private static void exitWhenClosed(InputStream in) {
        try {
            while (in.read() >= 0) {
                // nothing is sent; wait for end of stream
            }
        } catch (IOException ignored) {
            // the parent is gone either way
        }
        System.exit(3);
    }
}
