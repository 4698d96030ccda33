package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.concat;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.common.TopicPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * I/O faults: a failed or partial write leaves no partial batch visible and takes only that log
 * offline; a failed fsync takes the log offline.
 */
class LogFaultTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = LogTestSupport.TP;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private final FaultInjectingFileChannel.Opener opener = new FaultInjectingFileChannel.Opener();
    private final LogConfig cfg = config(LogConfig.SEGMENT_INDEX_BYTES, 4096);
    private Log log;
    private LogManager manager;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
        if (manager != null) {
            manager.shutdown();
        }
    }

    private Path logDir() {
        return dir.resolve(TP.dirName());
    }

    private Log openFaulty(LogConfig config) throws IOException {
        log = LogLoader.load(logDir(), TP, config, new LogEnv(time, null, opener), LogLoader.LoadParams.FRESH);
        return log;
    }

    /** Reopens the log's directory with the real file system, as after a restart. */
    private Log reopenHealthy() throws IOException {
        log.close();
        log = LogLoader.load(logDir(), TP, cfg, LogEnv.of(time), LogLoader.LoadParams.FRESH);
        return log;
    }

    private FaultInjectingFileChannel activeChannel(Log l) {
        List<Long> bases = l.segmentBaseOffsets();
        return opener.channel(l.dir().resolve(LogFiles.fileName(bases.get(bases.size() - 1), ".log")));
    }

    private static void assertOffline(ThrowingCallable call, TopicPartition tp) {
        assertThatThrownBy(call).isInstanceOf(LogOfflineException.class).hasMessageContaining(tp.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 12, 60})
    void partialWriteIsCutBackAndTakesTheLogOffline(int writtenBeforeFailure) throws Exception {
        openFaulty(cfg);
        log.appendAsLeader(batch("a", 3, T0), 0);
        log.appendAsLeader(batch("b", 2, T0), 0);
        ByteBuffer before = readAll(log, 0);
        Path file = activeChannel(log).path();
        long sizeBefore = Files.size(file);

        activeChannel(log).failNextWriteAfter(writtenBeforeFailure);
        ByteBuffer failing = batch("c", 4, T0);
        assertThat(failing.remaining()).isGreaterThan(writtenBeforeFailure);
        assertThatThrownBy(() -> log.appendAsLeader(failing, 0))
                .isInstanceOf(LogOfflineException.class)
                .hasMessageContaining(TP.toString())
                .hasMessageContaining(FaultInjectingFileChannel.DISK_FULL)
                .hasRootCauseMessage(FaultInjectingFileChannel.DISK_FULL);

        assertThat(Files.size(file)).isEqualTo(sizeBefore);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(5);

        reopenHealthy();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(readAll(log, 0)).isEqualTo(before);
        assertThat(log.appendAsLeader(batch("d", 1, T0), 0).firstOffset()).isEqualTo(5);
    }

    @Test
    void partialWriteOfAMultiBatchAppendRemovesEveryBatchOfIt() throws Exception {
        openFaulty(cfg);
        log.appendAsLeader(batch("a", 3, T0), 0);
        ByteBuffer before = readAll(log, 0);
        ByteBuffer first = batch("b", 2, T0);
        ByteBuffer two = concat(first, batch("c", 2, T0));
        // the first batch is written whole, the second only in part
        activeChannel(log).failNextWriteAfter(first.remaining() + 20);
        assertThatThrownBy(() -> log.appendAsLeader(two, 0)).isInstanceOf(LogOfflineException.class);
        assertThat(Files.size(activeChannel(log).path())).isEqualTo(before.remaining());

        reopenHealthy();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(readAll(log, 0)).isEqualTo(before);
    }

    @Test
    void partialBatchThatCannotBeCutBackIsRemovedByRecovery() throws Exception {
        openFaulty(cfg);
        log.appendAsLeader(batch("a", 3, T0), 0);
        ByteBuffer before = readAll(log, 0);
        FaultInjectingFileChannel ch = activeChannel(log);
        ch.failTruncate(true);
        ch.failNextWriteAfter(25);
        assertThatThrownBy(() -> log.appendAsLeader(batch("b", 3, T0), 0)).isInstanceOf(LogOfflineException.class);
        // the torn bytes stay in the file, but the offline log serves nothing
        assertThat(Files.size(ch.path())).isEqualTo(before.remaining() + 25L);
        assertOffline(() -> log.read(0, 1 << 20, 3, true), TP);

        reopenHealthy(); // an unclean start, as LogManager does after an offline log
        assertThat(Files.size(ch.path())).isEqualTo(before.remaining());
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(readAll(log, 0)).isEqualTo(before);
    }

    @Test
    void everyLaterCallOnAnOfflineLogFailsNamingThePartition() throws Exception {
        openFaulty(cfg);
        log.appendAsLeader(batch("a", 3, T0), 0);
        log.updateHighWatermark(3);
        activeChannel(log).failNextWriteAfter(5);
        assertThatThrownBy(() -> log.appendAsLeader(batch("b", 1, T0), 0)).isInstanceOf(LogOfflineException.class);

        int writesBefore = activeChannel(log).writeCalls();
        assertOffline(() -> log.appendAsLeader(batch("c", 1, T0), 0), TP);
        assertOffline(() -> log.appendAsFollower(LogTestSupport.batchAt(3, "f", 1, T0)), TP);
        assertOffline(() -> log.read(0, 1000, 3, true), TP);
        assertOffline(() -> log.fetchOffsetByTimestamp(T0), TP);
        assertOffline(() -> log.fetchOffsetByTimestamp(Log.LATEST_TIMESTAMP), TP);
        assertOffline(log::flush, TP);
        assertOffline(log::roll, TP);
        assertOffline(() -> log.truncateTo(1), TP);
        assertOffline(() -> log.truncateFullyAndStartAt(10), TP);
        assertOffline(() -> log.deleteRecordsBefore(1), TP);
        assertOffline(log::deleteOldSegments, TP);
        assertThat(activeChannel(log).writeCalls()).isEqualTo(writesBefore);
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void failedForceDuringFlushTakesTheLogOffline() throws Exception {
        openFaulty(cfg);
        log.appendAsLeader(batch("a", 3, T0), 0);
        activeChannel(log).failForce(true);
        assertThatThrownBy(log::flush)
                .isInstanceOf(LogOfflineException.class)
                .hasMessageContaining(TP.toString())
                .hasMessageContaining("flush")
                .hasRootCauseMessage(FaultInjectingFileChannel.IO_ERROR);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.recoveryPoint()).isZero();
        assertOffline(() -> log.appendAsLeader(batch("b", 1, T0), 0), TP);
    }

    @Test
    void failedForceOnAnAppendWithFlushMessagesTakesTheLogOffline() throws Exception {
        openFaulty(config(LogConfig.SEGMENT_INDEX_BYTES, 4096, LogConfig.FLUSH_MESSAGES, 1));
        log.appendAsLeader(batch("a", 3, T0), 0);
        assertThat(log.recoveryPoint()).isEqualTo(3);
        activeChannel(log).failForce(true);
        assertThatThrownBy(() -> log.appendAsLeader(batch("b", 1, T0), 0)).isInstanceOf(LogOfflineException.class);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void failureToOpenANewSegmentOnRollTakesTheLogOffline() throws Exception {
        int size = batch("a", 3, T0).remaining();
        openFaulty(config(LogConfig.SEGMENT_INDEX_BYTES, 4096, LogConfig.SEGMENT_BYTES, size));
        log.appendAsLeader(batch("a", 3, T0), 0);
        ByteBuffer before = readAll(log, 0);
        opener.failOpen(true);
        assertThatThrownBy(() -> log.appendAsLeader(batch("b", 3, T0), 0))
                .isInstanceOf(LogOfflineException.class)
                .hasMessageContaining(TP.toString());
        assertThat(log.isOffline()).isTrue();
        opener.failOpen(false);
        reopenHealthy();
        assertThat(readAll(log, 0)).isEqualTo(before);
    }

    @Test
    void otherLogsOfTheManagerKeepWorking() throws Exception {
        List<Path> dirs = List.of(dir.resolve("data"));
        LogManager.Config mc = new LogManager.Config(dirs, cfg, 3_600_000L, 3_600_000L, 3_600_000L);
        manager = LogManager.start(mc, new LogEnv(time, null, opener));
        TopicPartition sick = new TopicPartition("sick", 0);
        TopicPartition healthy = new TopicPartition("healthy", 0);
        Log bad = manager.getOrCreateLog(sick, null);
        Log good = manager.getOrCreateLog(healthy, null);
        bad.appendAsLeader(batch("s", 3, T0), 0);
        good.appendAsLeader(batch("h", 3, T0), 0);
        ByteBuffer sickBefore = readAll(bad, 0);

        activeChannel(bad).failNextWriteAfter(30);
        assertThatThrownBy(() -> bad.appendAsLeader(batch("s2", 3, T0), 0))
                .isInstanceOf(LogOfflineException.class)
                .hasMessageContaining(sick.toString());
        assertOffline(() -> bad.read(0, 1000, 3, true), sick);

        for (int i = 0; i < 3; i++) {
            assertThat(good.appendAsLeader(batch("h" + i, 2, T0), 0).ok()).isTrue();
        }
        good.flush();
        assertThat(good.logEndOffset()).isEqualTo(9);
        assertThat(good.read(3, 1 << 20, 9, true).ok()).isTrue();
        assertThat(manager.runRetention()).isZero();
        ByteBuffer healthyBefore = readAll(good, 0);

        // shutdown with an offline log: no clean-shutdown marker, the offline log is left for recovery
        manager.shutdown();
        assertThat(dirs.get(0).resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        assertThat(new OffsetCheckpointFile(dirs.get(0).resolve(LogManager.RECOVERY_POINT_CHECKPOINT)).read())
                .containsOnlyKeys(healthy);

        manager = LogManager.start(mc, time);
        assertThat(readAll(manager.getLog(sick), 0)).isEqualTo(sickBefore);
        assertThat(readAll(manager.getLog(healthy), 0)).isEqualTo(healthyBefore);
        assertThat(manager.getLog(sick).appendAsLeader(batch("again", 1, T0), 0).firstOffset())
                .isEqualTo(3);
    }
}
