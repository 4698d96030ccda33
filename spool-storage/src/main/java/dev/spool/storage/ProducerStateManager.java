package dev.spool.storage;

import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The idempotent-producer state of one partition: per producer id, a {@link ProducerStateEntry}. It
 * decides whether a producer's batch may be appended (Kafka 4's rules, below) and learns from every
 * batch that was appended, by a leader, a follower, or replayed at load.
 *
 * <p>Rules for a batch from producer {@code p} with epoch {@code e} and sequences {@code [s, t]}
 * (a leader append; a follower's and a replayed batch are not checked):
 * <ul>
 *   <li>{@code s < 0} or {@code e < 0}: INVALID_RECORD.
 *   <li>Same epoch and the same range as one of the last 5 batches: a duplicate. Nothing is appended;
 *       the original offsets are answered.
 *   <li>Unknown producer (never seen, expired, or its state gone with retention): accepted with any
 *       sequence, as Kafka does since KIP-360 (the broker no longer answers UNKNOWN_PRODUCER_ID).
 *   <li>{@code e} below the current epoch: INVALID_PRODUCER_EPOCH.
 *   <li>{@code e} above the current epoch (a client-side epoch bump): must start at sequence 0, else
 *       OUT_OF_ORDER_SEQUENCE_NUMBER.
 *   <li>Same epoch: {@code s} must follow the last sequence (after {@code Integer.MAX_VALUE} comes 0),
 *       else OUT_OF_ORDER_SEQUENCE_NUMBER.
 *   <li>A control batch from a client: INVALID_RECORD (only the broker writes markers).
 *   <li>A non-transactional batch while the producer has a transaction ongoing here: INVALID_TXN_STATE.
 * </ul>
 * Transactions: a transactional batch opens the producer's transaction on this partition (its first
 * offset) unless one is ongoing; a marker ({@link #checkMarker}, {@link #applyMarker}) closes it,
 * moves the producer to the marker's epoch (a new epoch starts again at sequence 0) and records the
 * coordinator epoch. The first offsets of ongoing transactions give the last stable offset.
 * Sequences wrap: the last sequence of a batch is {@code s + lastOffsetDelta} modulo
 * {@code Integer.MAX_VALUE + 1}.
 *
 * <p>Cost: nothing for batches without a producer id (the log does not call in); for idempotent
 * ones, one map lookup (skipped when the same producer writes again) and no allocation except a new
 * producer's entry and the result of a refused or duplicate append.
 *
 * <p>Lifecycle: built empty or from a snapshot plus replay at load; lives as long
 * as its {@link Log}. Not thread-safe: every call is made under the log's lock.
 */
final class ProducerStateManager {
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    /** The entry used last: a partition mostly sees the same producer again. */
    private ProducerStateEntry lastUsed;
    /** Ongoing transactions: first offset -> producer id. */
    private final TreeMap<Long, Long> ongoing = new TreeMap<>();

    /** True if any batch in {@code batches} (position to limit) carries a producer id or is a control batch. */
    static boolean anyProducerId(ByteBuffer batches) {
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            if (needsCheck(batches, pos)) {
                return true;
            }
        }
        return false;
    }

    /** True if the batch at {@code pos} carries a producer id or is a control batch. */
    static boolean needsCheck(ByteBuffer batches, int pos) {
        return RecordBatch.producerId(batches, pos) != RecordBatch.NO_PRODUCER_ID
                || RecordBatch.isControl(batches, pos);
    }

    /** The first offset of the oldest ongoing transaction, or {@code Long.MAX_VALUE} if none. */
    long firstUnstableOffset() {
        return ongoing.isEmpty() ? Long.MAX_VALUE : ongoing.firstKey();
    }

    /** Ongoing transactions: first offset -> producer id (a copy). */
    Map<Long, Long> ongoingTransactions() {
        return new TreeMap<>(ongoing);
    }

    /** The last sequence of a batch that starts at {@code baseSequence} and spans {@code delta + 1} records. */
    static int lastSequence(int baseSequence, int delta) {
        if (baseSequence > Integer.MAX_VALUE - delta) {
            return delta - (Integer.MAX_VALUE - baseSequence) - 1;
        }
        return baseSequence + delta;
    }

    /** True if {@code next} is the sequence that follows {@code last}. */
    static boolean inSequence(int last, int next) {
        return next == last + 1L || (next == 0 && last == Integer.MAX_VALUE);
    }

    ProducerStateEntry entry(long producerId) {
        ProducerStateEntry e = lastUsed;
        if (e != null && e.producerId() == producerId) {
            return e;
        }
        e = producers.get(producerId);
        if (e != null) {
            lastUsed = e;
        }
        return e;
    }

    int producerCount() {
        return producers.size();
    }

    /**
     * Checks a leader append that holds a batch with a producer id (see the class rules). Returns null
     * if it may be appended; otherwise the result to answer: a success with the original offsets for a
     * duplicate (nothing to append) or a failure. An append of several batches may not carry producer
     * ids (produce requests hold one batch per partition).
     */
    AppendResult checkLeaderAppend(ByteBuffer batches, long logStartOffset, boolean logAppendTime) {
        int pos = batches.position();
        if (RecordBatch.sizeInBytes(batches, pos) != batches.remaining()) {
            return AppendResult.failed(
                    BatchError.INVALID_RECORD,
                    "an append of several record batches may not carry producer ids",
                    logStartOffset);
        }
        if (RecordBatch.isControl(batches, pos)) {
            return AppendResult.failed(
                    BatchError.INVALID_RECORD, "clients may not write control batches", logStartOffset);
        }
        long producerId = RecordBatch.producerId(batches, pos);
        short epoch = RecordBatch.producerEpoch(batches, pos);
        int firstSeq = RecordBatch.baseSequence(batches, pos);
        if (firstSeq < 0 || epoch < 0) {
            return AppendResult.failed(
                    BatchError.INVALID_RECORD,
                    "invalid sequence number " + firstSeq + " or epoch " + epoch + " in a record batch of producer "
                            + producerId,
                    logStartOffset);
        }
        int lastSeq = lastSequence(firstSeq, RecordBatch.lastOffsetDelta(batches, pos));
        ProducerStateEntry e = entry(producerId);
        if (e == null) {
            return null;
        }
        if (epoch == e.epoch()) {
            int dup = e.findBatch(firstSeq, lastSeq);
            if (dup >= 0) {
                return new AppendResult(
                        BatchError.NONE,
                        null,
                        e.firstOffset(dup),
                        e.lastOffset(dup),
                        logAppendTime ? e.timestamp(dup) : RecordBatch.NO_TIMESTAMP,
                        logStartOffset);
            }
        }
        if (epoch < e.epoch()) {
            return AppendResult.failed(
                    BatchError.INVALID_PRODUCER_EPOCH,
                    "epoch " + epoch + " of producer " + producerId + " is older than the last seen epoch " + e.epoch(),
                    logStartOffset);
        }
        if (e.currentTxnFirstOffset() >= 0 && !RecordBatch.isTransactional(batches, pos)) {
            return AppendResult.failed(
                    BatchError.INVALID_TXN_STATE,
                    "non-transactional batch of producer " + producerId + " while its transaction from offset "
                            + e.currentTxnFirstOffset() + " is ongoing",
                    logStartOffset);
        }
        if (epoch > e.epoch()) {
            if (firstSeq != 0) {
                return AppendResult.failed(
                        BatchError.OUT_OF_ORDER_SEQUENCE,
                        "invalid sequence number " + firstSeq + " for new epoch " + epoch + " of producer " + producerId
                                + " (current epoch " + e.epoch() + "): a new epoch starts at 0",
                        logStartOffset);
            }
            return null;
        }
        if (!inSequence(e.lastSeq(), firstSeq)) {
            return AppendResult.failed(
                    BatchError.OUT_OF_ORDER_SEQUENCE,
                    "out of order sequence number for producer " + producerId + ": " + firstSeq + " (incoming), "
                            + e.lastSeq() + " (current end sequence number)",
                    logStartOffset);
        }
        return null;
    }

    /**
     * Checks a transaction marker for producer {@code producerId}, as Kafka does: for transaction
     * versions 0 and 1 an epoch below the producer's is INVALID_PRODUCER_EPOCH; from version 2 (the
     * coordinator bumps the epoch for every marker) an epoch not above it is, except the same epoch
     * with no transaction ongoing (a retry of a marker already written). A coordinator epoch below
     * the last seen is TRANSACTION_COORDINATOR_FENCED. Returns null if it may be written. A producer
     * with no state (or no ongoing transaction) here may get a marker: Kafka writes it too.
     */
    AppendResult checkMarker(
            long producerId, short epoch, int coordinatorEpoch, short transactionVersion, long logStartOffset) {
        ProducerStateEntry e = entry(producerId);
        if (e == null) {
            return null;
        }
        boolean strict = transactionVersion >= 2;
        boolean retry = strict && epoch == e.epoch() && e.currentTxnFirstOffset() < 0;
        if ((strict ? epoch <= e.epoch() : epoch < e.epoch()) && !retry) {
            return AppendResult.failed(
                    BatchError.INVALID_PRODUCER_EPOCH,
                    "marker epoch " + epoch + " of producer " + producerId + " is older than the current epoch "
                            + e.epoch(),
                    logStartOffset);
        }
        if (coordinatorEpoch < e.coordinatorEpoch()) {
            return AppendResult.failed(
                    BatchError.TRANSACTION_COORDINATOR_FENCED,
                    "marker from coordinator epoch " + coordinatorEpoch + " for producer " + producerId
                            + " is older than the last seen " + e.coordinatorEpoch(),
                    logStartOffset);
        }
        return null;
    }

    /**
     * Learns from appended batches (offsets assigned): every one that carries a producer id. The
     * aborted transactions their markers end are appended to {@code txnIndex} (the segment they went to).
     */
    void onAppended(ByteBuffer batches, TransactionIndex txnIndex) throws IOException {
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            long producerId = RecordBatch.producerId(batches, pos);
            if (producerId != RecordBatch.NO_PRODUCER_ID) {
                AbortedTxn aborted = applyBatch(batches, pos);
                if (aborted != null) {
                    txnIndex.append(aborted);
                }
            }
        }
    }

    /**
     * Learns from one appended batch with a producer id at {@code pos} (its header; for a control
     * batch also its record, which must lie in {@code buf}). Returns the aborted transaction if the
     * batch is an abort marker, else null.
     */
    AbortedTxn applyBatch(ByteBuffer buf, int pos) {
        if (RecordBatch.isControl(buf, pos)) {
            TxnMarker.Parsed marker = TxnMarker.parse(buf, pos);
            if (marker == null) {
                return null; // another control type: nothing to learn
            }
            return applyMarker(
                    RecordBatch.producerId(buf, pos),
                    RecordBatch.producerEpoch(buf, pos),
                    marker.coordinatorEpoch(),
                    marker.result(),
                    RecordBatch.baseOffset(buf, pos),
                    RecordBatch.maxTimestamp(buf, pos));
        }
        long producerId = RecordBatch.producerId(buf, pos);
        short epoch = RecordBatch.producerEpoch(buf, pos);
        int delta = RecordBatch.lastOffsetDelta(buf, pos);
        int firstSeq = RecordBatch.baseSequence(buf, pos);
        long base = RecordBatch.baseOffset(buf, pos);
        ProducerStateEntry e = entry(producerId);
        if (e == null) {
            e = new ProducerStateEntry(producerId, epoch);
            producers.put(producerId, e);
            lastUsed = e;
        }
        e.addBatch(
                epoch,
                firstSeq,
                firstSeq < 0 ? firstSeq : lastSequence(firstSeq, delta),
                base,
                base + delta,
                RecordBatch.maxTimestamp(buf, pos));
        if (RecordBatch.isTransactional(buf, pos) && e.currentTxnFirstOffset() < 0) {
            e.setCurrentTxnFirstOffset(base);
            ongoing.put(base, producerId);
        }
        return null;
    }

    /**
     * Applies a marker written at {@code offset}: ends the producer's ongoing transaction, moves it to
     * the marker's epoch and records the coordinator epoch. Returns the aborted transaction for an
     * abort that ended one, else null (as Kafka, a marker without a transaction indexes nothing).
     */
    AbortedTxn applyMarker(
            long producerId, short epoch, int coordinatorEpoch, TxnResult result, long offset, long timestamp) {
        ProducerStateEntry e = entry(producerId);
        if (e == null) {
            e = new ProducerStateEntry(producerId, epoch);
            producers.put(producerId, e);
            lastUsed = e;
        }
        e.updateEpoch(epoch);
        e.setCoordinatorEpoch(coordinatorEpoch);
        e.setLastTimestamp(Math.max(e.lastTimestamp(), timestamp));
        long first = e.currentTxnFirstOffset();
        if (first < 0) {
            return null;
        }
        ongoing.remove(first);
        e.setCurrentTxnFirstOffset(-1);
        if (result != TxnResult.ABORT) {
            return null;
        }
        return new AbortedTxn(producerId, first, offset, Math.min(firstUnstableOffset(), offset + 1));
    }

    /** Adds an entry read from a snapshot (replacing any with its id). */
    void put(ProducerStateEntry entry) {
        ProducerStateEntry old = producers.put(entry.producerId(), entry);
        if (old != null && old.currentTxnFirstOffset() >= 0) {
            ongoing.remove(old.currentTxnFirstOffset());
        }
        if (entry.currentTxnFirstOffset() >= 0) {
            ongoing.put(entry.currentTxnFirstOffset(), entry.producerId());
        }
        lastUsed = null;
    }

    /**
     * Producer id → last offset of its newest data batch, for producers that have one (a new epoch
     * forgets the old epoch's batches): the batch the cleaner keeps, emptied if need be, so that the
     * producer's sequence survives compaction (Kafka's rule).
     */
    Map<Long, Long> lastDataOffsets() {
        Map<Long, Long> out = new HashMap<>();
        for (ProducerStateEntry e : producers.values()) {
            if (e.batchCount() > 0) {
                out.put(e.producerId(), e.lastOffset(e.batchCount() - 1));
            }
        }
        return out;
    }

    /** An immutable copy of every producer's state, by producer id. */
    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>(producers.size());
        for (ProducerStateEntry e : producers.values()) {
            out.add(new ActiveProducer(
                    e.producerId(),
                    e.epoch(),
                    e.lastSeq(),
                    e.lastTimestamp(),
                    e.coordinatorEpoch(),
                    e.currentTxnFirstOffset()));
        }
        out.sort(Comparator.comparingLong(ActiveProducer::producerId));
        return List.copyOf(out);
    }

    /** Every entry, in no particular order (a copy of the list, not of the entries). */
    List<ProducerStateEntry> entries() {
        return new ArrayList<>(producers.values());
    }

    /** Forgets every producer. */
    void clear() {
        producers.clear();
        ongoing.clear();
        lastUsed = null;
    }

    /**
     * Removes producers whose last batch is at least {@code expirationMs} old
     * ({@code producer.id.expiration.ms}). Returns how many were removed.
     */
    int removeExpired(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<ProducerStateEntry> it = producers.values().iterator(); it.hasNext(); ) {
            ProducerStateEntry e = it.next();
            // A producer with a transaction ongoing here is kept (its marker is still to come).
            if (e.currentTxnFirstOffset() < 0 && nowMs - e.lastTimestamp() >= expirationMs) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0) {
            lastUsed = null;
        }
        return removed;
    }
}
