package dev.spool.coordinator;

import java.util.List;
import java.util.function.Consumer;

/**
 * Port: the partitions of {@code __consumer_offsets} as the coordinator needs them. The server
 * implements it over its partition logs; tests use an in-memory list. Called only from the thread of
 * the shard that owns the partition.
 */
public interface CoordinatorLog {

    /** Failure to append or read; the coordinator answers a retriable error and changes nothing. */
    final class CoordinatorLogException extends Exception {
        private static final long serialVersionUID = 1L;

        public CoordinatorLogException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Makes sure the topic exists with {@code partitions} partitions (created compacted on first need,
     * as Kafka does); returns false if it could not be created.
     */
    boolean ensureTopic(int partitions);

    /** True if the topic exists. */
    boolean topicExists();

    /** Appends the records atomically (one batch) to {@code partition}. */
    void append(int partition, List<CoordinatorRecord> records, long timestampMs) throws CoordinatorLogException;

    /** Reads every record of {@code partition} from its start to its end, in offset order. */
    void readAll(int partition, Consumer<CoordinatorRecord> sink) throws CoordinatorLogException;

    /** What a replay that knows transactions receives, in offset order. */
    interface ReplaySink {
        /** A record; {@code producerId} is -1 unless it is in a transactional batch of that producer. */
        void record(CoordinatorRecord record, long producerId);

        /** A COMMIT or ABORT marker (control batch) of a producer's transaction. */
        void marker(long producerId, TransactionResult result);
    }

    /**
     * Like {@link #readAll(int, Consumer)} but with the producer of transactional records and the
     * transaction markers (transactional offset commits in {@code __consumer_offsets}). The default,
     * for logs without transactional batches, reports every record as non-transactional.
     */
    default void readAllWithMarkers(int partition, ReplaySink sink) throws CoordinatorLogException {
        readAll(partition, r -> sink.record(r, -1L));
    }

    /**
     * Appends the records atomically as one transactional batch of the producer (Kafka's
     * coordinator-origin append: no sequence checks); they take effect when the transaction's marker
     * follows. The default refuses.
     */
    default void appendTransactional(
            int partition, long producerId, short producerEpoch, List<CoordinatorRecord> records, long timestampMs)
            throws CoordinatorLogException {
        throw new CoordinatorLogException("transactional appends are not supported by this log", null);
    }
}
