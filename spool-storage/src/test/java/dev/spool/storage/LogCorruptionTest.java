package dev.spool.storage;

import static dev.spool.storage.CrashFixture.logFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery after damage to segment files: a log written with flushes and abandoned unsealed is cut or
 * overwritten, then reopened as after an unclean stop with no checkpoints. Recovery must keep exactly
 * the whole batches before the first damaged one, rebuild indexes that agree with the data, drop every
 * later segment, and take appends at the right offset; a clean restart afterwards reads the same.
 */
class LogCorruptionTest {
    static final LogConfig CONFIG = LogTestSupport.config(
            LogConfig.SEGMENT_BYTES, 1 << 20,
            LogConfig.INDEX_INTERVAL_BYTES, 100,
            LogConfig.SEGMENT_INDEX_BYTES, 4096);

    @TempDir
    Path tmp;

    @Test
    void cutOfTheActiveSegmentKeepsTheWholeBatchesBeforeTheCut() throws IOException {
        cutTheActiveSegment(false);
    }

    @Test
    @Tag("slow")
    void cutAtEveryBytePositionOfTheActiveSegmentKeepsTheWholeBatchesBeforeTheCut() throws IOException {
        cutTheActiveSegment(true);
    }

    @Test
    void cutInAnEarlierSegmentDropsEveryLaterSegment() throws IOException {
        cutTheMiddleSegment(false);
    }

    @Test
    @Tag("slow")
    void cutAtEveryBytePositionOfAnEarlierSegmentDropsEveryLaterSegment() throws IOException {
        cutTheMiddleSegment(true);
    }

