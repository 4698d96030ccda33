package dev.spool.storage;

import dev.spool.protocol.record.BatchError;

/**
 * The outcome of an append. On success: the offsets assigned, the LogAppendTime stamped (or
 * {@code -1} for CreateTime) and the log start offset. On failure: why, and nothing was appended.
 */
public record AppendResult(
        BatchError error, String message, long firstOffset, long lastOffset, long logAppendTime, long logStartOffset) {

    public boolean ok() {
        return error == BatchError.NONE;
    }

    static AppendResult failed(BatchError error, String message, long logStartOffset) {
        return new AppendResult(error, message, -1, -1, -1, logStartOffset);
    }
}
