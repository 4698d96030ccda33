package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.fileNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions on one partition: producer state, markers, the LSO, the {@code .txnindex}, recovery. */
class LogTransactionTest {
    static final long T0 = 1_700_000_000_000L;
    static final long A = 7001;
    static final long B = 7002;

    @TempDir
    Path dir;

    final MockTime time = new MockTime(T0);
    Log log;

    Log open(LogLoader.LoadParams params) throws IOException {
        log = LogTestSupport.open(dir, config(LogConfig.SEGMENT_INDEX_BYTES, 4096), time, params);
        return log;
    }

    Path logDir() {
        return dir.resolve(LogTestSupport.TP.dirName());
    }

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    static ByteBuffer txn(long pid, int epoch, int seq, int count, String tag) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SimpleRecord(T0, null, (tag + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(0, new BatchBuilder.ProducerInfo(pid, (short) epoch, seq, true), records);
    }

    static ByteBuffer idem(long pid, int epoch, int seq, int count, String tag) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SimpleRecord(T0, null, (tag + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(0, new BatchBuilder.ProducerInfo(pid, (short) epoch, seq, false), records);
    }

    /** One batch of records whose keys are their values; {@code producer} null for a plain batch. */
    static ByteBuffer keyed(BatchBuilder.ProducerInfo producer, String... values) {
        List<SimpleRecord> records = new ArrayList<>();
        for (String v : values) {
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            records.add(new SimpleRecord(T0, bytes, bytes));
        }
        return producer == null ? BatchBuilder.build(records) : BatchBuilder.build(0, producer, records);
    }

    AppendResult append(ByteBuffer batch) throws IOException {
        AppendResult r = log.appendAsLeader(batch, 0);
        log.updateHighWatermark(log.logEndOffset());
        return r;
    }

    AppendResult marker(long pid, int epoch, int coordinatorEpoch, TxnResult result) throws IOException {
        AppendResult r = log.appendTxnMarker(pid, (short) epoch, coordinatorEpoch, result, 0);
        log.updateHighWatermark(log.logEndOffset());
        return r;
    }

    @Test
    void aCoordinatorOriginBatchSkipsSequenceChecksButOpensTheTransaction() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        assertThat(append(idem(B, 0, 0, 2, "before")).ok()).isTrue(); // 0-1
        // the group coordinator's transactional offset commit: no sequence numbers
        ByteBuffer commit = txn(A, 3, RecordBatch.NO_SEQUENCE, 1, "offsets");
        assertThat(log.appendAsLeader(txn(A, 3, RecordBatch.NO_SEQUENCE, 1, "offsets"), 0)
                        .ok())
                .as("a client's batch without a sequence is refused")
                .isFalse();
        AppendResult r = log.appendAsLeader(commit, 0, AppendOrigin.COORDINATOR);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(r.ok()).isTrue();
        assertThat(r.firstOffset()).as("assigned at the log end").isEqualTo(2);
        assertThat(log.hasOngoingTransaction(A)).isTrue();
        assertThat(log.lastStableOffset()).isEqualTo(2);
        // a second one of the same transaction (no sequence again) is no duplicate either
        AppendResult again =
                log.appendAsLeader(txn(A, 3, RecordBatch.NO_SEQUENCE, 1, "more"), 0, AppendOrigin.COORDINATOR);
        assertThat(again.ok()).isTrue();
        assertThat(again.firstOffset()).isEqualTo(3);
        assertThat(marker(A, 3, 0, TxnResult.COMMIT).ok()).isTrue();
        assertThat(log.hasOngoingTransaction(A)).isFalse();
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
    }

    @Test
    void theLsoStopsAtTheOldestOngoingTransactionAndMovesOnItsMarker() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(LogTestSupport.batch("plain", 2, T0)); // 0-1
        assertThat(append(txn(A, 0, 0, 3, "a")).firstOffset()).isEqualTo(2); // 2-4
        assertThat(append(txn(B, 0, 0, 2, "b")).firstOffset()).isEqualTo(5); // 5-6
        assertThat(log.highWatermark()).isEqualTo(7);
        assertThat(log.lastStableOffset()).isEqualTo(2);
        assertThat(log.hasOngoingTransaction(A)).isTrue();

        AppendResult commitA = marker(A, 0, 0, TxnResult.COMMIT); // 7
        assertThat(commitA.ok()).isTrue();
        assertThat(commitA.firstOffset()).isEqualTo(7);
        assertThat(log.hasOngoingTransaction(A)).isFalse();
        assertThat(log.hasOngoingTransaction(B)).isTrue();
        assertThat(log.hasOngoingTransaction(9999)).isFalse();
        assertThat(log.lastStableOffset()).isEqualTo(5);
        assertThat(marker(B, 0, 0, TxnResult.ABORT).firstOffset()).isEqualTo(8);
        assertThat(log.lastStableOffset()).isEqualTo(9);
        assertThat(log.collectAbortedTransactions(0, 9)).containsExactly(new AbortedTxn(B, 5, 8, 9));
        assertThat(log.collectAbortedTransactions(0, 5)).isEmpty(); // the range ends before B's data
        assertThat(log.collectAbortedTransactions(7, 9)).containsExactly(new AbortedTxn(B, 5, 8, 9));
    }

