package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log operation that removes several segments fails (as a crash would stop it) after renaming some of
 * them for deletion; the restarted log must still be a contiguous prefix of what was written, never a
 * log with a hole of missing offsets in the middle.
 */
class LogInterruptedOperationTest {
    private static final LogConfig CONFIG =
            LogTestSupport.config(LogConfig.SEGMENT_BYTES, 1 << 20, LogConfig.INDEX_INTERVAL_BYTES, 100);

    @TempDir
    Path tmp;

    @Test
    void truncationInterruptedWhileRemovingSegmentsLeavesAContiguousLog() throws IOException {
        for (int blocked = 1; blocked <= 3; blocked++) {
            Path root = tmp.resolve("blocked-" + blocked);
            LogModel.ManualTime time = new LogModel.ManualTime(CrashFixture.START_MS);
            Log log = LogTestSupport.open(root, CONFIG, time, LogLoader.LoadParams.FRESH);
            LogModel model = LogModel.startingAt(0);
            for (int s = 0; s < 4; s++) {
                if (s > 0) {
                    log.roll();
                }
                for (int b = 0; b < 3; b++) {
                    append(log, model, "s" + s + "b" + b);
                }
            }
            model.highWatermark = log.updateHighWatermark(model.logEndOffset);
            log.flush();
            List<Long> bases = log.segmentBaseOffsets();
            assertThat(bases).hasSize(4);

            // The rename of one of the segments a truncation into the first removes is made to fail.
            long victim = bases.get(blocked);
            Path blocker =
                    log.dir().resolve(LogFiles.fileName(victim, LogSegment.LOG_SUFFIX) + LogSegment.DELETED_SUFFIX);
            Files.createDirectories(blocker);
            long checkpointedEnd = model.logEndOffset;
            assertThatThrownBy(() -> log.truncateTo(bases.get(0) + 1)).isInstanceOf(LogOfflineException.class);
            log.closeWithoutSealing();
            Files.delete(blocker);

            // Restart with the checkpoints written before the truncation.
            Log reopened = LogTestSupport.open(
                    root, CONFIG, time, new LogLoader.LoadParams(false, checkpointedEnd, 0, checkpointedEnd));
            try {
                LogModel expected = model.below(reopened.logEndOffset());
                expected.checkOffsets(reopened);
                expected.checkReadAll(reopened);
                expected.checkEveryOffsetReadable(reopened);
            } catch (AssertionError e) {
                throw new AssertionError(
                        "rename of segment " + victim + " failed; segments on restart: "
                                + reopened.segmentBaseOffsets(),
                        e);
            } finally {
                reopened.close();
            }
        }
    }

    @Test
    void retentionInterruptedWhileRemovingSegmentsLeavesAContiguousLog() throws IOException {
        for (int blocked = 0; blocked <= 2; blocked++) {
            Path root = tmp.resolve("retention-blocked-" + blocked);
            LogModel.ManualTime time = new LogModel.ManualTime(CrashFixture.START_MS);
            LogConfig config = LogTestSupport.config(
                    LogConfig.SEGMENT_BYTES,
                    1 << 20,
                    LogConfig.INDEX_INTERVAL_BYTES,
                    100,
                    LogConfig.RETENTION_BYTES,
                    0);
            Log log = LogTestSupport.open(root, config, time, LogLoader.LoadParams.FRESH);
            LogModel model = LogModel.startingAt(0);
            for (int s = 0; s < 4; s++) {
                if (s > 0) {
                    log.roll();
                }
                for (int b = 0; b < 3; b++) {
                    append(log, model, "s" + s + "b" + b);
                }
            }
            log.roll();
            model.highWatermark = log.updateHighWatermark(model.logEndOffset);
            log.flush();
            List<Long> bases = log.segmentBaseOffsets();

            // Retention removes the four full segments, oldest first; one rename fails.
            long victim = bases.get(blocked);
            Path blocker =
                    log.dir().resolve(LogFiles.fileName(victim, LogSegment.LOG_SUFFIX) + LogSegment.DELETED_SUFFIX);
            Files.createDirectories(blocker);
            long end = model.logEndOffset;
            assertThatThrownBy(log::deleteOldSegments).isInstanceOf(LogOfflineException.class);
            log.closeWithoutSealing();
            Files.delete(blocker);

            Log reopened = LogTestSupport.open(root, config, time, new LogLoader.LoadParams(false, end, 0, end));
            try {
                assertThat(reopened.logStartOffset()).isEqualTo(victim);
                model.logStartOffset = victim;
                model.checkOffsets(reopened);
                model.checkReadAll(reopened);
            } finally {
                reopened.close();
            }
        }
    }

    private static void append(Log log, LogModel model, String tag) throws IOException {
        List<List<SimpleRecord>> groups = List.of(LogModel.records(
                tag, new int[] {20, 40}, new long[] {CrashFixture.START_MS, CrashFixture.START_MS + 1}));
        ByteBuffer buf = LogModel.buildBatches(groups, 0, KafkaRecords.NONE);
        AppendResult r = log.appendAsLeader(buf, 0);
        assertThat(r.ok()).as(r.message()).isTrue();
        model.appended(groups, buf);
    }
}
