package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.SimpleRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link CrashAppenderMain}) with SIGKILL while it appends with
 * {@code flush.messages=1}, several times over the same directory, and checks that every append the
 * child acknowledged survives each kill with its content, that the log is a contiguous prefix, and that
 * the recovered log takes new appends.
 */
@Tag("slow")
class LogCrashTest {
    private static final Pattern ACK = Pattern.compile("^ACK (\\d+) (\\d+) (\\d+) END$");
    private static final Pattern START = Pattern.compile("^START (\\d+)$");
    private static final int ROUNDS = 5;
    private static final int ACKS_PER_ROUND = 300;

    @TempDir
    Path tmp;

    /** One acknowledged append. */
    record Ack(int tag, long firstOffset, long lastOffset) {}

    @Test
    void sigkillLosesNoAcknowledgedAppend() throws Exception {
        Path logDir = tmp.resolve("data");
        List<Ack> acked = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Child child = Child.start(logDir, round * 1_000_000, tmp.resolve("child-" + round + ".err"));
            try {
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> child.acks.size() >= ACKS_PER_ROUND || !child.process.isAlive());
                assertThat(child.process.isAlive())
                        .as("child still running; stdout: %s; stderr: %s", child.others, child.stderr())
                        .isTrue();
            } finally {
                child.kill();
            }
            // The restarted child recovered at least everything acknowledged before.
            long expectedEnd = acked.isEmpty() ? 0 : acked.get(acked.size() - 1).lastOffset() + 1;
            assertThat(child.startOffset)
                    .as("log end offset after restart %d", round)
                    .isGreaterThanOrEqualTo(expectedEnd);
            assertThat(child.acks).hasSizeGreaterThanOrEqualTo(ACKS_PER_ROUND);
            assertThat(child.acks.get(0).firstOffset()).isEqualTo(child.startOffset);
            acked.addAll(child.acks);
        }

        // Recover in this JVM (no clean-shutdown marker: the last child was killed) and check everything.
        LogManager manager = LogManager.start(CrashAppenderMain.managerConfig(logDir), Time.SYSTEM);
        try {
            Log log = manager.getLog(LogTestSupport.TP);
            assertThat(log).isNotNull();
            checkAcknowledged(log, acked);
            List<SimpleRecord> more = CrashAppenderMain.records(7);
            long end = log.logEndOffset();
            AppendResult r = log.appendAsLeader(LogModel.buildBatches(List.of(more), 0, KafkaRecords.NONE), 0);
            assertThat(r.ok()).as(r.message()).isTrue();
            assertThat(r.firstOffset()).isEqualTo(end);
        } finally {
            manager.shutdown();
        }
        // And once more after a clean shutdown.
        LogManager clean = LogManager.start(CrashAppenderMain.managerConfig(logDir), Time.SYSTEM);
        try {
            checkAcknowledged(clean.getLog(LogTestSupport.TP), acked);
        } finally {
            clean.shutdown();
        }
    }

    /** Every acknowledged batch is at its offsets with its content; offsets are contiguous from 0. */
    private static void checkAcknowledged(Log log, List<Ack> acked) throws IOException {
        assertThat(log.logStartOffset()).isZero();
        Map<Long, KafkaRecords.DecodedRecord> byOffset = new HashMap<>();
        long next = 0;
        while (next < log.logEndOffset()) {
            ReadResult r = log.read(next, 1 << 20, log.logEndOffset(), true);
            assertThat(r.sizeInBytes()).as("read at %d of %s", next, log).isPositive();
            for (KafkaRecords.DecodedRecord d : KafkaRecords.decode(r.slice().readFully())) {
                if (d.offset() >= next) {
                    assertThat(d.offset()).as("offsets contiguous").isEqualTo(next);
                    byOffset.put(d.offset(), d);
                    next = d.offset() + 1;
                }
            }
        }
        Ack last = acked.get(acked.size() - 1);
        assertThat(log.logEndOffset()).isGreaterThan(last.lastOffset());
        for (Ack ack : acked) {
            List<SimpleRecord> expected = CrashAppenderMain.records(ack.tag());
            assertThat(ack.lastOffset() - ack.firstOffset() + 1).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                KafkaRecords.DecodedRecord d = byOffset.get(ack.firstOffset() + i);
                assertThat(d)
                        .as("acknowledged offset %d (tag %d)", ack.firstOffset() + i, ack.tag())
                        .isNotNull();
                assertThat(d.value()).isEqualTo(expected.get(i).value());
                assertThat(d.key()).isEqualTo(expected.get(i).key());
                assertThat(d.timestamp()).isEqualTo(expected.get(i).timestamp());
            }
        }
    }

    /** A running child and what it printed. */
    private static final class Child {
        final Process process;
        final Path stderrFile;
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        final List<String> others = new CopyOnWriteArrayList<>();
        final Thread reader;
        volatile long startOffset = -1;

        private Child(Process process, Path stderrFile) {
            this.process = process;
            this.stderrFile = stderrFile;
            this.reader = new Thread(this::readStdout, "crash-child-stdout");
            this.reader.setDaemon(true);
            this.reader.start();
        }

        static Child start(Path logDir, int firstTag, Path stderrFile) throws IOException {
            String java = ProcessHandle.current()
                    .info()
                    .command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString());
            ProcessBuilder pb = new ProcessBuilder(
                    java,
                    "-ea",
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashAppenderMain.class.getName(),
                    logDir.toString(),
                    Integer.toString(firstTag));
            pb.redirectError(stderrFile.toFile());
            return new Child(pb.start(), stderrFile);
        }

        private void readStdout() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher ack = ACK.matcher(line);
                    Matcher start = START.matcher(line);
                    if (ack.matches()) {
                        acks.add(new Ack(
                                Integer.parseInt(ack.group(1)),
                                Long.parseLong(ack.group(2)),
                                Long.parseLong(ack.group(3))));
                    } else if (start.matches()) {
                        startOffset = Long.parseLong(start.group(1));
                    } else {
                        others.add(line);
                    }
                }
            } catch (IOException e) {
                others.add("stdout read failed: " + e);
            }
        }

        /** SIGKILL, then wait for the process and for the rest of its output. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(reader.isAlive()).as("stdout drained").isFalse();
        }

        String stderr() {
            try {
                return Files.readString(stderrFile);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }
}
