package dev.spool.storage;

import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;

/**
 * Kafka's bounds on CreateTime timestamps of appended batches ({@code message.timestamp.before.max.ms},
 * {@code message.timestamp.after.max.ms}). Stateless.
 */
final class TimestampBounds {
    private TimestampBounds() {}

    /**
     * Kafka's {@code message.timestamp.before.max.ms} / {@code after.max.ms} for CreateTime: null if
     * every batch's first and largest timestamps lie within [now - before, now + after], else the
     * reason. The largest timestamp bounds every record from above exactly; from below the first
     * record's is checked (the produce path never decompresses a batch to see the others).
     */
    static String check(ByteBuffer batches, LogConfig cfg, long now) {
        if (cfg.timestampType() != LogConfig.TimestampType.CREATE_TIME
                || (cfg.messageTimestampBeforeMaxMs() == Long.MAX_VALUE
                        && cfg.messageTimestampAfterMaxMs() == Long.MAX_VALUE)) {
            return null;
        }
        long lowest =
                cfg.messageTimestampBeforeMaxMs() >= now ? Long.MIN_VALUE : now - cfg.messageTimestampBeforeMaxMs();
        long highest = cfg.messageTimestampAfterMaxMs() > Long.MAX_VALUE - now
                ? Long.MAX_VALUE
                : now + cfg.messageTimestampAfterMaxMs();
        for (int pos = batches.position(); pos < batches.limit(); pos += RecordBatch.sizeInBytes(batches, pos)) {
            long first = RecordBatch.baseTimestamp(batches, pos);
            long max = RecordBatch.maxTimestamp(batches, pos);
            if (outOfRange(first, lowest, highest) || outOfRange(max, lowest, highest)) {
                long bad = outOfRange(first, lowest, highest) ? first : max;
                return "Timestamp " + bad + " of message with offset " + RecordBatch.baseOffset(batches, pos)
                        + " is out of range. The timestamp should be within [" + lowest + ", " + highest + "]";
            }
        }
        return null;
    }

    private static boolean outOfRange(long ts, long lowest, long highest) {
        return ts != RecordBatch.NO_TIMESTAMP && (ts < lowest || ts > highest);
    }
}
