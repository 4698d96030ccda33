package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.fileNames;
import static dev.spool.storage.ProducerStateTest.PID;
import static dev.spool.storage.ProducerStateTest.T0;
import static dev.spool.storage.ProducerStateTest.idem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.protocol.record.BatchError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer-state snapshots: layout round trip, roll and close, load, recovery, truncation, deletion, expiry. */
class ProducerStateSnapshotTest {
    @TempDir
    Path dir;

    final MockTime time = new MockTime(T0);
    Log log;

    Path logDir() {
        return dir.resolve(LogTestSupport.TP.dirName());
    }

    Log open(LogLoader.LoadParams params) throws IOException {
        log = LogTestSupport.open(
                dir, config(LogConfig.SEGMENT_INDEX_BYTES, 4096, LogConfig.FILE_DELETE_DELAY_MS, 0), time, params);
        return log;
    }

    Log open() throws IOException {
        return open(LogLoader.LoadParams.FRESH);
    }

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    List<String> snapshots() throws IOException {
        return fileNames(logDir()).stream()
                .filter(n -> n.endsWith(ProducerStateSnapshot.SUFFIX))
                .toList();
    }

    static String snap(long offset) {
        return LogFiles.fileName(offset, ProducerStateSnapshot.SUFFIX);
    }

    /** Appends three batches of producer PID (sequences 0-1, 2-3, 4-5) at offsets 0..5. */
    void threeBatches() throws IOException {
        for (int i = 0; i < 3; i++) {
            assertThat(log.appendAsLeader(idem(PID, 0, i * 2, 2, "b" + i), 0).ok())
                    .isTrue();
        }
    }

    @Test
    void encodeDecodeRoundTrip() throws IOException {
        ProducerStateManager state = new ProducerStateManager();
        for (int i = 0; i < 7; i++) {
            ByteBuffer b = idem(1, 2, i * 3, 3, "x");
            dev.spool.protocol.record.RecordBatch.setBaseOffset(b, 0, 100 + i * 3L);
            state.applyBatch(b, 0);
        }
        state.applyBatch(idem(9, 0, Integer.MAX_VALUE, 2, "wrap"), 0);
        ProducerStateManager back = new ProducerStateManager();
        ProducerStateSnapshot.decode(ProducerStateSnapshot.encode(state.entries()), back);
        assertThat(back.producerCount()).isEqualTo(2);
        ProducerStateEntry e = back.entry(1);
        assertThat(e.epoch()).isEqualTo((short) 2);
        assertThat(e.batchCount()).isEqualTo(ProducerStateEntry.MAX_BATCHES);
        assertThat(e.firstSeq(0)).isEqualTo(6);
        assertThat(e.lastSeq()).isEqualTo(20);
        assertThat(e.firstOffset(4)).isEqualTo(118);
        assertThat(e.lastOffset(4)).isEqualTo(120);
        assertThat(e.lastTimestamp()).isEqualTo(T0 + 2);
        assertThat(back.entry(9).lastSeq()).isZero();
    }

