package dev.spool.metadata;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Binary form of {@link MetadataRecord}s in the metadata log.
 *
 * <pre>
 *  version int8 (0) | type int8 | fields...
 *  string:   int16 length (-1 = null) | UTF-8 bytes
 *  uuid:     int64 most significant | int64 least significant
 *  TopicRecord(1):       name string | topicId uuid | partitions int32
 *  PartitionsRecord(2):  topicId uuid | partitions int32
 *  ConfigRecord(3):      resourceType int8 | resourceName string | key string | value string
 *  RemoveTopicRecord(4): topicId uuid
 *  ProducerIdsRecord(5): brokerId int32 | nextProducerId int64
 * </pre>
 */
public final class MetadataRecordSerde {
    private MetadataRecordSerde() {}

    static final byte VERSION = 0;
    static final byte TOPIC = 1;
    static final byte PARTITIONS = 2;
    static final byte CONFIG = 3;
    static final byte REMOVE_TOPIC = 4;
    static final byte PRODUCER_IDS = 5;

    public static byte[] serialize(MetadataRecord record) {
        ByteBuffer buf = ByteBuffer.allocate(size(record));
        buf.put(VERSION);
        if (record instanceof MetadataRecord.TopicRecord t) {
            buf.put(TOPIC);
            putString(buf, t.name());
            putUuid(buf, t.topicId());
            buf.putInt(t.partitions());
        } else if (record instanceof MetadataRecord.PartitionsRecord p) {
            buf.put(PARTITIONS);
            putUuid(buf, p.topicId());
            buf.putInt(p.partitions());
        } else if (record instanceof MetadataRecord.ConfigRecord c) {
            buf.put(CONFIG);
            buf.put((byte) c.resourceType().ordinal());
            putString(buf, c.resourceName());
            putString(buf, c.key());
            putString(buf, c.value());
        } else if (record instanceof MetadataRecord.RemoveTopicRecord r) {
            buf.put(REMOVE_TOPIC);
            putUuid(buf, r.topicId());
        } else if (record instanceof MetadataRecord.ProducerIdsRecord p) {
            buf.put(PRODUCER_IDS);
            buf.putInt(p.brokerId());
            buf.putLong(p.nextProducerId());
        }
        return buf.array();
    }

    private static int size(MetadataRecord record) {
        int size = 2;
        if (record instanceof MetadataRecord.TopicRecord t) {
            size += stringSize(t.name()) + 16 + 4;
        } else if (record instanceof MetadataRecord.PartitionsRecord) {
            size += 16 + 4;
        } else if (record instanceof MetadataRecord.ConfigRecord c) {
            size += 1 + stringSize(c.resourceName()) + stringSize(c.key()) + stringSize(c.value());
        } else if (record instanceof MetadataRecord.RemoveTopicRecord) {
            size += 16;
        } else if (record instanceof MetadataRecord.ProducerIdsRecord) {
            size += 4 + 8;
        }
        return size;
    }

    /** Decodes a record; throws {@link IllegalArgumentException} naming what is wrong. */
    public static MetadataRecord deserialize(ByteBuffer buf) {
        try {
            byte version = buf.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown metadata record version " + version);
            }
            byte type = buf.get();
            switch (type) {
                case TOPIC:
                    return new MetadataRecord.TopicRecord(getString(buf), getUuid(buf), buf.getInt());
                case PARTITIONS:
                    return new MetadataRecord.PartitionsRecord(getUuid(buf), buf.getInt());
                case CONFIG:
                    int rt = buf.get();
                    if (rt < 0 || rt >= MetadataRecord.ResourceType.values().length) {
                        throw new IllegalArgumentException("unknown config resource type " + rt);
                    }
                    return new MetadataRecord.ConfigRecord(
                            MetadataRecord.ResourceType.values()[rt], getString(buf), getString(buf), getString(buf));
                case REMOVE_TOPIC:
                    return new MetadataRecord.RemoveTopicRecord(getUuid(buf));
                case PRODUCER_IDS:
                    int brokerId = buf.getInt();
                    long next = buf.getLong();
                    if (next < 0) {
                        throw new IllegalArgumentException("negative next producer id " + next);
                    }
                    return new MetadataRecord.ProducerIdsRecord(brokerId, next);
                default:
                    throw new IllegalArgumentException("unknown metadata record type " + type);
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("metadata record cut short", e);
        }
    }

    private static int stringSize(String s) {
        return 2 + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
    }

    private static void putString(ByteBuffer buf, String s) {
        if (s == null) {
            buf.putShort((short) -1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        buf.putShort((short) b.length);
        buf.put(b);
    }

    private static String getString(ByteBuffer buf) {
        short len = buf.getShort();
        if (len < 0) {
            return null;
        }
        if (len > buf.remaining()) {
            throw new IllegalArgumentException("string of " + len + " bytes exceeds the " + buf.remaining() + " left");
        }
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void putUuid(ByteBuffer buf, UUID id) {
        buf.putLong(id.getMostSignificantBits());
        buf.putLong(id.getLeastSignificantBits());
    }

    private static UUID getUuid(ByteBuffer buf) {
        return new UUID(buf.getLong(), buf.getLong());
    }
}
