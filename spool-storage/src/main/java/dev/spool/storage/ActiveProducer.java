package dev.spool.storage;

/**
 * What a partition knows about one producer, as DescribeProducers reports it: the producer's current
 * epoch, the last sequence of its newest remembered batch (-1 if none, e.g. after a marker moved it to
 * a new epoch), the timestamp of its last batch or marker, the coordinator epoch of its last marker
 * (-1 if none) and the first offset of its ongoing transaction on this partition (-1 if none).
 *
 * <p>An immutable copy taken under the log's lock ({@link Log#activeProducers()}); thread-safe.
 */
public record ActiveProducer(
        long producerId,
        short producerEpoch,
        int lastSequence,
        long lastTimestamp,
        int coordinatorEpoch,
        long currentTxnStartOffset) {}
