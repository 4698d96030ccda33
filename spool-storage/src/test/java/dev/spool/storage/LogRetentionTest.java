package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.fileNames;
import static dev.spool.storage.LogTestSupport.offsets;
import static dev.spool.storage.LogTestSupport.tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int INDEX_BYTES = 4096;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;
    private ScheduledExecutorService background;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
        if (background != null) {
            background.shutdownNow();
        }
    }

    private static int batchSize() {
        return batch("b00", 3, T0).remaining();
    }

    private Path logDir() {
        return dir.resolve(LogTestSupport.TP.dirName());
    }

    /**
     * Opens a log with two batches of 3 records per segment and appends {@code n} batches; batch i has
     * timestamps T0 + 1000 i + (0, 1, 2). Extra config pairs are appended.
     */
    private void openWith(int n, Object... kv) throws Exception {
        Object[] all = new Object[kv.length + 4];
        all[0] = LogConfig.SEGMENT_BYTES;
        all[1] = 2 * batchSize();
        all[2] = LogConfig.SEGMENT_INDEX_BYTES;
        all[3] = INDEX_BYTES;
        System.arraycopy(kv, 0, all, 4, kv.length);
        LogEnv env = LogEnv.of(time);
        if (background != null) {
            env = env.withBackground(background);
        }
        log = LogLoader.load(logDir(), LogTestSupport.TP, config(all), env, LogLoader.LoadParams.FRESH);
        for (int i = 0; i < n; i++) {
            log.appendAsLeader(batch(tag("b", 2, i), 3, T0 + 1000L * i), 0);
        }
    }

    private static String segmentFile(long base, String suffix) {
        return LogFiles.fileName(base, suffix);
    }

    @Test
    void retentionMsDeletesSegmentsWhoseLargestTimestampIsOlderThanRetention() throws Exception {
        openWith(7, LogConfig.RETENTION_MS, 6000);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L, 18L);
        log.updateHighWatermark(log.logEndOffset());
        // segment 0 ends with T0+1002, segment 6 with T0+3002
        time.setMilliseconds(T0 + 3002 + 6000);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.segmentBaseOffsets()).containsExactly(6L, 12L, 18L);
        assertThat(log.logStartOffset()).isEqualTo(6);
        time.sleep(1);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(12);
        assertThat(offsets(log))
                .containsExactlyElementsOf(LongStream.range(12, 21).boxed().toList());
        assertThat(fileNames(logDir()))
                .doesNotContain(segmentFile(0, ".log"), segmentFile(6, ".log"), segmentFile(6, ".index"))
                .noneMatch(n -> n.endsWith(".deleted"));
        assertThat(log.read(11, 1000, log.logEndOffset(), true).status())
                .isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void compactOnlyPolicyIgnoresTimeAndSizeRetentionButNotTheLogStartOffset() throws Exception {
        openWith(
                7,
                LogConfig.RETENTION_MS,
                1,
                LogConfig.RETENTION_BYTES,
                0,
                LogConfig.CLEANUP_POLICY,
                LogConfig.POLICY_COMPACT);
        time.sleep(1_000_000);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L, 18L);
        assertThat(log.deleteRecordsBefore(7)).isEqualTo(7);
        assertThat(log.segmentBaseOffsets()).containsExactly(6L, 12L, 18L);
        // With both policies, time retention applies again.
        log.updateConfig(config(
                LogConfig.SEGMENT_BYTES,
                2 * batchSize(),
                LogConfig.RETENTION_MS,
                1,
                LogConfig.CLEANUP_POLICY,
                "compact,delete"));
        assertThat(log.deleteOldSegments()).isEqualTo(3);
    }

    @Test
    void retentionNeverPassesTheHighWatermark() throws Exception {
        openWith(7, LogConfig.RETENTION_MS, 1);
        time.sleep(1_000_000);
        log.updateHighWatermark(11); // inside the second segment
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.segmentBaseOffsets()).containsExactly(6L, 12L, 18L);
        log.updateHighWatermark(12); // exactly the end of the second segment
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.segmentBaseOffsets()).containsExactly(12L, 18L);
        assertThat(log.logStartOffset()).isLessThanOrEqualTo(log.highWatermark());
    }

    @Test
    void expiredActiveSegmentIsDeletedOnlyAfterRollingANewOne() throws Exception {
        openWith(3, LogConfig.RETENTION_MS, 1000);
        time.sleep(1_000_000);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.deleteOldSegments()).isEqualTo(2);
        assertThat(log.segmentBaseOffsets()).containsExactly(9L);
        assertThat(log.logStartOffset()).isEqualTo(9);
        assertThat(log.logEndOffset()).isEqualTo(9);
        assertThat(log.size()).isZero();
        assertThat(fileNames(logDir()))
                .containsExactlyInAnyOrder(
                        segmentFile(9, ".log"), // its indexes have no files until first written
                        segmentFile(9, ".snapshot")); // producer state at the roll
        // the empty active segment is never deleted, and appends continue
        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.appendAsLeader(batch("new", 1, time.milliseconds()), 0).firstOffset())
                .isEqualTo(9);
    }

    @Test
    void activeSegmentIsKeptWhileTheHighWatermarkIsBelowItsEnd() throws Exception {
        openWith(1, LogConfig.RETENTION_MS, 1000);
        time.sleep(1_000_000);
        log.updateHighWatermark(2);
        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.logStartOffset()).isZero();
        assertThat(offsets(log)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void retentionMsMinusOneKeepsEverything() throws Exception {
        openWith(7, LogConfig.RETENTION_MS, -1);
        log.updateHighWatermark(log.logEndOffset());
        time.sleep(Long.MAX_VALUE / 4);
        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(4);
    }

    @Test
    void retentionBytesDeletesTheOldestSegmentsThatFitInTheExcess() throws Exception {
        int size = batchSize();
        openWith(9, LogConfig.RETENTION_BYTES, 4 * size + size / 2);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.size()).isEqualTo(9L * size);
        // excess 4.5 batches: the first two segments (4 batches) go, the third (2 more) would pass it
        assertThat(log.deleteOldSegments()).isEqualTo(2);
        assertThat(log.segmentBaseOffsets()).containsExactly(12L, 18L, 24L);
        assertThat(log.size()).isEqualTo(5L * size);
        assertThat(log.logStartOffset()).isEqualTo(12);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void retentionBytesAlsoStopsAtTheHighWatermark() throws Exception {
        openWith(9, LogConfig.RETENTION_BYTES, 0);
        log.updateHighWatermark(7);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(6);
    }

    @Test
    void deletedFilesWaitForTheBackgroundAndAreRemovedOnReopen() throws Exception {
        background = Executors.newSingleThreadScheduledExecutor();
        openWith(5, LogConfig.RETENTION_BYTES, 0, LogConfig.FILE_DELETE_DELAY_MS, 3_600_000);
        log.updateHighWatermark(12);
        assertThat(log.deleteOldSegments()).isEqualTo(2);
        assertThat(fileNames(logDir()))
                .contains(segmentFile(0, ".log.deleted"), segmentFile(0, ".index.deleted"))
                .contains(segmentFile(6, ".timeindex.deleted"))
                .doesNotContain(segmentFile(0, ".log"));
        log.close();
        log = LogTestSupport.open(
                dir,
                config(LogConfig.SEGMENT_INDEX_BYTES, INDEX_BYTES),
                time,
                new LogLoader.LoadParams(true, 15, 12, 15));
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(".deleted"));
        assertThat(log.logStartOffset()).isEqualTo(12);
        assertThat(offsets(log)).containsExactly(12L, 13L, 14L);
    }

    @Test
    void deletedFilesAreRemovedByTheBackgroundAfterTheDelay() throws Exception {
        background = Executors.newSingleThreadScheduledExecutor();
        openWith(5, LogConfig.RETENTION_BYTES, 0, LogConfig.FILE_DELETE_DELAY_MS, 0);
        log.updateHighWatermark(12);
        assertThat(log.deleteOldSegments()).isEqualTo(2);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(".deleted")));
        // The active segment's indexes are not written yet (no flush): they have no files.
        assertThat(fileNames(logDir()))
                .containsExactlyInAnyOrder(segmentFile(12, ".log"), segmentFile(12, ".snapshot"));
    }

    @Test
    void deleteRecordsBeyondTheHighWatermarkIsRefused() throws Exception {
        openWith(3);
        log.updateHighWatermark(5);
        assertThat(log.deleteRecordsBefore(6)).isEqualTo(-1);
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.deleteRecordsBefore(5)).isEqualTo(5);
    }

    @Test
    void deleteRecordsAdvancesTheStartAndDeletesSegmentsWhollyBelowIt() throws Exception {
        openWith(7);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.deleteRecordsBefore(4)).isEqualTo(4);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L, 18L);
        assertThat(log.deleteRecordsBefore(13)).isEqualTo(13);
        assertThat(log.segmentBaseOffsets()).containsExactly(12L, 18L);
        assertThat(log.logStartOffset()).isEqualTo(13);
        assertThat(log.recoveryPoint()).isGreaterThanOrEqualTo(13);
        assertThat(fileNames(logDir())).doesNotContain(segmentFile(0, ".log"), segmentFile(6, ".log"));
        // never backwards
        assertThat(log.deleteRecordsBefore(2)).isEqualTo(13);
        assertThat(log.logStartOffset()).isEqualTo(13);
        assertThat(log.read(12, 1000, log.logEndOffset(), true).status())
                .isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
        assertThat(log.read(13, 1000, log.logEndOffset(), true).ok()).isTrue();
    }

    @Test
    void deleteRecordsUpToTheEndKeepsAnActiveSegment() throws Exception {
        openWith(3);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.deleteRecordsBefore(9)).isEqualTo(9);
        assertThat(log.logStartOffset()).isEqualTo(9);
        assertThat(log.numberOfSegments()).isGreaterThanOrEqualTo(1);
        assertThat(log.read(9, 1000, 9, true).ok()).isTrue();
        assertThat(log.appendAsLeader(batch("x", 1, T0), 0).firstOffset()).isEqualTo(9);
        assertThat(offsets(log)).containsExactly(9L);
    }
}
