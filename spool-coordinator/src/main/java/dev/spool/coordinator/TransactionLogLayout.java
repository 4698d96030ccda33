package dev.spool.coordinator;

import dev.spool.common.TopicPartition;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-layout descriptor of the {@code __transaction_state} records, as Apache Kafka writes them (its
 * transaction-coordinator schemas {@code TransactionLogKey} v0 and {@code TransactionLogValue} v0;
 * v1, the flexible form Kafka writes for transaction version 2 clients, is read too), so Kafka's tools
 * that read the topic agree. Integers big-endian.
 *
 * <pre>
 * key:  version:int16 (0)  transactionalId:string(int16 length + UTF-8)
 * value v0 (written):
 *       version:int16 (0)  producerId:int64  producerEpoch:int16  transactionTimeoutMs:int32
 *       transactionStatus:int8  partitions:int32 count (-1 = null), each:
 *         topic:string(int16 length)  partitionIds:int32 count + int32 each
 *       lastUpdateTimestampMs:int64  startTimestampMs:int64
 * value v1 (read): the same fields in the flexible encoding (compact strings/arrays: unsigned varint
 *       length + 1; a tagged-field section after each partition entry and at the end, whose tags
 *       0 previousProducerId, 1 nextProducerId, 2 clientTransactionVersion are skipped here)
 * </pre>
 *
 * A null value is a tombstone (the transactional id expired). Decoding checks every length against the
 * bytes left and throws {@link IllegalArgumentException} on a malformed record. Stateless.
 */
public final class TransactionLogLayout {
    private TransactionLogLayout() {}

    public static final short KEY_VERSION = 0;
    public static final short VALUE_VERSION_0 = 0;
    public static final short VALUE_VERSION_1 = 1;

    private static final int SHORT_BYTES = 2;
    private static final int INT_BYTES = 4;
    private static final int LONG_BYTES = 8;
    private static final int BYTE_BYTES = 1;

    /** Partitions sorted by topic then number (the order Spool writes them in). */
    public static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** The persisted state of one transactional id. */
    public record TxnValue(
            long producerId,
            short producerEpoch,
            int timeoutMs,
            TransactionState state,
            List<TopicPartition> partitions,
            long lastUpdateTimestampMs,
            long startTimestampMs) {}

    public static byte[] key(String transactionalId) {
        byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
        if (id.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("transactional id of " + id.length + " bytes is too long");
        }
        ByteBuffer b = ByteBuffer.allocate(SHORT_BYTES + SHORT_BYTES + id.length);
        b.putShort(KEY_VERSION).putShort((short) id.length).put(id);
        return b.array();
    }

    public static String decodeKey(byte[] key) {
        try {
            ByteBuffer b = ByteBuffer.wrap(key);
            short version = b.getShort();
            if (version != KEY_VERSION) {
                throw new IllegalArgumentException("unknown __transaction_state key version " + version);
            }
            String id = getStr(b);
            if (id == null) {
                throw new IllegalArgumentException("null transactional id");
            }
            return id;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated __transaction_state key", e);
        }
    }

    public static byte[] value(TxnValue v) {
        Map<String, List<Integer>> byTopic = group(v.partitions());
        int size = SHORT_BYTES + LONG_BYTES + SHORT_BYTES + INT_BYTES + BYTE_BYTES + INT_BYTES + 2 * LONG_BYTES;
        List<byte[]> names = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("topic name too long");
            }
            names.add(name);
            size += SHORT_BYTES
                    + name.length
                    + INT_BYTES
                    + INT_BYTES * e.getValue().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort(VALUE_VERSION_0);
        b.putLong(v.producerId());
        b.putShort(v.producerEpoch());
        b.putInt(v.timeoutMs());
        b.put(v.state().id());
        b.putInt(byTopic.size());
        int i = 0;
        for (List<Integer> ids : byTopic.values()) {
            byte[] name = names.get(i++);
            b.putShort((short) name.length).put(name);
            b.putInt(ids.size());
            ids.forEach(b::putInt);
        }
        b.putLong(v.lastUpdateTimestampMs());
        b.putLong(v.startTimestampMs());
        return b.array();
    }

    private static Map<String, List<Integer>> group(List<TopicPartition> partitions) {
        List<TopicPartition> sorted = new ArrayList<>(partitions);
        sorted.sort(PARTITION_ORDER);
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : sorted) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        return byTopic;
    }

    public static TxnValue decodeValue(byte[] value) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            short version = b.getShort();
            if (version != VALUE_VERSION_0 && version != VALUE_VERSION_1) {
                throw new IllegalArgumentException("unknown __transaction_state value version " + version);
            }
            boolean flexible = version == VALUE_VERSION_1;
            long producerId = b.getLong();
            short epoch = b.getShort();
            int timeout = b.getInt();
            TransactionState state = TransactionState.fromId(b.get());
            int topics = flexible ? readUnsignedVarint(b) - 1 : b.getInt();
            checkCount(topics, b);
            List<TopicPartition> partitions = new ArrayList<>();
            for (int t = 0; t < topics; t++) {
                String topic = flexible ? getCompactStr(b) : getStr(b);
                if (topic == null) {
                    throw new IllegalArgumentException("null topic in transaction partitions");
                }
                int count = flexible ? readUnsignedVarint(b) - 1 : b.getInt();
                checkCount(count, b);
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartition(topic, b.getInt()));
                }
                if (flexible) {
                    skipTaggedFields(b);
                }
            }
            long lastUpdate = b.getLong();
            long start = b.getLong();
            if (flexible) {
                skipTaggedFields(b);
            }
            return new TxnValue(producerId, epoch, timeout, state, partitions, lastUpdate, start);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated __transaction_state value", e);
        }
    }

    // ---- primitives

    private static void checkCount(int count, ByteBuffer b) {
        // -1 is a null array (no partitions); anything beyond the bytes left is corruption.
        if (count < -1 || count > b.remaining()) {
            throw new IllegalArgumentException("bad array count " + count + " with " + b.remaining() + " bytes left");
        }
    }

    private static String getStr(ByteBuffer b) {
        short len = b.getShort();
        if (len == -1) {
            return null;
        }
        return utf8(b, len);
    }

    private static String getCompactStr(ByteBuffer b) {
        int len = readUnsignedVarint(b) - 1;
        if (len == -1) {
            return null;
        }
        return utf8(b, len);
    }

    private static String utf8(ByteBuffer b, int len) {
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("bad string length " + len + " with " + b.remaining() + " bytes left");
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void skipTaggedFields(ByteBuffer b) {
        int count = readUnsignedVarint(b);
        for (int i = 0; i < count; i++) {
            readUnsignedVarint(b); // tag
            int size = readUnsignedVarint(b);
            if (size < 0 || size > b.remaining()) {
                throw new IllegalArgumentException("bad tagged field size " + size);
            }
            b.position(b.position() + size);
        }
    }

    private static int readUnsignedVarint(ByteBuffer b) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte x = b.get();
            value |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes");
    }
}
