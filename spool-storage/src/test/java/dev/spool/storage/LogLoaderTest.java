package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batch;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.fileNames;
import static dev.spool.storage.LogTestSupport.offsets;
import static dev.spool.storage.LogTestSupport.readAll;
import static dev.spool.storage.LogTestSupport.snapshot;
import static dev.spool.storage.LogTestSupport.tag;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SortedMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogLoaderTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int INDEX_BYTES = 4096;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private final LogConfig cfg = config(
            LogConfig.SEGMENT_BYTES,
            2 * batchSize(),
            LogConfig.SEGMENT_INDEX_BYTES,
            INDEX_BYTES,
            LogConfig.INDEX_INTERVAL_BYTES,
            0);
    private Log log;

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

    private Log load(LogLoader.LoadParams params) throws Exception {
        log = LogTestSupport.open(dir, cfg, time, params);
        return log;
    }

    /** Writes {@code n} batches (segments at 0, 6, 12, ...), flushes and closes cleanly. */
    private ByteBuffer writeAndClose(int n) throws Exception {
        load(LogLoader.LoadParams.FRESH);
        for (int i = 0; i < n; i++) {
            log.appendAsLeader(batch(tag("b", 2, i), 3, T0 + 10L * i), 0);
        }
        ByteBuffer all = readAll(log, 0);
        log.flush();
        log.close();
        log = null;
        return all;
    }

    private void createFile(String name) throws Exception {
        Files.write(logDir().resolve(name), new byte[] {1, 2, 3});
    }

    @Test
    void emptyDirectoryStartsALogAtTheCheckpointedStart() throws Exception {
        load(new LogLoader.LoadParams(false, 0, 42, 0));
        assertThat(log.logStartOffset()).isEqualTo(42);
        assertThat(log.logEndOffset()).isEqualTo(42);
        assertThat(log.segmentBaseOffsets()).containsExactly(42L);
        assertThat(fileNames(logDir())).contains(LogFiles.fileName(42, ".log"));
    }

    @Test
    void cleanReopenKeepsEverythingAndDoesNotRecover() throws Exception {
        ByteBuffer all = writeAndClose(5);
        SortedMap<String, String> logFilesBefore = snapshot(logDir());
        logFilesBefore.keySet().removeIf(n -> !n.endsWith(".log"));

        load(new LogLoader.LoadParams(true, 7, 0, 12));
        assertThat(log.logEndOffset()).isEqualTo(15);
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.highWatermark()).isEqualTo(12);
        // a recovery would have fsynced and moved the recovery point to the end
        assertThat(log.recoveryPoint()).isEqualTo(7);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L);
        assertThat(readAll(log, 0)).isEqualTo(all);
        SortedMap<String, String> logFilesAfter = snapshot(logDir());
        logFilesAfter.keySet().removeIf(n -> !n.endsWith(".log"));
        assertThat(logFilesAfter).isEqualTo(logFilesBefore);
        // the indexes were taken as they were
        assertThat(Files.size(logDir().resolve(LogFiles.fileName(0, ".index")))).isEqualTo(2L * OffsetIndex.ENTRY_SIZE);
        assertThat(log.appendAsLeader(batch("x", 1, T0), 0).firstOffset()).isEqualTo(15);
    }

    @Test
    void checkpointedOffsetsAreClampedToTheLog() throws Exception {
        writeAndClose(3);
        load(new LogLoader.LoadParams(true, 100, 4, 100));
        assertThat(log.logEndOffset()).isEqualTo(9);
        assertThat(log.logStartOffset()).isEqualTo(4);
        assertThat(log.highWatermark()).isEqualTo(9);
        assertThat(log.recoveryPoint()).isEqualTo(9);
        log.close();
        // a start below the first segment is the first segment's base; above the end, the end
        Files.delete(logDir().resolve(LogFiles.fileName(0, ".log")));
        load(new LogLoader.LoadParams(true, 9, 2, 9));
        assertThat(log.logStartOffset()).isEqualTo(6);
        log.close();
        load(new LogLoader.LoadParams(true, 9, 50, 9));
        assertThat(log.logStartOffset()).isEqualTo(9);
    }

    @Test
    void uncleanReopenRecoversAndMovesTheRecoveryPointToTheEnd() throws Exception {
        ByteBuffer all = writeAndClose(5);
        // a torn write at the end of the active segment
        try (var ch = java.nio.channels.FileChannel.open(
                logDir().resolve(LogFiles.fileName(12, ".log")), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 15, 0, 0, 1}));
        }
        load(new LogLoader.LoadParams(false, 7, 0, 0));
        assertThat(log.logEndOffset()).isEqualTo(15);
        assertThat(log.recoveryPoint()).isEqualTo(15);
        assertThat(Files.size(logDir().resolve(LogFiles.fileName(12, ".log")))).isEqualTo(batchSize());
        assertThat(readAll(log, 0)).isEqualTo(all);
    }

    @Test
    void missingOffsetIndexIsRebuilt() throws Exception {
        ByteBuffer all = writeAndClose(5);
        Path index = logDir().resolve(LogFiles.fileName(6, ".index"));
        long sizeBefore = Files.size(index);
        Files.delete(index);

        load(new LogLoader.LoadParams(true, 15, 0, 15));
        assertThat(index).exists();
        assertThat(Files.size(index)).isEqualTo(sizeBefore);
        assertThat(log.logEndOffset()).isEqualTo(15);
        assertThat(readAll(log, 0)).isEqualTo(all);
        // lookups in the rebuilt segment go through its index
        ReadResult r = log.read(10, 1 << 20, 15, true);
        assertThat(r.slice().position()).isEqualTo(batchSize());
    }

    @Test
    void missingTimeIndexIsRebuilt() throws Exception {
        writeAndClose(5);
        Path timeIndex = logDir().resolve(LogFiles.fileName(0, ".timeindex"));
        Files.delete(timeIndex);
        load(new LogLoader.LoadParams(true, 15, 0, 15));
        assertThat(timeIndex).exists();
        assertThat(log.fetchOffsetByTimestamp(T0 + 5)).isEqualTo(new Log.TimestampOffset(T0 + 10, 3));
        assertThat(offsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 15).boxed().toList());
    }

    @Test
    void strayDeletedAndTempFilesAreRemoved() throws Exception {
        writeAndClose(3);
        createFile(LogFiles.fileName(0, ".log.deleted"));
        createFile(LogFiles.fileName(0, ".index.deleted"));
        createFile("leader-epoch-checkpoint.tmp");
        createFile(LogFiles.fileName(6, ".timeindex.deleted"));
        load(new LogLoader.LoadParams(true, 9, 0, 9));
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(".deleted") || n.endsWith(".tmp"));
        assertThat(log.logEndOffset()).isEqualTo(9);
    }

    @Test
    void indexWithoutItsLogIsRemoved() throws Exception {
        writeAndClose(3);
        createFile(LogFiles.fileName(99, ".index"));
        createFile(LogFiles.fileName(99, ".timeindex"));
        createFile(LogFiles.fileName(3, ".index"));
        load(new LogLoader.LoadParams(true, 9, 0, 9));
        assertThat(fileNames(logDir()))
                .doesNotContain(
                        LogFiles.fileName(99, ".index"),
                        LogFiles.fileName(99, ".timeindex"),
                        LogFiles.fileName(3, ".index"))
                .contains(LogFiles.fileName(0, ".index"), LogFiles.fileName(6, ".timeindex"));
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L);
    }

    @Test
    void segmentsBelowTheRecoveryPointAreNotRevalidated() throws Exception {
        writeAndClose(5);
        // damage the last byte of segment 0 (below the recovery point): recovery does not look at it
        Path first = logDir().resolve(LogFiles.fileName(0, ".log"));
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 1] ^= 0x11;
        Files.write(first, bytes);
        load(new LogLoader.LoadParams(false, 12, 0, 12));
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 6L, 12L);
        assertThat(log.logEndOffset()).isEqualTo(15);
        log.close();
        // from a recovery point of 0 it is found, and everything after it goes
        load(new LogLoader.LoadParams(false, 0, 0, 0));
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L);
        assertThat(fileNames(logDir())).doesNotContain(LogFiles.fileName(6, ".log"), LogFiles.fileName(12, ".log"));
    }
}