    private void cutTheActiveSegment(boolean everyByte) throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 1, 3, 8);
        long active = f.segmentBases.get(1);
        byte[] original = f.files.get(logFile(active));
        for (int cut : f.cutPositions(active, everyByte)) {
            Map<String, byte[]> files = f.copyOfFiles();
            files.put(logFile(active), Arrays.copyOf(original, cut));
            Path root = tmp.resolve("cut-" + cut);
            CrashFixture.restore(root, files);
            try {
                f.recoverAndCheck(root, f.expectedAfterDamage(active, cut));
            } catch (AssertionError e) {
                throw new AssertionError("active segment cut at byte " + cut + " of " + original.length, e);
            }
            LogStatefulPropertyTest.deleteRecursively(root);
        }
    }

    private void cutTheMiddleSegment(boolean everyByte) throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 2, 4, 5, 4);
        long middle = f.segmentBases.get(1);
        long last = f.segmentBases.get(2);
        byte[] original = f.files.get(logFile(middle));
        for (int cut : f.cutPositions(middle, everyByte)) {
            if (cut == original.length) {
                continue; // not a cut
            }
            Map<String, byte[]> files = f.copyOfFiles();
            files.put(logFile(middle), Arrays.copyOf(original, cut));
            Path root = tmp.resolve("cut-" + cut);
            CrashFixture.restore(root, files);
            try {
                f.recoverAndCheck(root, f.expectedAfterDamage(middle, cut));
                Path dir = root.resolve(LogTestSupport.TP.dirName());
                assertThat(dir.resolve(logFile(last))).doesNotExist();
                assertThat(dir.resolve(LogFiles.fileName(last, LogSegment.INDEX_SUFFIX)))
                        .doesNotExist();
                assertThat(dir.resolve(LogFiles.fileName(last, LogSegment.TIME_INDEX_SUFFIX)))
                        .doesNotExist();
            } catch (AssertionError e) {
                throw new AssertionError("middle segment cut at byte " + cut + " of " + original.length, e);
            }
            LogStatefulPropertyTest.deleteRecursively(root);
        }
    }

    @Test
    void damageInAnEarlierSegmentDropsEveryLaterSegment() throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 3, 4, 5, 4);
        long first = f.segmentBases.get(0);
        for (CrashFixture.BatchAt b : f.batchesOf(first)) {
            // One byte of the records (covered by the CRC) in the middle of the batch.
            int at = b.position() + RecordBatch.RECORDS_OFFSET + (b.size() - RecordBatch.RECORDS_OFFSET) / 2;
            Map<String, byte[]> files = f.copyOfFiles();
            files.get(logFile(first))[at] ^= 0x10;
            Path root = tmp.resolve("flip-" + at);
            CrashFixture.restore(root, files);
            f.recoverAndCheck(root, f.expectedAfterDamage(first, at));
            assertThat(listSegments(root)).containsExactly(first);
        }
    }

    @Test
    void aLoweredBaseOffsetIsDamage() throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 4, 2, 6);
        long active = f.segmentBases.get(1);
        CrashFixture.BatchAt victim = f.batchesOf(active).get(3);
        Map<String, byte[]> files = f.copyOfFiles();
        ByteBuffer.wrap(files.get(logFile(active))).putLong(victim.position(), victim.baseOffset() - 1);
        CrashFixture.restore(tmp.resolve("lowered"), files);
        f.recoverAndCheck(tmp.resolve("lowered"), f.expectedAfterDamage(active, victim.position()));
    }

    @Test
    void aBaseOffsetBeyondTheSegmentsRangeIsDamageNotACrash() throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 5, 2, 6);
        long active = f.segmentBases.get(1);
        for (int i = 0; i < f.batchesOf(active).size(); i++) {
            CrashFixture.BatchAt victim = f.batchesOf(active).get(i);
            Map<String, byte[]> files = f.copyOfFiles();
            // A flipped high bit: the offsets no longer fit in the segment's 32-bit relative range.
            ByteBuffer.wrap(files.get(logFile(active))).putLong(victim.position(), victim.baseOffset() + (1L << 40));
            Path root = tmp.resolve("raised-" + i);
            CrashFixture.restore(root, files);
            f.recoverAndCheck(root, f.expectedAfterDamage(active, victim.position()));
        }
    }

    @Test
    void trailingGarbageAfterTheLastBatchIsCutOff() throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 6, 1, 5);
        long active = f.segmentBases.get(1);
        byte[] original = f.files.get(logFile(active));
        Random random = new Random(6);
        for (int extra : new int[] {1, 11, 12, 13, 60, 61, 62, 500, 5000}) {
            for (boolean zeros : new boolean[] {true, false}) {
                byte[] tail = new byte[extra];
                if (!zeros) {
                    random.nextBytes(tail);
                }
                Map<String, byte[]> files = f.copyOfFiles();
                byte[] grown = Arrays.copyOf(original, original.length + extra);
                System.arraycopy(tail, 0, grown, original.length, extra);
                files.put(logFile(active), grown);
                Path root = tmp.resolve("tail-" + extra + "-" + zeros);
                CrashFixture.restore(root, files);
                f.recoverAndCheck(root, f.prefix(f.model.logEndOffset));
            }
        }
    }

    @Test
    void garbageIndexesOfRecoveredSegmentsAreNotTrusted() throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 7, 6, 6);
        Map<String, byte[]> files = f.copyOfFiles();
        Random random = new Random(7);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (e.getKey().endsWith(LogSegment.INDEX_SUFFIX) || e.getKey().endsWith(LogSegment.TIME_INDEX_SUFFIX)) {
                random.nextBytes(e.getValue());
            }
        }
        CrashFixture.restore(tmp.resolve("garbage"), files);
        f.recoverAndCheck(tmp.resolve("garbage"), f.prefix(f.model.logEndOffset));
    }

    @Test
    void missingIndexesAreRebuiltEvenAfterACleanShutdown() throws IOException {
        CrashFixture f = CrashFixture.write(tmp, CONFIG, 8, 5, 5, 5);
        Path root = tmp.resolve("clean");
        CrashFixture.restore(root, f.files);
        // Seal everything with a clean close, then lose the first two segments' indexes.
        Log log = LogTestSupport.open(root, CONFIG, f.time, LogLoader.LoadParams.FRESH);
        long end = log.logEndOffset();
        log.close();
        Path dir = root.resolve(LogTestSupport.TP.dirName());
        Files.delete(dir.resolve(LogFiles.fileName(f.segmentBases.get(0), LogSegment.INDEX_SUFFIX)));
        Files.delete(dir.resolve(LogFiles.fileName(f.segmentBases.get(1), LogSegment.TIME_INDEX_SUFFIX)));
        Log reopened = LogTestSupport.open(root, CONFIG, f.time, new LogLoader.LoadParams(true, end, 0, end));
        try {
            LogModel expected = f.prefix(end);
            expected.highWatermark = end;
            expected.checkOffsets(reopened);
            expected.checkEveryOffsetReadable(reopened);
            expected.checkAllTimestamps(reopened);
        } finally {
            reopened.close();
        }
    }

    private static List<Long> listSegments(Path root) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve(LogTestSupport.TP.dirName()))) {
            files.forEach(p -> {
                long base = LogFiles.baseOffsetOf(p, LogSegment.LOG_SUFFIX);
                if (base >= 0) {
                    out.add(base);
                }
            });
        }
        Collections.sort(out);
        return out;
    }
}
