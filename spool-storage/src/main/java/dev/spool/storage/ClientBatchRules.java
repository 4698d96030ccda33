package dev.spool.storage;

import dev.spool.common.TopicPartition;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;

/**
 * The rules a partition's config puts on batches a leader appends, after {@code BatchValidator} found
 * them intact: Kafka's CreateTime bounds ({@link TimestampBounds}), and, for a compacted topic, that a
 * client's records all have keys (Kafka's {@code LogValidator}: "Compacted topic cannot accept message
 * without key"). Stateless.
 */
final class ClientBatchRules {
    private ClientBatchRules() {}

    /**
     * Null if a compacted topic may take {@code batches}, else the refusal: run before the log's lock,
     * since a compressed batch is decompressed to see its keys.
     */
    static AppendResult checkKeys(
            ByteBuffer batches, LogConfig cfg, AppendOrigin origin, TopicPartition tp, long logStartOffset) {
        if (cfg.compact() && origin == AppendOrigin.CLIENT) {
            String keyless = firstKeylessRecord(batches, tp, cfg.maxDecompressedMessageBytes());
            if (keyless != null) {
                return AppendResult.failed(BatchError.INVALID_RECORD, keyless, logStartOffset);
            }
        }
        return null;
    }

    /**
     * Null if the CreateTime timestamps of {@code batches} are within bounds at {@code now}, else the
     * refusal: run under the log's lock with the append's one clock reading, as Kafka's validator does.
     */
    static AppendResult checkTimestamps(ByteBuffer batches, LogConfig cfg, long now, long logStartOffset) {
        String badTimestamp = TimestampBounds.check(batches, cfg, now);
        return badTimestamp == null
                ? null
                : AppendResult.failed(BatchError.INVALID_TIMESTAMP, badTimestamp, logStartOffset);
    }

    /**
     * Null if every record of {@code batches} has a key, else Kafka's message for the first that has
     * none (or why a compressed batch could not be read). Compressed batches are decompressed for
     * this, as Kafka's validator does: only on compacted topics, keys and values skipped, not copied.
     */
    static String firstKeylessRecord(ByteBuffer batches, TopicPartition tp, int maxRecordBytes) {
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            int index;
            try {
                index = KafkaRecords.firstKeylessRecord(
                        batches, pos, RecordBatch.sizeInBytes(batches, pos), maxRecordBytes);
            } catch (IllegalArgumentException e) {
                return "the records of a batch cannot be read: " + e.getMessage();
            }
            if (index >= 0) {
                return "Compacted topic cannot accept message without key in topic partition " + tp + " (record "
                        + index + " of the batch)";
            }
        }
        return null;
    }
}
