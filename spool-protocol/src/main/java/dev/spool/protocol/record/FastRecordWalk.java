package dev.spool.protocol.record;

import static dev.spool.protocol.record.RecordBatch.RECORDS_OFFSET;

import java.nio.ByteBuffer;

/**
 * The produce path's quick proof that an uncompressed batch's records are well formed, for the shape
 * nearly every producer sends: every varint one or two bytes long (record lengths, key, value and
 * header sizes below 8192 bytes, timestamp deltas within ±8 s, offset deltas below 8192). It answers
 * only "proven" or "not sure"; on "not sure" {@link BatchValidator} runs its general walk, which
 * decides, and words the error. It never accepts what the general walk refuses: it checks the same
 * rules, and a record is accepted only if its fields end exactly where its length says, so every byte
 * it read lies inside the record.
 */
final class FastRecordWalk {
    private FastRecordWalk() {}

    /**
     * True if the {@code count} records of the uncompressed batch of {@code size} bytes at {@code pos}
     * are proven well formed (lengths tile the batch, offset deltas 0..count-1, fields fill each record
     * exactly); false if not proven either way.
     */
    static boolean proven(ByteBuffer buf, int pos, int size, int count) {
        return walk(buf, pos + RECORDS_OFFSET, pos + size, count);
    }

    /**
     * The walk over {@code buf} from {@code p} to {@code end}; see the class comment. Each varint is
     * decoded where it is read, with a branch on its first byte: the position then advances by a
     * predicted branch rather than by arithmetic on the loaded byte, so only the size fields chain one
     * record's reads, not every field. (A shared decode helper, or a width computed from the byte, made
     * the walk three times slower.)
     */
    private static boolean walk(ByteBuffer buf, int p, int end, int count) {
        try {
            for (int i = 0; i < count; i++) {
                int b = buf.get(p); // record length: positive, an even zigzag value above zero
                int raw;
                if (b >= 0) {
                    raw = b;
                    p += 1;
                } else {
                    int b1 = buf.get(p + 1);
                    if (b1 < 0) {
                        return false; // three bytes or more
                    }
                    raw = (b & 0x7f) | (b1 << 7);
                    p += 2;
                }
                if (raw == 0 || (raw & 1) != 0) {
                    return false;
                }
                int next = p + (raw >>> 1);
                if (next > end) {
                    return false;
                }
                b = buf.get(p + 1); // after the attributes byte: the timestamp delta, any value
                if (b >= 0) {
                    p += 2;
                } else if (buf.get(p + 2) >= 0) {
                    p += 3;
                } else {
                    return false;
                }
                b = buf.get(p); // offset delta: i
                if (b >= 0) {
                    raw = b;
                    p += 1;
                } else {
                    int b1 = buf.get(p + 1);
                    if (b1 < 0) {
                        return false; // three bytes or more
                    }
                    raw = (b & 0x7f) | (b1 << 7);
                    p += 2;
                }
                if (raw != i << 1) {
                    return false;
                }
                b = buf.get(p); // key size, negative for null
                if (b >= 0) {
                    raw = b;
                    p += 1;
                } else {
                    int b1 = buf.get(p + 1);
                    if (b1 < 0) {
                        return false; // three bytes or more
                    }
                    raw = (b & 0x7f) | (b1 << 7);
                    p += 2;
                }
                if ((raw & 1) == 0) {
                    p += raw >>> 1;
                }
                b = buf.get(p); // value size, negative for null
                if (b >= 0) {
                    raw = b;
                    p += 1;
                } else {
                    int b1 = buf.get(p + 1);
                    if (b1 < 0) {
                        return false; // three bytes or more
                    }
                    raw = (b & 0x7f) | (b1 << 7);
                    p += 2;
                }
                if ((raw & 1) == 0) {
                    p += raw >>> 1;
                }
                b = buf.get(p); // header count
                if (b == 0) {
                    p += 1;
                } else {
                    p = skipHeaders(buf, p);
                }
                // Every field read lies before p, so at `next` the record is exactly filled; past it, or
                // before it, it is not proven (sizes are below 8192: p cannot overflow).
                if (p != next) {
                    return false;
                }
                p = next; // the same value, but the next record's reads now wait only for this length
            }
        } catch (IndexOutOfBoundsException e) {
            return false; // a field ran past the buffer: not proven (the general walk says what is wrong)
        }
        return p == end;
    }

    /** Skips the header count at {@code p} and the headers; -1 if not proven. */
    private static int skipHeaders(ByteBuffer buf, int p) {
        int count = shortVarint(buf, p);
        if (count < 0 || (count & 1) != 0) {
            return -1;
        }
        p += width(buf, p);
        for (int h = count >>> 1; h > 0; h--) {
            int key = shortVarint(buf, p); // never null
            if (key < 0 || (key & 1) != 0) {
                return -1;
            }
            p += width(buf, p) + (key >>> 1);
            int value = shortVarint(buf, p); // negative for null
            if (value < 0) {
                return -1;
            }
            p += width(buf, p) + ((value & 1) == 0 ? value >>> 1 : 0);
        }
        return p;
    }

    /** The raw (still zigzag-encoded) value of the 1- or 2-byte varint at {@code p}, else -1. */
    private static int shortVarint(ByteBuffer buf, int p) {
        int b0 = buf.get(p);
        if (b0 >= 0) {
            return b0;
        }
        int b1 = buf.get(p + 1);
        return b1 < 0 ? -1 : (b0 & 0x7f) | (b1 << 7);
    }

    /** The width of the short varint at {@code p}: 1 if its first byte ends it, else 2. */
    private static int width(ByteBuffer buf, int p) {
        return 1 + (buf.get(p) >>> 31);
    }
}
