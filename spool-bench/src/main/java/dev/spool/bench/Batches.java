package dev.spool.bench;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Record batches of an exact size for the benchmarks, so that "operations per second × batch size" is
 * exactly the byte rate and a Spool benchmark and its raw baseline move the same bytes.
 *
 * <p>Record sizes (framing included): about 100 B for batches below 64 KiB (a 10 KiB batch holds 100
 * records of ~93 B values), about 1 KiB for larger ones (a 1 MiB batch holds 1024 records of ~1 KiB
 * values). Keys are null; values are filled with a repeating pattern; every record carries the same
 * timestamp.
 */
final class Batches {
    /** Batches below this size use ~100-byte records, larger ones ~1 KiB records. */
    static final int LARGE_BATCH_BYTES = 64 * 1024;

    static final int SMALL_RECORD_BYTES = 102;
    static final int LARGE_RECORD_BYTES = 1024;

    /** Rebuilds allowed while fitting the last record's value to hit the exact size. */
    private static final int MAX_FIT_ROUNDS = 8;

    /** A size difference of at least this many bytes per record is spread over all records. */
    private static final int SPREAD_FACTOR = 4;

    private Batches() {}

    /** How many records a batch of {@code batchBytes} holds (see the class comment). */
    static int recordCount(int batchBytes) {
        int recordBytes = batchBytes < LARGE_BATCH_BYTES ? SMALL_RECORD_BYTES : LARGE_RECORD_BYTES;
        // Two at least: one record alone cannot hit every size (its length varint grows by a byte at 64).
        return Math.max(2, batchBytes / recordBytes);
    }

    /**
     * One uncompressed v2 batch of exactly {@code batchBytes} bytes (header included) with
     * {@link #recordCount} records stamped {@code timestamp}, copied into a direct buffer (as a
     * network layer would hand it over). Position 0, limit = capacity = {@code batchBytes}.
     */
    static ByteBuffer exactSize(int batchBytes, long timestamp) {
        int records = recordCount(batchBytes);
        int[] valueSizes = new int[records];
        Arrays.fill(valueSizes, Math.max(0, (batchBytes - RecordBatch.HEADER_SIZE) / records));
        for (int round = 0; round < MAX_FIT_ROUNDS; round++) {
            ByteBuffer heap = build(valueSizes, timestamp);
            int diff = batchBytes - heap.remaining();
            if (diff == 0) {
                return ByteBuffer.allocateDirect(batchBytes).put(heap).flip();
            }
            // A large difference is spread over all values, the rest (or a small difference) goes to one
            // record, a different one each round, so a length varint flipping at a boundary cannot make
            // this oscillate.
            int absorber = records - 1 - round % records;
            if (Math.abs(diff) >= SPREAD_FACTOR * records) {
                int each = Math.floorDiv(diff, records);
                for (int i = 0; i < records; i++) {
                    valueSizes[i] += each;
                }
                valueSizes[absorber] += diff - each * records;
            } else {
                valueSizes[absorber] += diff;
            }
            for (int size : valueSizes) {
                if (size < 0) {
                    throw new IllegalArgumentException("cannot build a batch of only " + batchBytes + " bytes");
                }
            }
        }
        throw new IllegalArgumentException("could not fit a batch to exactly " + batchBytes + " bytes");
    }

    private static ByteBuffer build(int[] valueSizes, long timestamp) {
        List<SimpleRecord> records = new ArrayList<>(valueSizes.length);
        for (int size : valueSizes) {
            byte[] value = new byte[size];
            for (int i = 0; i < size; i++) {
                value[i] = (byte) ('a' + i % 26);
            }
            records.add(new SimpleRecord(timestamp, null, value));
        }
        return BatchBuilder.build(records);
    }
}
