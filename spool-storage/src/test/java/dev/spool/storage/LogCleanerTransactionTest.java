package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.latest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.storage.CleanerTestSupport.Write;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner and transactions, as Kafka's cleaner treats them: committed transactional records are
 * compacted like others, aborted ones removed, and markers whose transaction has no data left are
 * stamped with a delete horizon and removed by a pass after it.
 */
class LogCleanerTransactionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long A = 8001;
    private static final long B = 8002;
    private static final long DELETE_RETENTION_MS = 1000;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;
    private final LogCleaner cleaner = new LogCleaner(time, 10_000);

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    private void open(LogLoader.LoadParams params) throws IOException {
        log = LogTestSupport.open(
                dir,
                LogTestSupport.config(
                        LogConfig.CLEANUP_POLICY,
                        LogConfig.POLICY_COMPACT,
                        LogConfig.SEGMENT_INDEX_BYTES,
                        4096,
                        LogConfig.DELETE_RETENTION_MS,
                        DELETE_RETENTION_MS),
                time,
                params);
    }

    private static ByteBuffer keyed(BatchBuilder.ProducerInfo producer, Write... writes) {
        List<SimpleRecord> records = new ArrayList<>();
        for (Write w : writes) {
            records.add(new SimpleRecord(
                    T0,
                    w.key().getBytes(StandardCharsets.UTF_8),
                    w.value() == null ? null : w.value().getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(0, producer, records);
    }

    private long txn(long pid, int seq, Write... writes) throws IOException {
        return append(keyed(new BatchBuilder.ProducerInfo(pid, (short) 0, seq, true), writes));
    }

    private long plain(Write... writes) throws IOException {
        return append(keyed(new BatchBuilder.ProducerInfo(-1, (short) -1, -1, false), writes));
    }

    private long append(ByteBuffer batch) throws IOException {
        AppendResult r = log.appendAsLeader(batch, 0);
        assertThat(r.ok()).as("append: %s", r.message()).isTrue();
        log.updateHighWatermark(log.logEndOffset());
        return r.firstOffset();
    }

    private long marker(long pid, TxnResult result) throws IOException {
        AppendResult r = log.appendTxnMarker(pid, (short) 0, 0, result, 0);
        assertThat(r.ok()).as("marker: %s", r.message()).isTrue();
        log.updateHighWatermark(log.logEndOffset());
        return r.firstOffset();
    }

    /** Rolls, then writes one record to the new active segment, so everything before can be cleaned. */
    private void rollWithTail(String tag) throws IOException {
        log.roll();
        plain(new Write("tail-" + tag, tag));
    }

    /** Control batches from the log start: offset → delete horizon (-1 if none set). */
    private Map<Long, Long> markers() throws IOException {
        Map<Long, Long> out = new java.util.TreeMap<>();
        ByteBuffer all = LogTestSupport.readAll(log, log.logStartOffset());
        for (int pos = 0; pos < all.limit(); pos += RecordBatch.sizeInBytes(all, pos)) {
            if (RecordBatch.isControl(all, pos)) {
                boolean horizonSet = (RecordBatch.attributes(all, pos) & 0x40) != 0;
                out.put(RecordBatch.baseOffset(all, pos), horizonSet ? RecordBatch.baseTimestamp(all, pos) : -1L);
            }
        }
        return out;
    }

    @Test
    void committedTransactionalRecordsAreCompactedLikeAnyOtherAndAbortedOnesRemoved() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        txn(A, 0, new Write("k1", "a1"), new Write("k2", "a2")); // 0-1
        txn(B, 0, new Write("k3", "aborted")); // 2
        long commit = marker(A, TxnResult.COMMIT); // 3
        long abort = marker(B, TxnResult.ABORT); // 4
        plain(new Write("k1", "b1")); // 5
        rollWithTail("1"); // 6

        cleaner.clean(log);

        Map<String, String> latest = latest(log);
        assertThat(latest).containsEntry("k1", "b1").containsEntry("k2", "a2").doesNotContainKey("k3");
        // k1=a1 (0) and the aborted record (2) are gone; the markers' control records are listed too.
        assertThat(CleanerTestSupport.offsets(log)).containsExactly(1L, commit, abort, 5L, 6L);
        // Both transactions still have batches here (B's is the producer's last, kept empty), so the
        // markers stay, without a delete horizon, and B's abort stays in the index.
        assertThat(markers()).containsOnlyKeys(commit, abort).containsValues(-1L);
        assertThat(log.collectAbortedTransactions(0, log.logEndOffset()))
                .extracting(AbortedTxn::producerId)
                .containsExactly(B);
    }

    @Test
    void aCommitMarkerWithNoDataLeftIsStampedThenRemovedAfterTheDeleteHorizon() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        txn(A, 0, new Write("k1", "a")); // 0
        long firstCommit = marker(A, TxnResult.COMMIT); // 1
        txn(A, 1, new Write("k2", "x")); // 2: A's last data batch
        long secondCommit = marker(A, TxnResult.COMMIT); // 3
        plain(new Write("k1", "b")); // 4
        rollWithTail("1");

        // Pass 1 removes the first transaction's only record; its batch was still there to be read,
        // so its marker stays for now.
        cleaner.clean(log);
        assertThat(latest(log)).containsEntry("k1", "b").containsEntry("k2", "x");
        assertThat(markers()).containsEntry(firstCommit, -1L).containsEntry(secondCommit, -1L);

        // Pass 2 finds no batch of the first transaction: its marker gets a delete horizon.
        rollWithTail("2");
        time.sleep(10);
        long stampedAt = time.milliseconds();
        cleaner.clean(log);
        assertThat(markers())
                .containsEntry(firstCommit, stampedAt + DELETE_RETENTION_MS)
                .containsEntry(secondCommit, -1L);

        // Before the horizon a pass keeps it; after it the marker goes. The second transaction's
        // marker stays: its batch is the producer's last, kept.
        rollWithTail("3");
        time.sleep(DELETE_RETENTION_MS - 1);
        cleaner.clean(log);
        assertThat(markers()).containsKeys(firstCommit, secondCommit);
        rollWithTail("4");
        time.sleep(2);
        cleaner.clean(log);
        assertThat(markers()).containsOnlyKeys(secondCommit);
        assertThat(latest(log)).containsEntry("k1", "b").containsEntry("k2", "x");

        // Reopened after a crash, the replay finds no transaction left open.
        long end = log.logEndOffset();
        log.flush();
        log.closeWithoutSealing();
        open(new LogLoader.LoadParams(false, 0, 0, end));
        assertThat(log.lastStableOffset()).isEqualTo(end);
        assertThat(log.hasOngoingTransaction(A)).isFalse();
    }

    @Test
    void anAbortMarkerStaysWhileItsDataDoesThenGoesAfterTheDeleteHorizon() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        txn(A, 0, new Write("k1", "aborted")); // 0
        long abort = marker(A, TxnResult.ABORT); // 1
        txn(A, 1, new Write("k2", "kept")); // 2: A's last data batch
        long commit = marker(A, TxnResult.COMMIT); // 3
        rollWithTail("1");

        cleaner.clean(log);
        assertThat(latest(log)).containsEntry("k2", "kept").doesNotContainKey("k1");
        assertThat(markers()).containsEntry(abort, -1L);
        assertThat(log.collectAbortedTransactions(0, log.logEndOffset())).hasSize(1);

        rollWithTail("2");
        long stampedAt = time.milliseconds();
        cleaner.clean(log);
        assertThat(markers()).containsEntry(abort, stampedAt + DELETE_RETENTION_MS);
        // No data of it is left, so the index no longer lists it.
        assertThat(log.collectAbortedTransactions(0, log.logEndOffset())).isEmpty();

        rollWithTail("3");
        time.sleep(DELETE_RETENTION_MS + 1);
        cleaner.clean(log);
        assertThat(markers()).containsOnlyKeys(commit);
        assertThat(latest(log)).containsEntry("k2", "kept").doesNotContainKey("k1");
    }
}
