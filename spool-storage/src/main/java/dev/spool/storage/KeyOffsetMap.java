package dev.spool.storage;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key → latest offset map, bounded in bytes ({@code log.cleaner.dedupe.buffer.size}
 * shared by the cleaner threads). No object per key: a key is reduced to a 16-byte digest (the first
 * half of its SHA-256, so distinct keys collide with probability ~2<sup>-128</sup> per pair and
 * collisions cannot be crafted cheaply) and stored with its offset in one {@code long[]}, an
 * open-addressing table with linear probing:
 *
 * <pre>
 * slot i:  slots[3i]     digest bytes 0..7   (big-endian)
 *          slots[3i + 1] digest bytes 8..15  (big-endian)
 *          slots[3i + 2] offset + 1          (0 = empty slot)
 * </pre>
 *
 * {@value #BYTES_PER_ENTRY} bytes per slot; the table accepts new keys until {@code maxEntries}
 * (capacity × {@code log.cleaner.io.buffer.load.factor}, Kafka's 0.9 by default) are held, so
 * probe sequences stay short. A key already held is always updated.
 *
 * <p>Lifecycle: created once per cleaner thread (the array is allocated at construction and reused),
 * {@link #clear} before each pass. Not thread-safe: one cleaning pass uses it at a time.
 */
final class KeyOffsetMap {
    /** Bytes of the key digest kept per entry. */
    static final int DIGEST_BYTES = 16;
    /** Longs per slot: two for the digest, one for the offset. */
    private static final int SLOT_LONGS = 3;
    /** Bytes per slot. */
    static final int BYTES_PER_ENTRY = SLOT_LONGS * Long.BYTES;
    /** Java arrays hold at most about 2^31 elements. */
    private static final long MAX_SLOTS = (Integer.MAX_VALUE - 8) / SLOT_LONGS;

    private final long[] slots;
    private final int capacity;
    private final int maxEntries;
    private final MessageDigest sha256;
    private final byte[] digest = new byte[32];
    private int size;
    private long lookups;
    private long probes;

    private KeyOffsetMap(int capacity, int maxEntries) {
        if (capacity < 2 || maxEntries < 1 || maxEntries >= capacity) { // one slot always stays free
            throw new IllegalArgumentException("bad map size: " + capacity + " slots, " + maxEntries + " entries");
        }
        this.capacity = capacity;
        this.maxEntries = maxEntries;
        this.slots = new long[capacity * SLOT_LONGS];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * A map using at most {@code bytes} bytes of table (at least two slots), accepting new keys while
     * fewer than capacity × {@code loadFactor} are held (one slot always stays free, so a probe ends).
     */
    static KeyOffsetMap ofBytes(long bytes, double loadFactor) {
        if (!(loadFactor > 0 && loadFactor <= 1)) {
            throw new IllegalArgumentException("load factor must be in (0, 1]: " + loadFactor);
        }
        int capacity = (int) Math.max(2, Math.min(MAX_SLOTS, bytes / BYTES_PER_ENTRY));
        int entries = (int) Math.min(capacity - 1, Math.max(1, Math.floor(capacity * loadFactor)));
        return new KeyOffsetMap(capacity, entries);
    }

    /**
     * The smallest map that accepts {@code records} keys at {@code loadFactor}, but at most
     * {@code maxBytes} of table (then it holds fewer).
     */
    static KeyOffsetMap forRecords(long records, long maxBytes, double loadFactor) {
        double slots = Math.ceil(Math.max(1, records) / loadFactor) + 2;
        long bytes = slots * BYTES_PER_ENTRY >= maxBytes ? maxBytes : (long) slots * BYTES_PER_ENTRY;
        return ofBytes(bytes, loadFactor);
    }

    /** A map that holds exactly {@code maxEntries} keys (tests; half the slots stay free). */
    static KeyOffsetMap ofEntries(int maxEntries) {
        return new KeyOffsetMap(maxEntries * 2 + 1, maxEntries);
    }

    /** The bytes of table this map uses. */
    long tableBytes() {
        return (long) capacity * BYTES_PER_ENTRY;
    }

    /** How many keys it accepts. */
    int maxEntries() {
        return maxEntries;
    }

    int size() {
        return size;
    }

    /** Average slots examined per lookup since the last {@link #clear} (for logs and tests). */
    double averageProbes() {
        return lookups == 0 ? 0 : (double) probes / lookups;
    }

    /** Empties the map. */
    void clear() {
        if (size > 0) {
            Arrays.fill(slots, 0L);
        }
        size = 0;
        lookups = 0;
        probes = 0;
    }

    /**
     * Records {@code offset} as the latest offset of {@code key} (its bytes from position to limit,
     * not consumed). Returns false, changing nothing, if the key is new and the map is full.
     */
    boolean put(ByteBuffer key, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        hash(key);
        long hi = readLong(digest, 0);
        long lo = readLong(digest, 8);
        int i = find(hi, lo);
        int at = i * SLOT_LONGS;
        if (slots[at + 2] == 0) {
            if (size >= maxEntries) {
                return false;
            }
            slots[at] = hi;
            slots[at + 1] = lo;
            size++;
        }
        slots[at + 2] = offset + 1;
        return true;
    }

    /** The latest offset recorded for {@code key}, or -1. */
    long get(ByteBuffer key) {
        if (size == 0) {
            return -1;
        }
        hash(key);
        int i = find(readLong(digest, 0), readLong(digest, 8));
        return slots[i * SLOT_LONGS + 2] - 1;
    }

    /** The slot holding the digest, or the empty slot where it would go. */
    private int find(long hi, long lo) {
        int i = (int) Long.remainderUnsigned(hi ^ (lo >>> 17), capacity);
        lookups++;
        while (true) {
            probes++;
            int at = i * SLOT_LONGS;
            if (slots[at + 2] == 0 || (slots[at] == hi && slots[at + 1] == lo)) {
                return i;
            }
            i = i + 1 == capacity ? 0 : i + 1;
        }
    }

    private void hash(ByteBuffer key) {
        sha256.update(key.duplicate());
        try {
            sha256.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 digest into a 32-byte buffer", e);
        }
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
