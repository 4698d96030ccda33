package dev.spool.protocol.record;

import static dev.spool.protocol.record.RecordBatch.*;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Checks that a buffer holds only whole, intact v2 record batches, without I/O and without
 * decompressing: sizes against the buffer and the limit, magic, CRC-32C, codec, record count against
 * {@code lastOffsetDelta}; for uncompressed batches also that the records exactly fill the batch and
 * carry offset deltas 0..n-1. Safe to call from any thread; allocates only the result.
 */
public final class BatchValidator {
    private BatchValidator() {}

    /** The outcome: an error (or {@link BatchError#NONE}) and, if fine, what the buffer holds. */
    public record Result(
            BatchError error, String message, int batchCount, long recordCount, long maxTimestamp, int validBytes) {

        public boolean ok() {
            return error == BatchError.NONE;
        }

        static Result fail(BatchError error, String message, int validBytes) {
            return new Result(error, message, 0, 0, NO_TIMESTAMP, validBytes);
        }
    }

    /**
     * Validates every batch in {@code buf} from its position to its limit (the buffer is not moved).
     * An empty buffer is an error: a produce must carry at least one batch.
     *
     * @param maxBatchBytes the largest batch accepted ({@code max.message.bytes})
     */
    public static Result validate(ByteBuffer buf, int maxBatchBytes) {
        int pos = buf.position();
        int end = buf.limit();
        if (pos == end) {
            return Result.fail(BatchError.CORRUPT, "no record batch", 0);
        }
        int batches = 0;
        long records = 0;
        long maxTimestamp = NO_TIMESTAMP;
        while (pos < end) {
            String problem = checkFraming(buf, pos, end);
            if (problem != null) {
                return Result.fail(BatchError.CORRUPT, problem, pos - buf.position());
            }
            int size = sizeInBytes(buf, pos);
            if (magic(buf, pos) != MAGIC_V2) {
                return Result.fail(
                        BatchError.UNSUPPORTED_MAGIC,
                        "record batch magic " + magic(buf, pos) + " is not supported; only magic 2",
                        pos - buf.position());
            }
            if (size > maxBatchBytes) {
                return Result.fail(
                        BatchError.TOO_LARGE,
                        "record batch of " + size + " bytes exceeds max.message.bytes " + maxBatchBytes,
                        pos - buf.position());
            }
            long stored = crc(buf, pos);
            long computed = computeCrc(buf, pos);
            if (stored != computed) {
                return Result.fail(
                        BatchError.CORRUPT,
                        "record batch CRC " + stored + " does not match computed " + computed,
                        pos - buf.position());
            }
            problem = checkContent(buf, pos);
            if (problem != null) {
                return Result.fail(BatchError.INVALID_RECORD, problem, pos - buf.position());
            }
            batches++;
            records += recordCount(buf, pos);
            maxTimestamp = Math.max(maxTimestamp, maxTimestamp(buf, pos));
            pos += size;
        }
        return new Result(BatchError.NONE, null, batches, records, maxTimestamp, pos - buf.position());
    }

    /**
     * Checks that a batch header starts at {@code pos} and the whole batch lies before {@code end}.
     * Returns null if so, else the problem. Used by recovery to find where a torn log ends.
     */
    public static String checkFraming(ByteBuffer buf, int pos, int end) {
        int remaining = end - pos;
        if (remaining < LOG_OVERHEAD) {
            return "truncated batch: " + remaining + " bytes left, header needs " + LOG_OVERHEAD;
        }
        int length = length(buf, pos);
        if (length < HEADER_SIZE - LOG_OVERHEAD) {
            return "record batch length " + length + " is smaller than a batch header";
        }
        if (length > remaining - LOG_OVERHEAD) {
            return "record batch length " + length + " runs past the " + (remaining - LOG_OVERHEAD)
                    + " bytes available";
        }
        return null;
    }