    @Test
    void damagedSnapshotsAreRefused() throws IOException {
        ProducerStateManager state = new ProducerStateManager();
        state.applyBatch(idem(1, 0, 0, 3, "x"), 0);
        ByteBuffer good = ProducerStateSnapshot.encode(state.entries());
        for (int i = 0; i < good.limit(); i++) { // every single flipped byte
            ByteBuffer bad =
                    ByteBuffer.allocate(good.limit()).put(good.duplicate()).flip();
            bad.put(i, (byte) (bad.get(i) ^ 0x5a));
            assertThatThrownBy(() -> ProducerStateSnapshot.decode(bad, new ProducerStateManager()))
                    .isInstanceOf(IOException.class);
        }
        for (int len = 0; len < good.limit(); len++) { // every truncation
            ByteBuffer cut = good.duplicate().limit(len).slice();
            assertThatThrownBy(() -> ProducerStateSnapshot.decode(cut, new ProducerStateManager()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aRollWritesASnapshotAtTheNewBaseAndACleanCloseOneAtTheEnd() throws IOException {
        open();
        threeBatches();
        log.roll();
        assertThat(snapshots()).containsExactly(snap(6));
        log.appendAsLeader(idem(PID, 0, 6, 1, "b3"), 0);
        log.close();
        log = null;
        assertThat(snapshots()).containsExactly(snap(6), snap(7));
    }

    @Test
    void anIdleLogDoesNotRewriteItsSnapshotWhenClosed() throws IOException {
        open();
        threeBatches();
        log.close();
        Path snapshot = logDir().resolve(snap(6));
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(0);
        Files.setLastModifiedTime(snapshot, old);
        open(new LogLoader.LoadParams(true, 6, 0, 6));
        log.close();
        log = null;
        assertThat(Files.getLastModifiedTime(snapshot)).isEqualTo(old);
        assertThat(snapshots()).containsExactly(snap(6));
    }

    @Test
    void duplicatesAreStillRecognisedAfterACleanRestart() throws IOException {
        open();
        threeBatches();
        log.close();
        open(new LogLoader.LoadParams(true, 6, 0, 6));
        AppendResult dup = log.appendAsLeader(idem(PID, 0, 2, 2, "b1"), 0);
        assertThat(dup.ok()).isTrue();
        assertThat(dup.firstOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(log.appendAsLeader(idem(PID, 0, 7, 1, "gap"), 0).error())
                .isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(log.appendAsLeader(idem(PID, 0, 6, 1, "b3"), 0).ok()).isTrue();
    }

    @Test
    void afterACrashTheStateIsRebuiltFromTheLatestSnapshotAndTheBatchesAfterIt() throws IOException {
        open();
        threeBatches();
        log.roll(); // snapshot at 6
        log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0);
        log.appendAsLeader(idem(7, 0, 0, 1, "other"), 0);
        log.flush();
        log.closeWithoutSealing(); // a crash: no snapshot at the end
        log = null;
        assertThat(snapshots()).containsExactly(snap(6));
        open(new LogLoader.LoadParams(false, 0, 0, 0));
        assertThat(log.producerCount()).isEqualTo(2);
        assertThat(log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0).firstOffset())
                .as("a batch after the snapshot, replayed")
                .isEqualTo(6);
        assertThat(log.appendAsLeader(idem(PID, 0, 4, 2, "b2"), 0).firstOffset())
                .as("a batch from the snapshot")
                .isEqualTo(4);
        assertThat(log.appendAsLeader(idem(7, 0, 0, 1, "other"), 0).firstOffset())
                .isEqualTo(8);
        assertThat(log.logEndOffset()).isEqualTo(9);
    }

    @Test
    void withoutAnySnapshotTheWholeLogIsReplayed() throws IOException {
        open();
        threeBatches();
        log.roll();
        log.appendAsLeader(idem(PID, 0, 6, 1, "b3"), 0);
        log.flush();
        log.closeWithoutSealing();
        log = null;
        for (String s : snapshots()) {
            Files.delete(logDir().resolve(s));
        }
        open(new LogLoader.LoadParams(false, 0, 0, 0));
        assertThat(log.appendAsLeader(idem(PID, 0, 2, 2, "b1"), 0).firstOffset())
                .isEqualTo(2);
        assertThat(log.appendAsLeader(idem(PID, 0, 7, 1, "b4"), 0).firstOffset())
                .isEqualTo(7);
    }

    @Test
    void aCleanlyStoppedLogWithoutSnapshotsIsNotReadButStartsWithEmptySnapshots() throws IOException {
        open();
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(LogTestSupport.batch("plain" + i, 2, T0), 0);
            log.roll();
        }
        log.appendAsLeader(LogTestSupport.batch("plain", 1, T0), 0);
        log.close();
        log = null;
        for (String s : snapshots()) { // as a log written before producer state existed
            Files.delete(logDir().resolve(s));
        }
        open(new LogLoader.LoadParams(true, 7, 0, 7));
        assertThat(snapshots()).containsExactly(snap(4), snap(6), snap(7));
        assertThat(log.producerCount()).isZero();
    }

    @Test
    void aCorruptSnapshotIsDeletedAndAnOlderOneUsed() throws IOException {
        open();
        threeBatches();
        log.roll(); // 6
        log.appendAsLeader(idem(PID, 0, 6, 1, "b3"), 0);
        log.roll(); // 7
        log.flush();
        log.closeWithoutSealing();
        log = null;
        Files.write(logDir().resolve(snap(7)), new byte[] {0, 1, 2, 3}, StandardOpenOption.TRUNCATE_EXISTING);
        // Recovery point 7 (all flushed): only the active segment is recovered, so snapshots up to its
        // base are kept (snapshots above the first recovered segment are deleted, as in Kafka).
        open(new LogLoader.LoadParams(false, 7, 0, 7));
        assertThat(snapshots()).containsExactly(snap(6));
        assertThat(log.appendAsLeader(idem(PID, 0, 6, 1, "b3"), 0).firstOffset())
                .isEqualTo(6);
    }

    @Test
    void snapshotsAboveTheRecoveredEndAreDeleted() throws IOException {
        open();
        threeBatches();
        log.close(); // snapshot at 6
        log = null;
        // Lose the tail: the last batch was never on disk.
        Path segment = logDir().resolve(LogFiles.fileName(0, LogSegment.LOG_SUFFIX));
        long size = Files.size(segment);
        int lastBatch = idem(PID, 0, 4, 2, "b2").remaining();
        try (var ch = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - lastBatch);
        }
        open(new LogLoader.LoadParams(false, 0, 0, 0));
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(snapshots()).doesNotContain(snap(6));
        // The lost batch is new again, not a duplicate.
        assertThat(log.appendAsLeader(idem(PID, 0, 4, 2, "b2"), 0).firstOffset())
                .isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(6);
    }

    @Test
    void truncationDeletesLaterSnapshotsAndRebuildsTheState() throws IOException {
        open();
        threeBatches();
        log.roll(); // 6
        log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0);
        log.roll(); // 8
        assertThat(snapshots()).containsExactly(snap(6), snap(8));
        log.truncateTo(4);
        assertThat(snapshots()).isEmpty();
        assertThat(log.logEndOffset()).isEqualTo(4);
        // The producer's state is as at offset 4: sequence 4 is next, 2-3 a duplicate.
        assertThat(log.appendAsLeader(idem(PID, 0, 2, 2, "b1"), 0).firstOffset())
                .isEqualTo(2);
        assertThat(log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0).error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(log.appendAsLeader(idem(PID, 0, 4, 2, "b2"), 0).firstOffset())
                .isEqualTo(4);
    }

