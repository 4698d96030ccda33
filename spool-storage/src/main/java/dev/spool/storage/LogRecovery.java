package dev.spool.storage;

import static dev.spool.protocol.record.RecordBatch.HEADER_SIZE;
import static dev.spool.protocol.record.RecordBatch.LOG_OVERHEAD;

import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a segment after an unclean stop: reads the {@code .log} file front to back in large chunks,
 * checks every batch (framing, magic 2, CRC-32C, offsets increasing and not below the segment's base),
 * rebuilds both indexes from scratch and cuts the file at the first byte that is not part of an intact
 * batch. Indexes found on disk are never trusted. Not thread-safe: runs before the log is opened for use.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /** Bytes read at a time; a batch larger than this gets a buffer of its own size (bounded by the file). */
    static final int CHUNK_BYTES = 8 * 1024 * 1024;

    /** What recovery found. */
    record Result(long nextOffset, int validBytes, long truncatedBytes, String reason) {}

    private LogRecovery() {}

    /**
     * Recovers {@code segment} and returns where its valid part ends. The first batch may not start
     * below the segment's base offset.
     */
    static Result recover(LogSegment segment) throws IOException {
        segment.resetIndexes();
        segment.txnIndex().reset(); // rebuilt by the producer-state replay (ProducerStateLoader)
        FileChannel ch = segment.channel();
        long fileSize = ch.size();
        long limit = Math.min(fileSize, Integer.MAX_VALUE);
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(CHUNK_BYTES, limit)));
        long validEnd = 0;
        long nextOffset = segment.baseOffset();
        String reason = null;
        while (validEnd < limit && reason == null) {
            long chunkStart = validEnd;
            int capacity = buf.capacity();
            int end = fill(ch, buf, chunkStart, limit);
            int pos = 0;
            while (pos < end) {
                long available = limit - (chunkStart + pos);
                if (end - pos >= LOG_OVERHEAD) {
                    long batchSize = LOG_OVERHEAD + (long) RecordBatch.length(buf, pos);
                    if (batchSize >= HEADER_SIZE && batchSize > end - pos && batchSize <= available) {
                        if (pos == 0) {
                            // Larger than the buffer: one of its size, bounded by what the file holds.
                            buf = ByteBuffer.allocateDirect((int) batchSize);
                        }
                        break; // refill from the start of this batch
                    }
                } else if (end - pos < available && pos > 0) {
                    break; // header straddles the chunk: refill
                }
                String problem = BatchValidator.checkIntact(buf, pos, end);
                if (problem == null && RecordBatch.baseOffset(buf, pos) < nextOffset) {
                    problem = "batch base offset " + RecordBatch.baseOffset(buf, pos) + " is below the expected "
                            + nextOffset;
                }
                if (problem == null && !fitsInSegment(segment, buf, pos)) {
                    problem = "batch offsets " + RecordBatch.baseOffset(buf, pos) + ".."
                            + RecordBatch.lastOffset(buf, pos) + " do not fit in the segment based at "
                            + segment.baseOffset();
                }
                if (problem != null) {
                    reason = problem + " at position " + (chunkStart + pos);
                    break;
                }
                int size = RecordBatch.sizeInBytes(buf, pos);
                segment.indexBatch(
                        RecordBatch.baseOffset(buf, pos),
                        RecordBatch.lastOffset(buf, pos),
                        RecordBatch.maxTimestamp(buf, pos),
                        (int) (chunkStart + pos),
                        size);
                nextOffset = RecordBatch.nextOffset(buf, pos);
                pos += size;
                validEnd = chunkStart + pos;
            }
            if (reason == null && validEnd == chunkStart && buf.capacity() == capacity) {
                reason = "short read at position " + chunkStart; // never loop without progress
            }
        }
        if (validEnd < fileSize && reason == null) {
            reason = "segment larger than 2 GiB";
        }
        long truncated = fileSize - validEnd;
        if (truncated > 0) {
            LOG.warn(
                    "Recovery of {} truncates {} bytes at position {}: {}",
                    segment.logFile(),
                    truncated,
                    validEnd,
                    reason);
        }
        segment.truncateFileTo((int) validEnd);
        return new Result(nextOffset, (int) validEnd, truncated, reason);
    }

    /** True if the batch's offsets lie within the 32-bit range relative to the segment's base offset. */
    private static boolean fitsInSegment(LogSegment segment, ByteBuffer buf, int pos) {
        long base = RecordBatch.baseOffset(buf, pos);
        long last = RecordBatch.lastOffset(buf, pos);
        return last >= base && last - segment.baseOffset() <= Integer.MAX_VALUE;
    }

    /** Reads from {@code from} into {@code buf} until it is full or {@code limit}; returns bytes read. */
    private static int fill(FileChannel ch, ByteBuffer buf, long from, long limit) throws IOException {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), limit - from));
        while (buf.hasRemaining()) {
            if (ch.read(buf, from + buf.position()) < 0) {
                break;
            }
        }
        int n = buf.position();
        buf.clear();
        return n;
    }
}
