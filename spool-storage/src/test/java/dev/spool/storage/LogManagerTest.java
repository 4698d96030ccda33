package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.fileNames;
import static dev.spool.storage.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.spool.common.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    private static final long T0 = 1_700_000_000_000L;
    /** Background tasks far in the future: tests drive retention and checkpoints themselves. */
    private static final long NEVER_MS = 3_600_000L;

    @TempDir
    Path root;

    private final MockTime time = new MockTime(T0);
    private final List<LogManager> managers = new ArrayList<>();

    private final LogConfig defaults = config(LogConfig.SEGMENT_INDEX_BYTES, 4096);

    @AfterEach
    void shutdownAll() throws Exception {
        for (LogManager m : managers) {
            m.shutdown();
        }
    }

    private List<Path> dirs(int n) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(root.resolve("data" + i));
        }
        return out;
    }

    private LogManager start(List<Path> dirs) throws IOException {
        LogManager m = LogManager.start(new LogManager.Config(dirs, defaults, NEVER_MS, NEVER_MS, NEVER_MS), time);
        managers.add(m);
        return m;
    }

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    @Test
    void newLogsGoToTheLeastLoadedDirectory() throws Exception {
        List<Path> dirs = dirs(2);
        LogManager m = start(dirs);
        Log a = m.getOrCreateLog(tp("a", 0), null);
        Log b = m.getOrCreateLog(tp("b", 0), null);
        Log c = m.getOrCreateLog(tp("c", 0), null);
        Log d = m.getOrCreateLog(tp("d", 0), null);
        assertThat(a.dir()).isEqualTo(dirs.get(0).resolve("a-0"));
        assertThat(b.dir()).isEqualTo(dirs.get(1).resolve("b-0"));
        assertThat(c.dir().getParent()).isEqualTo(dirs.get(0));
        assertThat(d.dir().getParent()).isEqualTo(dirs.get(1));
        assertThat(m.allLogs()).containsExactlyInAnyOrder(a, b, c, d);
    }

    @Test
    void leastLoadedCountsLogsFoundAtStartup() throws Exception {
        List<Path> dirs = dirs(2);
        LogManager m = start(dirs);
        m.getOrCreateLog(tp("a", 0), null);
        m.getOrCreateLog(tp("a", 1), null);
        m.getOrCreateLog(tp("a", 2), null);
        m.shutdown();
        // dir0 holds two logs, dir1 one
        LogManager again = start(dirs);
        Log next = again.getOrCreateLog(tp("b", 0), null);
        assertThat(next.dir().getParent()).isEqualTo(dirs.get(1));
    }

    @Test
    void getOrCreateLogIsIdempotentAndUsesTheGivenConfig() throws Exception {
        LogManager m = start(dirs(1));
        LogConfig custom = config(LogConfig.SEGMENT_BYTES, 1000, LogConfig.SEGMENT_INDEX_BYTES, 4096);
        Log first = m.getOrCreateLog(tp("t", 3), custom);
        assertThat(first.config()).isEqualTo(custom);
        Log second = m.getOrCreateLog(tp("t", 3), null);
        assertThat(second).isSameAs(first);
        assertThat(m.getLog(tp("t", 3))).isSameAs(first);
        assertThat(m.getLog(tp("t", 4))).isNull();
        assertThat(m.getOrCreateLog(tp("t", 4), null).config()).isEqualTo(defaults);
    }

    @Test
    void cleanShutdownWritesCheckpointsAndMarkerAndRestartReloadsEveryLog() throws Exception {
        List<Path> dirs = dirs(2);
        LogManager m = start(dirs);
        Map<TopicPartition, ByteBuffer> contents = new HashMap<>();
        for (int p = 0; p < 4; p++) {
            Log log = m.getOrCreateLog(tp("orders", p), null);
            for (int i = 0; i <= p; i++) {
                log.appendAsLeader(batch("p" + p + "b" + i, 3, T0), 0);
            }
            log.updateHighWatermark(3L * p + 1);
            contents.put(log.topicPartition(), readAll(log, 0));
        }
        m.getLog(tp("orders", 3)).deleteRecordsBefore(2);
        m.shutdown();

        for (Path d : dirs) {
            assertThat(d.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();
            assertThat(d.resolve(LogManager.RECOVERY_POINT_CHECKPOINT)).exists();
            assertThat(d.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT)).exists();
            assertThat(d.resolve(LogManager.HIGH_WATERMARK_CHECKPOINT)).exists();
        }
        Path dir1 = dirs.get(1);
        assertThat(new OffsetCheckpointFile(dir1.resolve(LogManager.RECOVERY_POINT_CHECKPOINT)).read())
                .isEqualTo(Map.of(tp("orders", 1), 6L, tp("orders", 3), 12L));
        assertThat(new OffsetCheckpointFile(dir1.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT)).read())
                .isEqualTo(Map.of(tp("orders", 1), 0L, tp("orders", 3), 2L));
        assertThat(new OffsetCheckpointFile(dir1.resolve(LogManager.HIGH_WATERMARK_CHECKPOINT)).read())
                .isEqualTo(Map.of(tp("orders", 1), 4L, tp("orders", 3), 10L));

        LogManager again = start(dirs);
        for (Path d : dirs) {
            assertThat(d.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        }
        assertThat(again.allLogs()).hasSize(4);
        for (int p = 0; p < 4; p++) {
            Log log = again.getLog(tp("orders", p));
            assertThat(log.logEndOffset()).isEqualTo(3L * (p + 1));
            assertThat(log.highWatermark()).isEqualTo(3L * p + 1);
            assertThat(log.recoveryPoint()).isEqualTo(3L * (p + 1));
            if (p == 3) {
                assertThat(log.logStartOffset()).isEqualTo(2);
            } else {
                assertThat(log.logStartOffset()).isZero();
                assertThat(readAll(log, 0)).isEqualTo(contents.get(log.topicPartition()));
            }
        }
        assertThat(again.getOrCreateLog(tp("orders", 2), null)
                        .appendAsLeader(batch("x", 1, T0), 0)
                        .firstOffset())
                .isEqualTo(9);
    }

    @Test
    void restartAfterACrashRecoversEveryLog() throws Exception {
        List<Path> dirs = dirs(1);
        LogManager m = start(dirs);
        Log log = m.getOrCreateLog(tp("orders", 0), null);
        log.appendAsLeader(batch("a", 3, T0), 0);
        log.appendAsLeader(batch("b", 3, T0), 0);
        ByteBuffer before = readAll(log, 0);
        m.halt();
        managers.remove(m);
        assertThat(dirs.get(0).resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();

        LogManager again = start(dirs);
        Log reloaded = again.getLog(tp("orders", 0));
        assertThat(reloaded.logEndOffset()).isEqualTo(6);
        assertThat(reloaded.recoveryPoint()).isEqualTo(6); // recovered and fsynced
        assertThat(readAll(reloaded, 0)).isEqualTo(before);
    }

    @Test
    void unreadableCheckpointIsIgnored() throws Exception {
        List<Path> dirs = dirs(1);
        LogManager m = start(dirs);
        m.getOrCreateLog(tp("orders", 0), null).appendAsLeader(batch("a", 3, T0), 0);
        m.shutdown();
        Files.writeString(dirs.get(0).resolve(LogManager.HIGH_WATERMARK_CHECKPOINT), "garbage");
        LogManager again = start(dirs);
        Log log = again.getLog(tp("orders", 0));
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.highWatermark()).isZero();
    }

    @Test
    void lockFileRefusesASecondManagerOnTheSameDirectory() throws Exception {
        List<Path> dirs = dirs(2);
        LogManager m = start(dirs);
        assertThat(dirs.get(0).resolve(LogManager.LOCK_FILE)).exists();
        // the second directory alone is enough to refuse
        assertThatThrownBy(() -> start(List.of(root.resolve("other"), dirs.get(1))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dirs.get(1).toString())
                .hasMessageContaining(LogManager.LOCK_FILE);
        // the refused manager released what it had locked
        start(List.of(root.resolve("other"))).shutdown();
        m.shutdown();
        LogManager after = start(dirs);
        assertThat(after.allLogs()).isEmpty();
    }

    @Test
    void deleteLogRemovesTheDirectory() throws Exception {
        List<Path> dirs = dirs(1);
        LogManager m = start(dirs);
        Log log = m.getOrCreateLog(tp("gone", 0), null);
        log.appendAsLeader(batch("a", 3, T0), 0);
        Log kept = m.getOrCreateLog(tp("kept", 0), null);
        m.deleteLog(tp("gone", 0));
        assertThat(m.getLog(tp("gone", 0))).isNull();
        assertThat(log.dir()).doesNotExist();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fileNames(dirs.get(0)))
                .noneMatch(n -> n.startsWith("gone-0")));
        m.deleteLog(tp("gone", 0)); // no-op
        assertThat(m.allLogs()).containsExactly(kept);
        m.shutdown();
        LogManager again = start(dirs);
        assertThat(again.getLog(tp("gone", 0))).isNull();
        assertThat(again.getLog(tp("kept", 0))).isNotNull();
        // a new log of the same partition starts empty
        assertThat(again.getOrCreateLog(tp("gone", 0), null).logEndOffset()).isZero();
    }

    @Test
    void leftoverDeleteDirectoriesAreRemovedAndStrangersIgnoredAtStartup() throws Exception {
        List<Path> dirs = dirs(1);
        Path leftover = dirs.get(0).resolve("old-0.0123abc" + LogManager.DELETE_DIR_SUFFIX);
        Files.createDirectories(leftover.resolve("sub"));
        Files.write(leftover.resolve("sub").resolve("x.log"), new byte[10]);
        Files.createDirectories(dirs.get(0).resolve("lost+found"));
        LogManager m = start(dirs);
        assertThat(leftover).doesNotExist();
        assertThat(m.allLogs()).isEmpty();
    }

    @Test
    void runRetentionDeletesOldSegmentsOfEveryLog() throws Exception {
        LogManager m = start(dirs(2));
        int size = batch("b0", 3, T0).remaining();
        LogConfig cfg = config(
                LogConfig.SEGMENT_BYTES, size, LogConfig.RETENTION_MS, 10_000, LogConfig.SEGMENT_INDEX_BYTES, 4096);
        List<Log> logs = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Log log = m.getOrCreateLog(tp("r", p), cfg);
            for (int i = 0; i < 3; i++) {
                log.appendAsLeader(batch("b" + i, 3, T0 + 1000L * i), 0);
            }
            log.updateHighWatermark(log.logEndOffset());
            logs.add(log);
        }
        assertThat(m.runRetention()).isZero();
        time.setMilliseconds(T0 + 1002 + 10_001);
        assertThat(m.runRetention()).isEqualTo(4);
        for (Log log : logs) {
            assertThat(log.logStartOffset()).isEqualTo(6);
            assertThat(log.numberOfSegments()).isEqualTo(1);
        }
    }

    @Test
    void shutdownDoesNotWaitForDelayedFileDeletions() throws Exception {
        List<Path> dirs = dirs(1);
        LogManager m = start(dirs);
        int size = batch("b0", 3, T0).remaining();
        LogConfig cfg = config(
                LogConfig.SEGMENT_BYTES,
                size,
                LogConfig.RETENTION_BYTES,
                0,
                LogConfig.FILE_DELETE_DELAY_MS,
                NEVER_MS,
                LogConfig.SEGMENT_INDEX_BYTES,
                4096);
        Log log = m.getOrCreateLog(tp("r", 0), cfg);
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch("b" + i, 3, T0), 0);
        }
        log.updateHighWatermark(6);
        assertThat(m.runRetention()).isEqualTo(2);
        assertThat(fileNames(log.dir())).anyMatch(n -> n.endsWith(".deleted"));
        // the deletions are an hour away; a clean shutdown must not wait for them (it waited 30 s)
        assertTimeoutPreemptively(Duration.ofSeconds(20), m::shutdown);
        assertThat(dirs.get(0).resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();
        // whatever was left is removed at the next start
        LogManager again = start(dirs);
        assertThat(fileNames(log.dir())).noneMatch(n -> n.endsWith(".deleted"));
        assertThat(again.getLog(tp("r", 0)).logStartOffset()).isEqualTo(6);
    }

    @Test
    void checkpointWritesEveryDirectoryOnDemand() throws Exception {
        List<Path> dirs = dirs(2);
        LogManager m = start(dirs);
        Log log = m.getOrCreateLog(tp("c", 0), null);
        log.appendAsLeader(batch("a", 3, T0), 0);
        log.updateHighWatermark(2);
        m.checkpoint();
        assertThat(new OffsetCheckpointFile(dirs.get(0).resolve(LogManager.HIGH_WATERMARK_CHECKPOINT)).read())
                .isEqualTo(Map.of(tp("c", 0), 2L));
        assertThat(new OffsetCheckpointFile(dirs.get(1).resolve(LogManager.HIGH_WATERMARK_CHECKPOINT)).read())
                .isEmpty();
    }

    @Test
    void backgroundCleanerCompactsCompactedLogsOnly() throws Exception {
        List<Path> dirs = dirs(1);
        LogManager m = LogManager.start(
                new LogManager.Config(
                        dirs,
                        defaults,
                        NEVER_MS,
                        NEVER_MS,
                        NEVER_MS,
                        20,
                        LogManager.CleanerState.ENABLED,
                        new LogCleaner.Config(1 << 20, 0.9, 2, Double.MAX_VALUE, 4096)),
                time);
        managers.add(m);
        LogConfig compacted = config(
                LogConfig.CLEANUP_POLICY,
                "compact",
                LogConfig.SEGMENT_BYTES,
                1024,
                LogConfig.SEGMENT_INDEX_BYTES,
                4096);
        Log table = m.getOrCreateLog(tp("table", 0), compacted);
        Log stream = m.getOrCreateLog(
                tp("stream", 0), config(LogConfig.SEGMENT_BYTES, 1024, LogConfig.SEGMENT_INDEX_BYTES, 4096));
        List<CleanerTestSupport.Write> writes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            writes.add(new CleanerTestSupport.Write("k" + (i % 10), "v" + i));
        }
        for (Log log : List.of(table, stream)) {
            for (CleanerTestSupport.Write w : writes) {
                log.appendAsLeader(CleanerTestSupport.batch(T0, List.of(w)), 0);
            }
            log.roll();
            log.updateHighWatermark(log.logEndOffset());
        }
        // The cleaner runs while the table is written, so compare with its never-cleaned twin.
        long streamSize = stream.size();
        Path checkpoint = dirs.get(0).resolve(LogCleaner.CHECKPOINT_FILE);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        new OffsetCheckpointFile(checkpoint).read())
                .containsEntry(tp("table", 0), 400L));
        assertThat(table.size()).isLessThan(streamSize / 4);
        assertThat(CleanerTestSupport.latest(table)).isEqualTo(CleanerTestSupport.model(writes));
        assertThat(stream.size()).isEqualTo(streamSize);
        assertThat(new OffsetCheckpointFile(checkpoint).read()).doesNotContainKey(tp("stream", 0));

        m.deleteLog(tp("table", 0));
        assertThat(new OffsetCheckpointFile(checkpoint).read()).doesNotContainKey(tp("table", 0));
    }

    @Test
    void backgroundTasksFlushCheckpointAndEnforceRetention() throws Exception {
        List<Path> dirs = dirs(1);
        LogManager m = LogManager.start(new LogManager.Config(dirs, defaults, 20, 20, 20), time);
        managers.add(m);
        int size = batch("b0", 3, T0).remaining();
        LogConfig cfg = config(
                LogConfig.SEGMENT_BYTES,
                size,
                LogConfig.RETENTION_MS,
                10_000,
                LogConfig.FLUSH_MS,
                5_000,
                LogConfig.SEGMENT_INDEX_BYTES,
                4096);
        Log log = m.getOrCreateLog(tp("bg", 0), cfg);
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch("b" + i, 3, T0), 0);
        }
        log.updateHighWatermark(9);
        Path checkpoint = dirs.get(0).resolve(LogManager.RECOVERY_POINT_CHECKPOINT);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        new OffsetCheckpointFile(checkpoint).read())
                .containsEntry(tp("bg", 0), 0L));
        assertThat(log.recoveryPoint()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(3);

        time.sleep(5_000); // flush.ms passed
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == 9);
        time.sleep(10_000); // retention.ms passed
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.logStartOffset() == 9);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        new OffsetCheckpointFile(checkpoint).read())
                .containsEntry(tp("bg", 0), 9L));
    }

    @Test
    void noLogDirectoryIsAnError() {
        assertThatThrownBy(() -> start(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
