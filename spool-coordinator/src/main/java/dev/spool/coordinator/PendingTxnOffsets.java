package dev.spool.coordinator;

import dev.spool.coordinator.OffsetsTopicLayout.OffsetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transactional offset commits (TxnOffsetCommit) of one {@code __consumer_offsets} partition that
 * wait for their transaction's marker, per producer id, in log order. A COMMIT marker hands them to
 * {@link GroupShard#replay} (they become the committed offsets), an ABORT drops them; both at run time
 * and in a replay of the partition. While any is pending for a group's partition, OffsetFetch with
 * {@code require_stable} answers UNSTABLE_OFFSET_COMMIT for it. Runs on the shard's thread only; not
 * thread-safe.
 */
final class PendingTxnOffsets {
    /**
     * A pending commit: its decoded key, the record, and its place in the partition's record order
     * (see {@link GroupShard}: a later plain commit of the same partition wins over it at COMMIT).
     */
    record Pending(OffsetKey key, CoordinatorRecord record, long sequence) {}

    private final Map<Long, List<Pending>> byProducer = new LinkedHashMap<>();

    /**
     * Adds a transactional record at {@code sequence} in the partition's record order; only offset
     * commits are expected (others are kept as they come).
     */
    void add(long producerId, CoordinatorRecord record, long sequence) {
        OffsetKey key = OffsetsTopicLayout.decodeKey(record.key()) instanceof OffsetKey k ? k : null;
        byProducer.computeIfAbsent(producerId, p -> new ArrayList<>()).add(new Pending(key, record, sequence));
    }

    /** Ends the producer's transaction: the commits to apply (COMMIT) or none (ABORT). */
    List<Pending> complete(long producerId, TransactionResult result) {
        List<Pending> pending = byProducer.remove(producerId);
        if (pending == null || result == TransactionResult.ABORT) {
            return List.of();
        }
        return pending;
    }

    /** True if a transactional commit of this group's partition waits for its marker. */
    boolean isPending(String group, String topic, int partition) {
        for (List<Pending> list : byProducer.values()) {
            for (Pending p : list) {
                OffsetKey k = p.key();
                if (k != null
                        && k.partition() == partition
                        && k.group().equals(group)
                        && k.topic().equals(topic)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Producers with pending commits (tests, diagnostics). */
    int producers() {
        return byProducer.size();
    }
}
