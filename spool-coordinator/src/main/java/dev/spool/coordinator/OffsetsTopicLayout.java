package dev.spool.coordinator;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte-layout descriptor of the {@code __consumer_offsets} records, written as Apache Kafka writes them
 * (its group-coordinator schemas {@code OffsetCommitKey/Value} and {@code GroupMetadataKey/Value}), so
 * tools that read the topic agree. All integers big-endian; a string is an int16 length then UTF-8
 * bytes (length -1 = null); bytes are an int32 length then the bytes.
 *
 * <pre>
 * key:   version:int16 (0|1 = offset commit, 2 = group metadata) then
 *          offset commit:   group:string  topic:string  partition:int32
 *          group metadata:  group:string
 * OffsetCommitValue v3 (written; v0..v3 read):
 *        version:int16  offset:int64  [v3: leaderEpoch:int32]  metadata:string  commitTimestamp:int64
 *        [v1 only: expireTimestamp:int64]
 * GroupMetadataValue v3 (written; v0..v3 read):
 *        version:int16  protocolType:string  generation:int32  protocol:nullable string
 *        leader:nullable string  [v2+: currentStateTimestamp:int64]  members:int32 count, each:
 *          memberId:string  [v3: groupInstanceId:nullable string]  clientId:string  clientHost:string
 *          [v1+: rebalanceTimeout:int32]  sessionTimeout:int32  subscription:bytes  assignment:bytes
 * </pre>
 *
 * A null value is a tombstone: compaction then removes the key. Decoding checks every length against
 * the bytes left and throws {@link IllegalArgumentException} on a malformed record. Stateless.
 */
public final class OffsetsTopicLayout {
    private OffsetsTopicLayout() {}

    public static final short OFFSET_COMMIT_KEY_V0 = 0;
    public static final short OFFSET_COMMIT_KEY_V1 = 1;
    public static final short GROUP_METADATA_KEY_V2 = 2;
    public static final short OFFSET_COMMIT_VALUE_VERSION = 3;
    public static final short GROUP_METADATA_VALUE_VERSION = 3;

    private static final int SHORT_BYTES = 2;
    private static final int INT_BYTES = 4;
    private static final int LONG_BYTES = 8;
    /** Members or bytes counts above this in one record are corruption, not data. */
    private static final int MAX_ARRAY = 1 << 20;

    /** A decoded key: either an offset commit or a group metadata key. */
    public sealed interface Key permits OffsetKey, GroupKey {
        String group();
    }

    public record OffsetKey(String group, String topic, int partition) implements Key {}

    public record GroupKey(String group) implements Key {}

    /** A committed offset; {@code expireTimestamp} is -1 unless a v1 value carried one. */
    public record OffsetValue(
            long offset, int leaderEpoch, String metadata, long commitTimestamp, long expireTimestamp) {}

    /** One member of a group metadata value. */
    public record MemberValue(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            byte[] subscription,
            byte[] assignment) {}

    /** The persisted part of a classic group. */
    public record GroupValue(
            String protocolType,
            int generation,
            String protocol,
            String leader,
            long currentStateTimestamp,
            List<MemberValue> members) {}

    // ---- encoding

    public static byte[] offsetKey(String group, String topic, int partition) {
        byte[] g = utf8(group);
        byte[] t = utf8(topic);
        ByteBuffer b = ByteBuffer.allocate(SHORT_BYTES + strSize(g) + strSize(t) + INT_BYTES);
        b.putShort(OFFSET_COMMIT_KEY_V1);
        putStr(b, g);
        putStr(b, t);
        b.putInt(partition);
        return b.array();
    }

    public static byte[] groupKey(String group) {
        byte[] g = utf8(group);
        ByteBuffer b = ByteBuffer.allocate(SHORT_BYTES + strSize(g));
        b.putShort(GROUP_METADATA_KEY_V2);
        putStr(b, g);
        return b.array();
    }

    public static byte[] offsetValue(OffsetValue v) {
        byte[] m = utf8(v.metadata() == null ? "" : v.metadata());
        ByteBuffer b = ByteBuffer.allocate(SHORT_BYTES + LONG_BYTES + INT_BYTES + strSize(m) + LONG_BYTES);
        b.putShort(OFFSET_COMMIT_VALUE_VERSION);
        b.putLong(v.offset());
        b.putInt(v.leaderEpoch());
        putStr(b, m);
        b.putLong(v.commitTimestamp());
        return b.array();
    }

