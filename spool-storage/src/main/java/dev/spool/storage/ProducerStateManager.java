package dev.spool.storage;

import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
 * </ul>
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

    /** True if any batch in {@code batches} (position to limit) carries a producer id. */
    static boolean anyProducerId(ByteBuffer batches) {
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            if (RecordBatch.producerId(batches, pos) != RecordBatch.NO_PRODUCER_ID) {
                return true;
            }
        }
        return false;
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

    /** Learns from appended batches (offsets assigned): every one that carries a producer id. */
    void onAppended(ByteBuffer batches) {
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            long producerId = RecordBatch.producerId(batches, pos);
            if (producerId != RecordBatch.NO_PRODUCER_ID) {
                applyBatch(batches, pos);
            }
        }
    }

    /** Learns from the header of one appended batch with a producer id at {@code pos}. */
    void applyBatch(ByteBuffer buf, int pos) {
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
    }

    /** Adds an entry read from a snapshot (replacing any with its id). */
    void put(ProducerStateEntry entry) {
        producers.put(entry.producerId(), entry);
        lastUsed = null;
    }

    /** Every entry, in no particular order (a copy of the list, not of the entries). */
    List<ProducerStateEntry> entries() {
        return new ArrayList<>(producers.values());
    }

    /** Forgets every producer. */
    void clear() {
        producers.clear();
        lastUsed = null;
    }

    /**
     * Removes producers whose last batch is at least {@code expirationMs} old
     * ({@code producer.id.expiration.ms}). Returns how many were removed.
     */
    int removeExpired(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<ProducerStateEntry> it = producers.values().iterator(); it.hasNext(); ) {
            if (nowMs - it.next().lastTimestamp() >= expirationMs) {
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