    /**
     * Checks that the bytes at {@code pos} are an intact stored batch: framing, magic and CRC. Returns
     * null if so. Recovery uses this on every batch past the recovery point. Content rules for fresh
     * producer batches are not applied: compaction leaves batches with gaps between record offsets.
     */
    public static String checkIntact(ByteBuffer buf, int pos, int end) {
        String problem = checkFraming(buf, pos, end);
        if (problem != null) {
            return problem;
        }
        if (magic(buf, pos) != MAGIC_V2) {
            return "record batch magic " + magic(buf, pos);
        }
        if (crc(buf, pos) != computeCrc(buf, pos)) {
            return "record batch CRC mismatch";
        }
        if (lastOffsetDelta(buf, pos) < 0) {
            return "negative lastOffsetDelta " + lastOffsetDelta(buf, pos);
        }
        return null;
    }

    private static String checkContent(ByteBuffer buf, int pos) {
        int count = recordCount(buf, pos);
        int lastDelta = lastOffsetDelta(buf, pos);
        if (count <= 0) {
            return "record batch with " + count + " records";
        }
        if (lastDelta != count - 1) {
            return "record count " + count + " does not match lastOffsetDelta " + lastDelta;
        }
        int codec = compressionCodec(buf, pos);
        if (codec > MAX_COMPRESSION_CODEC) {
            return "unknown compression codec " + codec;
        }
        if (codec == 0) {
            return checkUncompressedRecords(buf, pos, count);
        }
        return null;
    }

    /**
     * Walks the records of an uncompressed batch: lengths must tile the batch, each record's fields
     * (attributes, deltas, key, value, headers) must fill exactly its length, deltas count up from 0.
     */
    private static String checkUncompressedRecords(ByteBuffer buf, int pos, int count) {
        int end = pos + sizeInBytes(buf, pos);
        ByteBuffer view = buf.duplicate().limit(end).position(pos + RECORDS_OFFSET);
        int i = 0;
        try {
            for (; i < count; i++) {
                int length = Varint.readVarint(view);
                if (length <= 0 || length > view.remaining()) {
                    return "record " + i + " length " + length + " does not fit in the batch";
                }
                int next = view.position() + length;
                view.limit(next); // a field that runs past the record underflows
                view.get(); // record attributes, unused in v2
                Varint.readVarlong(view); // timestamp delta
                int offsetDelta = Varint.readVarint(view);
                if (offsetDelta != i) {
                    return "record " + i + " has offset delta " + offsetDelta;
                }
                String problem = checkRecordFields(view);
                if (problem != null) {
                    return "record " + i + " " + problem;
                }
                if (view.hasRemaining()) {
                    return "record " + i + " has " + view.remaining() + " bytes after its fields";
                }
                view.limit(end);
            }
        } catch (BufferUnderflowException e) {
            return "record " + i + " is malformed: a field runs past the record";
        } catch (IllegalArgumentException e) {
            return "malformed record " + i + ": " + e.getMessage();
        }
        if (view.hasRemaining()) {
            return view.remaining() + " bytes after the last record of the batch";
        }
        return null;
    }

    /** Skips key, value and headers, as Kafka's reader does (a negative length is null). */
    private static String checkRecordFields(ByteBuffer view) {
        if (!skipBytes(view, true) || !skipBytes(view, true)) {
            return "has a key or value that runs past the record";
        }
        int headers = Varint.readVarint(view);
        if (headers < 0) {
            return "has " + headers + " headers";
        }
        for (int h = 0; h < headers; h++) {
            if (!skipBytes(view, false) || !skipBytes(view, true)) {
                return "has header " + h + " with a bad length";
            }
        }
        return null;
    }

    /** Skips one varint-length field; false if its length is not allowed or runs past the record. */
    private static boolean skipBytes(ByteBuffer view, boolean nullable) {
        int length = Varint.readVarint(view);
        if (length < 0) {
            return nullable;
        }
        if (length > view.remaining()) {
            return false;
        }
        view.position(view.position() + length);
        return true;
    }
}
