package dev.spool.coordinator;

/**
 * The states of a transactional id, with Kafka's ids (the {@code TransactionStatus} byte of
 * {@code __transaction_state} values) and names (DescribeTransactions/ListTransactions).
 *
 * <pre>
 * Empty ──AddPartitions──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
 *   ▲                        │  └───EndTxn(abort), timeout, fence──▶ PrepareAbort ──markers──▶ CompleteAbort
 *   └──InitProducerId (epoch bump) from Empty / Complete*; Complete* ──AddPartitions──▶ Ongoing
 * Empty / Complete* ──transactional.id.expiration.ms──▶ Dead (a tombstone)
 * </pre>
 *
 * {@code PrepareEpochFence} is, as in Kafka, never the persisted state of a record Spool writes (a
 * fence is written directly as PrepareAbort with the bumped epoch); it is known so that a value in
 * that state can be read. Immutable.
 */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String kafkaName;

    TransactionState(int id, String kafkaName) {
        this.id = (byte) id;
        this.kafkaName = kafkaName;
    }

    public byte id() {
        return id;
    }

    /** The name Kafka's tools show ("Ongoing", "CompleteCommit", ...). */
    public String kafkaName() {
        return kafkaName;
    }

    public static TransactionState fromId(byte id) {
        for (TransactionState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown transaction state " + id);
    }

    /** The state with Kafka's name, or null. */
    public static TransactionState fromKafkaName(String name) {
        for (TransactionState s : values()) {
            if (s.kafkaName.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Empty, CompleteCommit or CompleteAbort: no transaction in progress, a new one may start. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** PrepareCommit or PrepareAbort: markers are being written. */
    public boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }
}
