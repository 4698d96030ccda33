package dev.spool.storage;

/**
 * What {@link Log#read} returns: a slice of whole batches (possibly empty), or
 * {@link Status#OFFSET_OUT_OF_RANGE}, with the log's bounds at the time of the read.
 */
public record ReadResult(Status status, FileSlice slice, long logStartOffset, long logEndOffset) {

    /** Whether the offset could be served. */
    public enum Status {
        OK,
        OFFSET_OUT_OF_RANGE
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** Bytes in the slice; 0 if none. */
    public int sizeInBytes() {
        return slice == null ? 0 : slice.size();
    }
}
