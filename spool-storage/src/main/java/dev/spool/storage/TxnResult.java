package dev.spool.storage;

/** How a transaction ended: the type of its marker (control record type 1 = commit, 0 = abort). */
public enum TxnResult {
    COMMIT,
    ABORT
}
