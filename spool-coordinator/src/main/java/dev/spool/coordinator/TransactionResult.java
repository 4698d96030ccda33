package dev.spool.coordinator;

/** How a transaction ends: the control marker written to each of its partitions. */
public enum TransactionResult {
    COMMIT,
    ABORT
}
