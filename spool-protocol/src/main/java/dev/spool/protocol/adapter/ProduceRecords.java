package dev.spool.protocol.adapter;

import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/** Access to a produce request's record bytes, whose field type is internal to kafka-clients. */
public final class ProduceRecords {
    private ProduceRecords() {}

    /**
     * The partition's record batches as a buffer over the request frame (no copy), or an empty buffer
     * if the field is null.
     */
    public static ByteBuffer buffer(ProduceRequestData.PartitionProduceData partition) {
        BaseRecords records = partition.records();
        if (records == null) {
            return ByteBuffer.allocate(0);
        }
        if (!(records instanceof MemoryRecords)) {
            throw new IllegalArgumentException("unexpected records type " + records.getClass());
        }
        return ((MemoryRecords) records).buffer().duplicate();
    }

    /** Sets a partition's records from batch bytes (tests and clients built by the broker's tools). */
    public static void set(ProduceRequestData.PartitionProduceData partition, ByteBuffer batches) {
        partition.setRecords(MemoryRecords.readableRecords(batches));
    }
}
