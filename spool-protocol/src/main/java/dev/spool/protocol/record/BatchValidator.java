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
        if (codec == 0 && !FastRecordWalk.proven(buf, pos, sizeInBytes(buf, pos), count)) {
            return checkUncompressedRecords(buf, pos, count);
        }
        return null;
    }

    /**
     * Walks the records of an uncompressed batch, as kafka-clients' reader would: lengths must tile the
     * batch, offset deltas count up from 0, and key, value and headers must fill each record exactly.
     * Absolute reads with a local cursor. The general walk, for what {@link FastRecordWalk} leaves
     * unproven (long varints, large direct batches, and every malformed batch, whose error it words).
     */
    static String checkUncompressedRecords(ByteBuffer buf, int pos, int count) {
        int end = pos + sizeInBytes(buf, pos);
        Cursor c = new Cursor(buf, pos + RECORDS_OFFSET, end);
        int start = c.pos; // where the current record's length varint begins
        int i = 0;
        try {
            for (; i < count; i++) {
                c.pos = start;
                c.limit = end;
                int length = c.varint();
                if (length <= 0 || length > end - c.pos) {
                    return "record " + i + " length " + length + " does not fit in the batch";
                }
                int next = c.pos + length;
                // The walk over the fields below only has to end at `next`; the next record starts
                // there whatever the fields hold, so the CPU can overlap one record's fields with the
                // next record's length instead of chaining every varint of the batch.
                c.limit = next; // a field that runs past the record underflows
                c.skip(1); // record attributes, unused in v2
                c.skipVarlong(); // timestamp delta
                int offsetDelta = c.varint();
                if (offsetDelta != i) {
                    return "record " + i + " has offset delta " + offsetDelta;
                }
                if (!c.skipField(true) || !c.skipField(true)) {
                    return "record " + i + " has a key or value that runs past the record";
                }
                int headers = c.varint();
                if (headers < 0) {
                    return "record " + i + " has " + headers + " headers";
                }
                for (int h = 0; h < headers; h++) {
                    if (!c.skipField(false) || !c.skipField(true)) {
                        return "record " + i + " has header " + h + " with a bad length";
                    }
                }
                if (c.pos != next) {
                    return "record " + i + " has " + (next - c.pos) + " bytes after its fields";
                }
                start = next;
            }
        } catch (BufferUnderflowException e) {
            return "record " + i + " is malformed: a field runs past the record";
        } catch (IllegalArgumentException e) {
            return "malformed record " + i + ": " + e.getMessage();
        }
        if (start != end) {
            return (end - start) + " bytes after the last record of the batch";
        }
        return null;
    }

    /** A read cursor over absolute positions of a buffer, bounded by {@link #limit}. */
    private static final class Cursor {
        private final ByteBuffer buf;
        int pos;
        int limit;

        Cursor(ByteBuffer buf, int pos, int limit) {
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
        }

        private byte next() {
            if (pos >= limit) {
                throw new BufferUnderflowException();
            }
            return buf.get(pos++);
        }

        void skip(int n) {
            if (n > limit - pos) {
                throw new BufferUnderflowException();
            }
            pos += n;
        }

        /** One- and two-byte varints (lengths and deltas below 8192) are decoded without a loop. */
        int varint() {
            int p = pos;
            if (limit - p >= 2) {
                int b0 = buf.get(p);
                if (b0 >= 0) {
                    pos = p + 1;
                    return (b0 >>> 1) ^ -(b0 & 1);
                }
                int b1 = buf.get(p + 1);
                if (b1 >= 0) {
                    int raw = (b0 & 0x7f) | (b1 << 7);
                    pos = p + 2;
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            return varintLoop();
        }

        private int varintLoop() {
            int raw = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 28) {
                    throw new IllegalArgumentException("varint longer than 5 bytes");
                }
                byte b = next();
                raw |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
        }

        /** Skips a varlong (a record's timestamp delta, whose value the validator does not need). */
        void skipVarlong() {
            if (pos < limit && buf.get(pos) >= 0) {
                pos++;
                return;
            }
            varlong();
        }

        long varlong() {
            long raw = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 63) {
                    throw new IllegalArgumentException("varlong longer than 10 bytes");
                }
                byte b = next();
                raw |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
        }

        /** Skips one varint-length field; false if its length is not allowed or runs past the record. */
        boolean skipField(boolean nullable) {
            int length = varint();
            if (length < 0) {
                return nullable;
            }
            if (length > limit - pos) {
                return false;
            }
            pos += length;
            return true;
        }
    }
}