    @Test
    void truncatingToASnapshotKeepsIt() throws IOException {
        open();
        threeBatches();
        log.roll(); // 6
        log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0);
        log.truncateTo(6);
        assertThat(snapshots()).containsExactly(snap(6));
        assertThat(log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0).firstOffset())
                .isEqualTo(6);
    }

    @Test
    void snapshotsGoWithTheirSegmentsOnDeleteRecordsAndRetention() throws IOException {
        open();
        threeBatches();
        log.roll(); // 6
        log.appendAsLeader(idem(PID, 0, 6, 2, "b3"), 0);
        log.roll(); // 8
        log.appendAsLeader(idem(PID, 0, 8, 2, "b4"), 0);
        log.updateHighWatermark(log.logEndOffset());
        log.deleteRecordsBefore(7);
        assertThat(log.segmentBaseOffsets()).containsExactly(6L, 8L);
        assertThat(snapshots()).containsExactly(snap(6), snap(8));
        log.deleteRecordsBefore(9);
        assertThat(snapshots()).containsExactly(snap(8));
        // The producer is still known (only expiry forgets producers): its next batch must follow.
        assertThat(log.appendAsLeader(idem(PID, 0, 11, 1, "gap"), 0).error())
                .isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        log.updateConfig(config(LogConfig.RETENTION_MS, 1000, LogConfig.FILE_DELETE_DELAY_MS, 0));
        log.roll();
        time.sleep(10_000);
        assertThat(log.deleteOldSegments()).isEqualTo(1);
        assertThat(snapshots()).containsExactly(snap(10));
    }

    @Test
    void producersThatHaveNotWrittenForTheExpirationTimeAreForgotten() throws IOException {
        open();
        log.appendAsLeader(idem(1, 0, 0, 1, "old"), 0); // batch timestamp T0
        time.sleep(10_000);
        ByteBuffer recent = idem(2, 0, 0, 1, "recent");
        recent.putLong(dev.spool.protocol.record.RecordBatch.MAX_TIMESTAMP_OFFSET, T0 + 10_000);
        dev.spool.protocol.record.RecordBatch.writeCrc(recent, 0);
        log.appendAsLeader(recent, 0);
        assertThat(log.removeExpiredProducers(20_000)).isZero();
        assertThat(log.removeExpiredProducers(10_000)).isEqualTo(1);
        assertThat(log.producerCount()).isEqualTo(1);
        // Forgotten: its next batch is accepted with any sequence, as from an unknown producer.
        assertThat(log.appendAsLeader(idem(1, 0, 5, 1, "back"), 0).ok()).isTrue();
    }
}
