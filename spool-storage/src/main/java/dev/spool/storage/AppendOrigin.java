package dev.spool.storage;

/**
 * Who appends batches as the leader, as Kafka's {@code AppendOrigin}: a {@link #CLIENT}'s idempotent and
 * transactional batches are checked against the producer state (epoch, sequence, duplicates); a
 * {@link #COORDINATOR}'s (the group coordinator's transactional offset commits in
 * {@code __consumer_offsets}, built without sequence numbers) are not, but still update it (they open
 * the producer's transaction on the partition). Immutable.
 */
public enum AppendOrigin {
    CLIENT,
    COORDINATOR
}
