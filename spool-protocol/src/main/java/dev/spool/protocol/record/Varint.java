package dev.spool.protocol.record;

import java.nio.ByteBuffer;

/** Zig-zag varints as the v2 record format uses them (protobuf style). Relative reads advance the buffer. */
public final class Varint {
    private Varint() {}

    /** Reads a zig-zag varint of at most 5 bytes; throws {@link IllegalArgumentException} if malformed. */
    public static int readVarint(ByteBuffer buf) {
        int raw = 0;
        int shift = 0;
        while (true) {
            if (shift > 28) {
                throw new IllegalArgumentException("varint longer than 5 bytes");
            }
            byte b = buf.get();
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Reads a zig-zag varlong of at most 10 bytes; throws {@link IllegalArgumentException} if malformed. */
    public static long readVarlong(ByteBuffer buf) {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (shift > 63) {
                throw new IllegalArgumentException("varlong longer than 10 bytes");
            }
            byte b = buf.get();
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Writes an unsigned (not zig-zag) varint, as flexible protocol versions use for lengths. */
    public static void writeUnsignedVarint(ByteBuffer buf, int value) {
        int v = value;
        while ((v & ~0x7f) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    public static void writeVarint(ByteBuffer buf, int value) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7f) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    public static void writeVarlong(ByteBuffer buf, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7fL) != 0) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    public static int sizeOfVarint(int value) {
        int v = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((v & ~0x7f) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    public static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int bytes = 1;
        while ((v & ~0x7fL) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }
}