    public static byte[] groupValue(GroupValue v) {
        byte[] type = utf8(v.protocolType());
        byte[] protocol = utf8(v.protocol());
        byte[] leader = utf8(v.leader());
        int size =
                SHORT_BYTES + strSize(type) + INT_BYTES + strSize(protocol) + strSize(leader) + LONG_BYTES + INT_BYTES;
        List<byte[][]> members = new ArrayList<>();
        for (MemberValue m : v.members()) {
            byte[][] f = {utf8(m.memberId()), utf8(m.groupInstanceId()), utf8(m.clientId()), utf8(m.clientHost())};
            members.add(f);
            size += strSize(f[0]) + strSize(f[1]) + strSize(f[2]) + strSize(f[3]) + 2 * INT_BYTES;
            size += INT_BYTES + m.subscription().length + INT_BYTES + m.assignment().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort(GROUP_METADATA_VALUE_VERSION);
        putStr(b, type);
        b.putInt(v.generation());
        putStr(b, protocol);
        putStr(b, leader);
        b.putLong(v.currentStateTimestamp());
        b.putInt(v.members().size());
        for (int i = 0; i < v.members().size(); i++) {
            MemberValue m = v.members().get(i);
            byte[][] f = members.get(i);
            putStr(b, f[0]);
            putStr(b, f[1]);
            putStr(b, f[2]);
            putStr(b, f[3]);
            b.putInt(m.rebalanceTimeoutMs());
            b.putInt(m.sessionTimeoutMs());
            b.putInt(m.subscription().length).put(m.subscription());
            b.putInt(m.assignment().length).put(m.assignment());
        }
        return b.array();
    }

    // ---- decoding

    public static Key decodeKey(byte[] key) {
        try {
            ByteBuffer b = ByteBuffer.wrap(key);
            short version = b.getShort();
            switch (version) {
                case OFFSET_COMMIT_KEY_V0, OFFSET_COMMIT_KEY_V1 -> {
                    String group = getStr(b);
                    String topic = getStr(b);
                    return new OffsetKey(group, topic, b.getInt());
                }
                case GROUP_METADATA_KEY_V2 -> {
                    return new GroupKey(getStr(b));
                }
                default -> throw new IllegalArgumentException("unknown __consumer_offsets key version " + version);
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated __consumer_offsets key", e);
        }
    }

    public static OffsetValue decodeOffsetValue(byte[] value) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            short version = b.getShort();
            if (version < 0 || version > OFFSET_COMMIT_VALUE_VERSION) {
                throw new IllegalArgumentException("unknown offset commit value version " + version);
            }
            long offset = b.getLong();
            int epoch = version >= 3 ? b.getInt() : -1;
            String metadata = getStr(b);
            long commit = b.getLong();
            long expire = version == 1 ? b.getLong() : -1L;
            return new OffsetValue(offset, epoch, metadata, commit, expire);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated offset commit value", e);
        }
    }

    public static GroupValue decodeGroupValue(byte[] value) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            short version = b.getShort();
            if (version < 0 || version > GROUP_METADATA_VALUE_VERSION) {
                throw new IllegalArgumentException("unknown group metadata value version " + version);
            }
            String type = getStr(b);
            int generation = b.getInt();
            String protocol = getStr(b);
            String leader = getStr(b);
            long stateTimestamp = version >= 2 ? b.getLong() : -1L;
            int count = b.getInt();
            if (count < 0 || count > MAX_ARRAY || count > b.remaining()) {
                throw new IllegalArgumentException("bad member count " + count);
            }
            List<MemberValue> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String memberId = getStr(b);
                String instanceId = version >= 3 ? getStr(b) : null;
                String clientId = getStr(b);
                String clientHost = getStr(b);
                int rebalance = version >= 1 ? b.getInt() : -1;
                int session = b.getInt();
                byte[] subscription = getBytes(b);
                byte[] assignment = getBytes(b);
                if (rebalance < 0) {
                    rebalance = session;
                }
                members.add(new MemberValue(
                        memberId, instanceId, clientId, clientHost, rebalance, session, subscription, assignment));
            }
            return new GroupValue(type, generation, protocol, leader, stateTimestamp, members);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated group metadata value", e);
        }
    }

    // ---- primitives

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int strSize(byte[] s) {
        return SHORT_BYTES + (s == null ? 0 : s.length);
    }

    private static void putStr(ByteBuffer b, byte[] s) {
        if (s == null) {
            b.putShort((short) -1);
        } else {
            if (s.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("string of " + s.length + " bytes is too long");
            }
            b.putShort((short) s.length).put(s);
        }
    }

    private static String getStr(ByteBuffer b) {
        short len = b.getShort();
        if (len == -1) {
            return null;
        }
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("bad string length " + len + " with " + b.remaining() + " bytes left");
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] getBytes(ByteBuffer b) {
        int len = b.getInt();
        if (len == -1) {
            return new byte[0];
        }
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("bad bytes length " + len + " with " + b.remaining() + " bytes left");
        }
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }
}
