package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CleanedTransactionsTest {
    private static final long A = 1;
    private static final long B = 2;

    @Test
    void aCommitMarkerStaysWhileABatchOfItsTransactionWasSeenEvenInAnEarlierGroupOfThePass() {
        CleanedTransactions pass = new CleanedTransactions(List.of());
        assertThat(pass.onDataBatch(A, true, 10)).isFalse(); // committed data: kept
        // ... the group ends here; the marker is in the next group of the same pass.
        assertThat(pass.onMarker(A, TxnResult.COMMIT, 20)).isFalse();
        // The producer's next transaction starts afresh: a marker with no batch of it seen may go.
        assertThat(pass.onMarker(A, TxnResult.COMMIT, 30)).isTrue();
    }

    @Test
    void abortedBatchesAreDiscardedAndTheirMarkerKeptWithItsIndexEntryOnlyWhileDataWasSeen() {
        AbortedTxn first = new AbortedTxn(A, 5, 9, 5);
        AbortedTxn noDataLeft = new AbortedTxn(B, 12, 14, 12);
        CleanedTransactions pass = new CleanedTransactions(List.of(noDataLeft, first));
        assertThat(pass.onDataBatch(B, false, 4)).isFalse(); // not transactional
        assertThat(pass.onDataBatch(A, true, 6)).isTrue(); // inside A's aborted range
        assertThat(pass.onDataBatch(B, true, 7)).isFalse(); // B's transaction here was committed
        assertThat(pass.onMarker(B, TxnResult.COMMIT, 8)).isFalse();
        assertThat(pass.onMarker(A, TxnResult.ABORT, 9)).isFalse();
        assertThat(pass.takeKeptAborted()).containsExactly(first);
        // B's aborted transaction has no batch left: its marker may go, and no index entry stays.
        assertThat(pass.onMarker(B, TxnResult.ABORT, 14)).isTrue();
        assertThat(pass.takeKeptAborted()).isEmpty();
        // After its abort marker, A's next transactional batch is not aborted.
        assertThat(pass.onDataBatch(A, true, 15)).isFalse();
    }
}
