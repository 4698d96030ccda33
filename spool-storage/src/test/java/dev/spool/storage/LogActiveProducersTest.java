package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTransactionTest.idem;
import static dev.spool.storage.LogTransactionTest.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Log#activeProducers()}: the read-only view of producer state that DescribeProducers reports. */
class LogActiveProducersTest {
    static final long T0 = LogTransactionTest.T0;
    static final long IDEMPOTENT = 4001;
    static final long TRANSACTIONAL = 4002;

    @TempDir
    Path dir;

    final MockTime time = new MockTime(T0);
    Log log;

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    Log open(LogLoader.LoadParams params) throws IOException {
        log = LogTestSupport.open(dir, config(LogConfig.SEGMENT_INDEX_BYTES, 4096), time, params);
        return log;
    }

    void append(java.nio.ByteBuffer batch) throws IOException {
        assertThat(log.appendAsLeader(batch, 0).ok()).isTrue();
        log.updateHighWatermark(log.logEndOffset());
    }

    @Test
    void anEmptyLogHasNoProducersAndPlainBatchesAddNone() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        assertThat(log.activeProducers()).isEmpty();
        append(LogTestSupport.batch("plain", 3, T0));
        assertThat(log.activeProducers()).isEmpty();
    }

    @Test
    void reportsEpochSequenceTimestampAndTheOngoingTransactionsStart() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(idem(IDEMPOTENT, 2, 0, 3, "i")); // 0-2, sequences 0-2
        append(idem(IDEMPOTENT, 2, 3, 2, "i")); // 3-4, sequences 3-4
        append(LogTestSupport.batch("plain", 1, T0)); // 5
        append(txn(TRANSACTIONAL, 0, 0, 4, "t")); // 6-9, sequences 0-3

        assertThat(log.activeProducers())
                .containsExactly(
                        new ActiveProducer(IDEMPOTENT, (short) 2, 4, T0, -1, -1),
                        new ActiveProducer(TRANSACTIONAL, (short) 0, 3, T0, -1, 6));
    }

    @Test
    void aCommitMarkerEndsTheTransactionAndRecordsTheCoordinatorEpoch() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(TRANSACTIONAL, 0, 0, 2, "t")); // 0-1
        time.sleep(5_000);
        assertThat(log.appendTxnMarker(TRANSACTIONAL, (short) 0, 7, TxnResult.COMMIT, 0)
                        .ok())
                .isTrue();
        assertThat(log.activeProducers())
                .containsExactly(new ActiveProducer(TRANSACTIONAL, (short) 0, 1, T0 + 5_000, 7, -1));

        // a marker at a bumped epoch (transaction version 2) forgets the old epoch's sequences
        append(txn(TRANSACTIONAL, 0, 2, 1, "t")); // 3
        assertThat(log.activeProducers().get(0).currentTxnStartOffset()).isEqualTo(3);
        assertThat(log.appendTxnMarker(TRANSACTIONAL, (short) 1, 7, TxnResult.ABORT, 0, (short) 2)
                        .ok())
                .isTrue();
        assertThat(log.activeProducers())
                .containsExactly(new ActiveProducer(TRANSACTIONAL, (short) 1, -1, T0 + 5_000, 7, -1));
    }

    @Test
    void theSnapshotIsACopyThatLaterAppendsDoNotChange() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(txn(TRANSACTIONAL, 0, 0, 2, "t"));
        List<ActiveProducer> before = log.activeProducers();
        append(txn(TRANSACTIONAL, 0, 2, 2, "t"));
        append(idem(IDEMPOTENT, 0, 0, 1, "i"));
        assertThat(before).containsExactly(new ActiveProducer(TRANSACTIONAL, (short) 0, 1, T0, -1, 0));
        assertThat(log.activeProducers()).hasSize(2);
        assertThatThrownBy(() -> before.add(before.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void survivesAReopenFromTheProducerSnapshot() throws IOException {
        open(LogLoader.LoadParams.FRESH);
        append(idem(IDEMPOTENT, 1, 0, 2, "i"));
        append(txn(TRANSACTIONAL, 3, 0, 2, "t"));
        List<ActiveProducer> before = log.activeProducers();
        long end = log.logEndOffset();
        log.close();
        log = null;
        open(new LogLoader.LoadParams(true, end, 0, end));
        assertThat(log.activeProducers()).isEqualTo(before);
    }
}
