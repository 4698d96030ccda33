package dev.spool.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the cleaner knows of transactions while it walks a log's batches in offset order, for the
 * rules Kafka's cleaner applies (its {@code CleanedTransactionMetadata}):
 *
 * <ul>
 *   <li>a transactional data batch of an aborted transaction is discarded whole;
 *   <li>an abort marker is kept while any batch of its transaction was seen in this walk (its entry
 *       then stays in the cleaned {@code .txnindex}); otherwise the transaction has no data left and
 *       the marker may go once its delete horizon has passed;
 *   <li>a commit marker may go likewise once no batch of its transaction was seen in this walk.
 * </ul>
 *
 * <p>Unlike Kafka, which keeps this state per group of segments, one instance spans a whole cleaner
 * pass (every group, from the log start), so a transaction whose data lies in one group and whose
 * marker lies in the next keeps its marker while its data is there: a replay of the log never meets
 * transactional data whose marker was cleaned away.
 *
 * <p>Aborted transactions come from the {@code .txnindex} entries covering the walked range. Not
 * thread-safe: one per pass, used by the pass's thread.
 */
final class CleanedTransactions {
    private final ArrayDeque<AbortedTxn> pending;
    /** Producer id → the aborted transaction being walked, and whether a batch of it was seen. */
    private final Map<Long, Ongoing> ongoingAborted = new HashMap<>();
    /** Producers with a batch of a (not aborted) transaction seen since their last marker. */
    private final Set<Long> ongoingCommitted = new HashSet<>();

    private final List<AbortedTxn> keptAborted = new ArrayList<>();

    private static final class Ongoing {
        final AbortedTxn txn;
        boolean batchSeen;

        Ongoing(AbortedTxn txn) {
            this.txn = txn;
        }
    }

    CleanedTransactions(List<AbortedTxn> aborted) {
        List<AbortedTxn> sorted = new ArrayList<>(aborted);
        sorted.sort(Comparator.comparingLong(AbortedTxn::firstOffset));
        this.pending = new ArrayDeque<>(sorted);
    }

    private void startAbortedUpTo(long offset) {
        while (!pending.isEmpty() && pending.peekFirst().firstOffset() <= offset) {
            AbortedTxn t = pending.pollFirst();
            ongoingAborted.put(t.producerId(), new Ongoing(t));
        }
    }

    /**
     * A data batch: true if it belongs to an aborted transaction, so none of its records may stay.
     */
    boolean onDataBatch(long producerId, boolean transactional, long lastOffset) {
        startAbortedUpTo(lastOffset);
        if (!transactional) {
            return false;
        }
        Ongoing aborted = ongoingAborted.get(producerId);
        if (aborted != null) {
            aborted.batchSeen = true;
            return true;
        }
        ongoingCommitted.add(producerId);
        return false;
    }

    /**
     * An end-transaction marker: true if its transaction has no batch left in the walked part (the
     * marker may be removed once its delete horizon has passed), false if it must stay.
     */
    boolean onMarker(long producerId, TxnResult result, long offset) {
        startAbortedUpTo(offset);
        if (result == TxnResult.ABORT) {
            Ongoing aborted = ongoingAborted.remove(producerId);
            if (aborted != null && aborted.batchSeen) {
                keptAborted.add(aborted.txn);
                return false;
            }
            return true;
        }
        return !ongoingCommitted.remove(producerId);
    }

    /**
     * The aborted transactions whose markers were kept (with data) since the last call: the
     * {@code .txnindex} entries of the segment those markers were written to.
     */
    List<AbortedTxn> takeKeptAborted() {
        List<AbortedTxn> taken = new ArrayList<>(keptAborted);
        keptAborted.clear();
        return taken;
    }
}
