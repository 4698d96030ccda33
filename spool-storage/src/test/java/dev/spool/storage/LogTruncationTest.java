package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.fileNames;
import static dev.spool.storage.LogTestSupport.offsets;
import static dev.spool.storage.LogTestSupport.tag;
import static dev.spool.storage.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTruncationTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int INDEX_BYTES = 4096;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;
    private LogConfig cfg;

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    private static int batchSize() {
        return batch("b00", 3, T0).remaining();
    }

    private Path logDir() {
        return dir.resolve(LogTestSupport.TP.dirName());
    }

    /** Two 3-record batches per segment, an index entry per batch; appends {@code n} batches. */
    private void openWith(int n) throws Exception {
        cfg = config(
                LogConfig.SEGMENT_BYTES,
                2 * batchSize(),
                LogConfig.SEGMENT_INDEX_BYTES,
                INDEX_BYTES,
                LogConfig.INDEX_INTERVAL_BYTES,
                0);
        log = LogTestSupport.open(dir, cfg, time, LogLoader.LoadParams.FRESH);
        for (int i = 0; i < n; i++) {
            log.appendAsLeader(batch(tag("b", 2, i), 3, T0 + i), 0);
        }
    }

    @Test
    void truncateInsideABatchRemovesTheWholeBatch() throws Exception {
        openWith(2);
        log.updateHighWatermark(6);
        log.flush();
        assertThat(log.truncateTo(4)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.highWatermark()).isEqualTo(3);
        assertThat(log.recoveryPoint()).isEqualTo(3);
        assertThat(values(log)).containsExactly("b00-0", "b00-1", "b00-2");
        assertThat(log.appendAsLeader(batch("next", 2, T0), 0).firstOffset()).isEqualTo(3);
        assertThat(offsets(log)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void truncateInsideTheFirstBatchOfALaterSegment() throws Exception {
        openWith(5);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L);
        assertThat(log.truncateTo(7)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L);
        assertThat(log.appendAsLeader(batch("next", 3, T0), 0).firstOffset()).isEqualTo(6);
        assertThat(log.appendAsLeader(batch("more", 3, T0), 0).firstOffset()).isEqualTo(9);
        assertThat(offsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 12).boxed().toList());
    }

    @Test
    void truncateAcrossSegmentsRemovesLaterSegmentsAndReactivatesTheHolder() throws Exception {
        openWith(7);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L, 18L);
        assertThat(log.truncateTo(10)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(9);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L);
        assertThat(fileNames(logDir()))
                .doesNotContain(LogFiles.fileName(12, ".log"), LogFiles.fileName(18, ".log"))
                .noneMatch(n -> n.endsWith(".deleted"));
        // the holder is active again: its indexes take entries, and the log rolls out of it normally
        assertThat(Files.size(logDir().resolve(LogFiles.fileName(6, ".index")))).isEqualTo(INDEX_BYTES);
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch(tag("n", 2, i), 3, T0), 0);
        }
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L);
        assertThat(offsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 18).boxed().toList());
        assertThat(values(log).get(9)).isEqualTo("n00-0");
    }

    @Test
    void truncateToASegmentBaseEmptiesThatSegment() throws Exception {
        openWith(5);
        assertThat(log.truncateTo(12)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(12);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L);
        assertThat(log.size()).isEqualTo(4L * batchSize());
        assertThat(log.appendAsLeader(batch("x", 1, T0), 0).firstOffset()).isEqualTo(12);
    }

    @Test
    void truncateToZeroEmptiesTheLog() throws Exception {
        openWith(5);
        log.updateHighWatermark(15);
        assertThat(log.truncateTo(0)).isTrue();
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.highWatermark()).isZero();
        assertThat(log.segmentBaseOffsets()).containsExactly(0L);
        assertThat(log.size()).isZero();
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(".deleted"));
        assertThat(log.appendAsLeader(batch("x", 2, T0), 0).firstOffset()).isZero();
        assertThat(values(log)).containsExactly("x-0", "x-1");
    }

    @Test
    void truncateAtOrBeyondTheEndDoesNothing() throws Exception {
        openWith(2);
        assertThat(log.truncateTo(6)).isFalse();
        assertThat(log.truncateTo(100)).isFalse();
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThatThrownBy(() -> log.truncateTo(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedLogReopensWithTheSameEnd() throws Exception {
        openWith(7);
        log.truncateTo(16);
        long end = log.logEndOffset();
        assertThat(end).isEqualTo(15);
        log.flush();
        log.close();
        log = LogTestSupport.open(dir, cfg, time, new LogLoader.LoadParams(true, end, 0, end));
        assertThat(log.logEndOffset()).isEqualTo(15);
        assertThat(offsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 15).boxed().toList());
    }

    @Test
    void truncateFullyAndStartAt() throws Exception {
        openWith(5);
        log.updateHighWatermark(15);
        log.truncateFullyAndStartAt(100);
        assertThat(log.logStartOffset()).isEqualTo(100);
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.highWatermark()).isEqualTo(100);
        assertThat(log.recoveryPoint()).isEqualTo(100);
        assertThat(log.segmentBaseOffsets()).containsExactly(100L);
        // The new segment's indexes have no files until they are first written.
        assertThat(fileNames(logDir())).containsExactlyInAnyOrder(LogFiles.fileName(100, ".log"));
        assertThat(log.read(0, 1000, 100, true).status()).isEqualTo(ReadResult.Status.OFFSET_OUT_OF_RANGE);
        assertThat(log.read(100, 1000, 100, true).sizeInBytes()).isZero();
        assertThat(log.appendAsLeader(batch("x", 2, T0), 0).firstOffset()).isEqualTo(100);
        assertThat(offsets(log)).containsExactly(100L, 101L);
    }

    @Test
    void everyFullTruncationRemovesTheSnapshotsOfTheRollsBeforeIt() throws Exception {
        openWith(3); // two rolls: snapshots at 6 and 12
        assertThat(fileNames(logDir())).anyMatch(n -> n.endsWith(".snapshot"));
        log.truncateFullyAndStartAt(100);
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(".snapshot"));
        log.truncateFullyAndStartAt(200); // nothing rolled since: nothing to remove
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch(tag("c", 2, i), 3, T0 + i), 0);
        }
        assertThat(log.segmentBaseOffsets()).containsExactly(200L, 206L);
        assertThat(fileNames(logDir())).contains(LogFiles.fileName(206, ".snapshot"));
        log.truncateFullyAndStartAt(300);
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(".snapshot"));
        log.close();
        log = LogTestSupport.open(dir, cfg, time, new LogLoader.LoadParams(true, 300, 300, 300));
        assertThat(log.logEndOffset()).isEqualTo(300);
        assertThat(log.appendAsLeader(batch("d", 2, T0), 0).firstOffset()).isEqualTo(300);
    }

    @Test
    void aSegmentRemovedBeforeItsIndexesWereWrittenLeavesOnlyItsLogToDelete() throws Exception {
        openWith(1);
        log.truncateFullyAndStartAt(100); // the files of segment 0 are renamed and deleted at once
        log.appendAsLeader(batch("x", 2, T0), 0); // indexed in memory, no index file yet
        log.truncateFullyAndStartAt(200);
        assertThat(fileNames(logDir())).containsExactlyInAnyOrder(LogFiles.fileName(200, ".log"));
        log.appendAsLeader(batch("y", 2, T0), 0);
        log.flush(); // the indexes now write their files, preallocated
        assertThat(Files.size(logDir().resolve(LogFiles.fileName(200, ".index"))))
                .isEqualTo(INDEX_BYTES);
        assertThat(logDir().resolve(LogFiles.fileName(200, ".timeindex"))).exists();
        assertThat(log.read(200, 1000, 202, true).sizeInBytes()).isPositive();
    }

    @Test
    void truncateFullyAtAnOldSegmentBaseStartsAFreshSegment() throws Exception {
        openWith(3);
        log.truncateFullyAndStartAt(6);
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(log.size()).isZero();
        assertThat(log.appendAsLeader(batch("x", 1, T0), 0).firstOffset()).isEqualTo(6);
        assertThat(values(log)).containsExactly("x-0");
    }
}