    @Test
    void theLsoNeverPassesTheHighWatermark() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        log.appendAsLeader(LogTestSupport.batch("plain", 4, T0), 0);
        log.updateHighWatermark(2);
        assertThat(log.lastStableOffset()).isEqualTo(2);
    }

    @Test
    void theMarkerIsAControlBatchInKafkasLayout() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(A, 3, 0, 1, "a"));
        marker(A, 3, 17, TxnResult.COMMIT);
        ByteBuffer all = LogTestSupport.readAll(log, 1);
        assertThat(RecordBatch.isControl(all, 0)).isTrue();
        assertThat(RecordBatch.isTransactional(all, 0)).isTrue();
        assertThat(RecordBatch.producerId(all, 0)).isEqualTo(A);
        assertThat(RecordBatch.producerEpoch(all, 0)).isEqualTo((short) 3);
        assertThat(RecordBatch.baseSequence(all, 0)).isEqualTo(RecordBatch.NO_SEQUENCE);
        assertThat(RecordBatch.recordCount(all, 0)).isEqualTo(1);
        List<dev.spool.protocol.adapter.KafkaRecords.DecodedRecord> records =
                dev.spool.protocol.adapter.KafkaRecords.decode(all);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).containsExactly(0, 0, 0, 1); // version 0, type 1 = commit
        assertThat(records.get(0).value()).containsExactly(0, 0, 0, 0, 0, 17); // version 0, coordinator epoch
        assertThat(TxnMarker.parse(all, 0)).isEqualTo(new TxnMarker.Parsed(TxnResult.COMMIT, 17));
    }

    @Test
    void aMarkerBelowTheProducerEpochOrFromAnOlderCoordinatorIsRefused() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(A, 2, 0, 1, "a"));
        marker(A, 2, 5, TxnResult.COMMIT);
        long end = log.logEndOffset();
        AppendResult old = marker(A, 1, 5, TxnResult.ABORT);
        assertThat(old.error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH);
        AppendResult fenced = marker(A, 2, 4, TxnResult.ABORT);
        assertThat(fenced.error()).isEqualTo(BatchError.TRANSACTION_COORDINATOR_FENCED);
        assertThat(fenced.error().kafkaError())
                .isEqualTo(org.apache.kafka.common.protocol.Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    @Test
    void aMarkerForAProducerWithoutATransactionIsStillWritten() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        AppendResult r = marker(B, 0, 0, TxnResult.ABORT);
        assertThat(r.ok()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.lastStableOffset()).isEqualTo(1);
        // As Kafka: a marker without a transaction ends nothing and indexes nothing.
        assertThat(log.collectAbortedTransactions(0, 1)).isEmpty();
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(TransactionIndex.SUFFIX));
    }

    @Test
    void transactionVersion2MarkersMustBumpTheEpochExceptARetryOfAWrittenMarker() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        short tv2 = 2;
        append(txn(A, 4, 0, 1, "a"));
        AppendResult sameEpoch = log.appendTxnMarker(A, (short) 4, 0, TxnResult.COMMIT, 0, tv2);
        assertThat(sameEpoch.error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH);
        assertThat(log.appendTxnMarker(A, (short) 5, 0, TxnResult.COMMIT, 0, tv2)
                        .ok())
                .isTrue();
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
        // The coordinator retries the marker (its answer was lost): accepted, nothing changes.
        assertThat(log.appendTxnMarker(A, (short) 5, 0, TxnResult.COMMIT, 0, tv2)
                        .ok())
                .isTrue();
        // The legacy rule (transaction versions 0/1) accepts the same epoch.
        append(txn(A, 5, 0, 1, "b"));
        assertThat(marker(A, 5, 0, TxnResult.ABORT).ok()).isTrue();
    }

    @Test
    void clientControlBatchesAndPlainBatchesDuringATransactionAreRefused() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        ByteBuffer control = TxnMarker.build(0, A, (short) 0, 0, TxnResult.COMMIT, T0);
        assertThat(append(control).error()).isEqualTo(BatchError.INVALID_RECORD);
        append(txn(A, 0, 0, 2, "a"));
        assertThat(append(idem(A, 0, 2, 1, "plain")).error()).isEqualTo(BatchError.INVALID_TXN_STATE);
        assertThat(append(txn(A, 0, 2, 1, "a2")).ok()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void transactionalBatchesFollowTheIdempotentRulesAndAMarkerEpochBumpRestartsAtZero() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(A, 0, 0, 2, "a"));
        assertThat(append(txn(A, 0, 5, 1, "gap")).error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(append(txn(A, 0, 0, 2, "a")).firstOffset()).isEqualTo(0); // a duplicate
        marker(A, 1, 0, TxnResult.COMMIT); // the coordinator bumped the epoch (transaction version 2)
        assertThat(append(txn(A, 0, 2, 1, "old")).error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH);
        assertThat(append(txn(A, 1, 3, 1, "b")).error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        AppendResult next = append(txn(A, 1, 0, 1, "b"));
        assertThat(next.ok()).isTrue();
        assertThat(log.lastStableOffset()).isEqualTo(next.firstOffset());
    }

    @Test
    void theTxnIndexHoldsKafkasEntriesAndFollowsItsSegment() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(A, 0, 0, 2, "a")); // 0-1
        log.roll(); // 2
        append(LogTestSupport.batch("plain", 1, T0)); // 2
        assertThat(fileNames(logDir())).noneMatch(n -> n.endsWith(TransactionIndex.SUFFIX)); // created lazily
        marker(A, 0, 0, TxnResult.ABORT); // 3
        Path index = logDir().resolve(LogFiles.fileName(2, TransactionIndex.SUFFIX));
        byte[] bytes = Files.readAllBytes(index);
        assertThat(bytes).hasSize(34);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        assertThat(b.getShort(0)).isEqualTo((short) 0);
        assertThat(b.getLong(2)).isEqualTo(A);
        assertThat(b.getLong(10)).isEqualTo(0);
        assertThat(b.getLong(18)).isEqualTo(3);
        assertThat(b.getLong(26)).isEqualTo(4);

        // Truncation below the marker drops the entry and reopens the transaction.
        log.truncateTo(3);
        assertThat(Files.exists(index)).isFalse();
        assertThat(log.collectAbortedTransactions(0, 3)).isEmpty();
        assertThat(log.lastStableOffset()).isEqualTo(0);
        marker(A, 0, 0, TxnResult.ABORT); // 3 again
        log.roll(); // 4
        append(LogTestSupport.batch("plain", 1, T0)); // 4
        // Retention deletes the segment and its index.
        log.deleteRecordsBefore(4);
        assertThat(log.deleteOldSegments()).isZero(); // deleted already by deleteRecordsBefore
        assertThat(fileNames(logDir())).noneMatch(n -> n.contains(TransactionIndex.SUFFIX));
    }

    /** Mixed committed, aborted and ongoing transactions over several segments. */
    void writeHistory() throws IOException {
        append(txn(A, 0, 0, 2, "a1")); // 0-1
        append(txn(B, 0, 0, 2, "b1")); // 2-3
        marker(A, 0, 0, TxnResult.ABORT); // 4
        log.roll();
        append(LogTestSupport.batch("plain", 2, T0)); // 5-6
        marker(B, 0, 0, TxnResult.COMMIT); // 7
        append(txn(A, 0, 2, 1, "a2")); // 8
        log.roll();
        append(txn(B, 0, 2, 3, "b2")); // 9-11
        marker(A, 0, 0, TxnResult.ABORT); // 12
        append(txn(A, 0, 3, 1, "a3")); // 13: ongoing
    }

    @Test
    void aCrashCutLogRecoveredWhollyReopensWithTheSameLsoAndAbortedTransactions() throws IOException {
        crashCutAndReopen(0);
    }

    @Test
    void aCrashCutLogRecoveredFromItsLastSegmentReopensWithTheSameLsoAndAbortedTransactions() throws IOException {
        crashCutAndReopen(9);
    }

    void crashCutAndReopen(long recoveryPoint) throws IOException {
        open(LogLoader.LoadParams.FRESH);
        writeHistory();
        long lso = log.lastStableOffset();
        List<AbortedTxn> aborted = log.collectAbortedTransactions(0, log.logEndOffset());
        assertThat(lso).isEqualTo(9);
        assertThat(aborted).hasSize(2);
        long end = log.logEndOffset();
        log.flush();
        log.closeWithoutSealing();
        log = null;
        // A torn tail, the last txn index lost, and a stale snapshot above everything recovered.
        Path active = logDir().resolve(LogFiles.fileName(9, LogSegment.LOG_SUFFIX));
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 1}));
        }
        Files.deleteIfExists(logDir().resolve(LogFiles.fileName(9, TransactionIndex.SUFFIX)));
        open(new LogLoader.LoadParams(false, recoveryPoint, 0, end));
        assertThat(log.logEndOffset()).isEqualTo(end);
        log.updateHighWatermark(end);
        assertThat(log.lastStableOffset()).isEqualTo(lso);
        assertThat(log.collectAbortedTransactions(0, end)).isEqualTo(aborted);
        assertThat(Files.exists(logDir().resolve(LogFiles.fileName(9, TransactionIndex.SUFFIX))))
                .isTrue();
        // The ongoing transactions continue and end normally after the restart.
        marker(A, 0, 0, TxnResult.COMMIT);
        assertThat(log.lastStableOffset()).isEqualTo(9);
        marker(B, 0, 0, TxnResult.COMMIT);
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
    }

    @Test
    void aCleanReopenKeepsOngoingTransactionsFromTheSnapshot() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        writeHistory();
        long end = log.logEndOffset();
        List<AbortedTxn> aborted = log.collectAbortedTransactions(0, end);
        log.close();
        open(new LogLoader.LoadParams(true, end, 0, end));
        assertThat(log.lastStableOffset()).isEqualTo(9);
        assertThat(log.collectAbortedTransactions(0, end)).isEqualTo(aborted);
    }

    @Test
    void truncationInsideATransactionRestoresTheOngoingStateFromBefore() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        writeHistory();
        log.truncateTo(12); // removes A's second abort and its last batch
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(8); // A's transaction from 8 is ongoing again
        // B's transaction from 2 was ongoing when A's abort at 4 was written: the entry's LSO is 2.
        assertThat(log.collectAbortedTransactions(0, 12)).containsExactly(new AbortedTxn(A, 0, 4, 2));
        log.truncateTo(4);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(0);
        assertThat(log.collectAbortedTransactions(0, 4)).isEmpty();
    }

    @Test
    void aVersion1SnapshotIsStillRead() throws IOException {
        ProducerStateManager state = new ProducerStateManager();
        ByteBuffer b = idem(A, 4, 0, 3, "x");
        RecordBatch.setBaseOffset(b, 0, 10);
        state.applyBatch(b, 0);
        ByteBuffer v1 = ProducerStateSnapshot.encode(state.entries(), ProducerStateSnapshot.VERSION_1);
        assertThat(v1.getShort(0)).isEqualTo((short) 1);
        ProducerStateManager read = new ProducerStateManager();
        ProducerStateSnapshot.decode(v1, read);
        ProducerStateEntry e = read.entry(A);
        assertThat(e.epoch()).isEqualTo((short) 4);
        assertThat(e.lastSeq()).isEqualTo(2);
        assertThat(e.currentTxnFirstOffset()).isEqualTo(-1);
        assertThat(e.coordinatorEpoch()).isEqualTo(-1);
    }

    @Test
    void aVersion2SnapshotCarriesTransactionsAndMarkerOnlyProducers() throws IOException {
        ProducerStateManager state = new ProducerStateManager();
        ByteBuffer b = txn(A, 1, 0, 2, "x");
        RecordBatch.setBaseOffset(b, 0, 20);
        state.applyBatch(b, 0);
        state.applyMarker(B, (short) 3, 9, TxnResult.ABORT, 30, T0);
        ProducerStateManager read = new ProducerStateManager();
        ProducerStateSnapshot.decode(ProducerStateSnapshot.encode(state.entries()), read);
        assertThat(read.firstUnstableOffset()).isEqualTo(20);
        assertThat(read.entry(A).currentTxnFirstOffset()).isEqualTo(20);
        assertThat(read.entry(B).batchCount()).isZero();
        assertThat(read.entry(B).coordinatorEpoch()).isEqualTo(9);
        assertThat(read.entry(B).epoch()).isEqualTo((short) 3);
    }

    @Test
    void aProducerWithAnOngoingTransactionDoesNotExpire() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(A, 0, 0, 1, "a"));
        append(idem(B, 0, 0, 1, "b"));
        time.sleep(100_000);
        assertThat(log.removeExpiredProducers(1000)).isEqualTo(1);
        assertThat(log.producerCount()).isEqualTo(1);
        assertThat(log.lastStableOffset()).isEqualTo(0);
    }

    @Test
    void theCleanerRemovesAbortedRecordsAndKeepsCommittedOnesAndMarkers() throws IOException {
        log = LogTestSupport.open(
                dir,
                config(LogConfig.SEGMENT_INDEX_BYTES, 4096, LogConfig.CLEANUP_POLICY, LogConfig.POLICY_COMPACT),
                time,
                LogLoader.LoadParams.FRESH);
        // A compacted topic takes only keyed records: each record keyed by its value.
        append(keyed(new BatchBuilder.ProducerInfo(A, (short) 0, 0, true), "aborted-0", "aborted-1")); // 0-1
        append(keyed(new BatchBuilder.ProducerInfo(B, (short) 0, 0, true), "committed-0", "committed-1")); // 2-3
        append(keyed(null, "plain-0")); // 4
        marker(A, 0, 0, TxnResult.ABORT); // 5
        marker(B, 0, 0, TxnResult.COMMIT); // 6
        log.roll();
        append(keyed(null, "tail-0")); // 7, active
        List<AbortedTxn> abortedBefore = log.collectAbortedTransactions(0, 8);

        LogCleaner.Stats stats = new LogCleaner(time, 10_000).clean(log);
        assertThat(stats.segmentsRewritten()).isPositive();
        // Offsets, the markers and the aborted-transaction index survive the rewrite.
        ByteBuffer all = LogTestSupport.readAll(log, 0);
        List<Long> controlOffsets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int pos = 0; pos < all.limit(); pos += RecordBatch.sizeInBytes(all, pos)) {
            if (RecordBatch.isControl(all, pos)) {
                controlOffsets.add(RecordBatch.baseOffset(all, pos));
                continue;
            }
            for (dev.spool.protocol.adapter.KafkaRecords.DecodedRecord r :
                    dev.spool.protocol.adapter.KafkaRecords.decodeBatch(all, pos, RecordBatch.sizeInBytes(all, pos))) {
                values.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(values).containsExactly("committed-0", "committed-1", "plain-0", "tail-0");
        assertThat(controlOffsets).containsExactly(5L, 6L);
        assertThat(log.collectAbortedTransactions(0, 8)).isEqualTo(abortedBefore);
        assertThat(log.logEndOffset()).isEqualTo(8);
        // Reopened after a crash, the rebuilt state is the same.
        log.flush();
        log.closeWithoutSealing();
        open(new LogLoader.LoadParams(false, 0, 0, 8));
        assertThat(log.collectAbortedTransactions(0, 8)).isEqualTo(abortedBefore);
        assertThat(log.lastStableOffset()).isEqualTo(8);
    }
}
