package dev.spool.coordinator;

import dev.spool.coordinator.assignor.Assignments;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Byte-layout descriptor of the KIP-848 consumer-group records of {@code __consumer_offsets}, written as
 * Apache Kafka 4.x writes them (its group-coordinator schemas {@code ConsumerGroup*Key/Value}), so tools
 * that read the topic agree.
 *
 * <pre>
 * key:   type:int16 then non-flexible v0 fields (string = int16 length + UTF-8)
 *   3  ConsumerGroupMetadataKey               group
 *   4  ConsumerGroupPartitionMetadataKey      group                (read and ignored: deprecated in Kafka 4.1)
 *   5  ConsumerGroupMemberMetadataKey         group member
 *   6  ConsumerGroupTargetAssignmentMetadataKey group
 *   7  ConsumerGroupTargetAssignmentMemberKey group member
 *   8  ConsumerGroupCurrentMemberAssignmentKey group member
 *   16 ConsumerGroupRegularExpressionKey      group regex          (read and ignored: resolved on demand)
 * value: version:int16 (0) then flexible v0 fields: compact string = uvarint (length+1) + UTF-8 (0 = null),
 *        compact array = uvarint (count+1), uuid = 16 bytes, every struct ends with tagged fields
 *        (uvarint count, then per field uvarint tag, uvarint size, bytes)
 *   3  epoch:int32                                             tag 0: metadataHash:int64
 *   5  instanceId:cstring? rackId:cstring? clientId:cstring clientHost:cstring
 *      subscribedTopicNames:[cstring] subscribedTopicRegex:cstring? rebalanceTimeoutMs:int32
 *      serverAssignor:cstring?                                 tag 0: classic member metadata (skipped)
 *   6  assignmentEpoch:int32                                   tag 0: assignmentTimestamp:int64
 *   7  topicPartitions:[topicId:uuid partitions:[int32]]
 *   8  memberEpoch:int32 previousMemberEpoch:int32 state:int8
 *      assignedPartitions:[topicId:uuid partitions:[int32] (tag 0: assignment epochs, skipped)]
 *      partitionsPendingRevocation:[same]
 * </pre>
 *
 * A null value is a tombstone. Decoding checks every length and count against the bytes left and
 * throws {@link IllegalArgumentException} on a malformed record. Stateless.
 */
final class ConsumerGroupRecords {
    private ConsumerGroupRecords() {}

    static final short GROUP_METADATA = 3;
    static final short PARTITION_METADATA = 4;
    static final short MEMBER_METADATA = 5;
    static final short TARGET_METADATA = 6;
    static final short TARGET_MEMBER = 7;
    static final short CURRENT_ASSIGNMENT = 8;
    static final short REGULAR_EXPRESSION = 16;
    private static final short VALUE_VERSION = 0;
    private static final int TAG_METADATA_HASH = 0;
    private static final int TAG_ASSIGNMENT_TIMESTAMP = 0;

    /** A decoded key; {@code member} is the member id (types 5, 7, 8), the regex (16) or null. */
    record Key(short type, String group, String member) {}

    /** Value of type 5. */
    record MemberMetadata(
            String instanceId,
            String rackId,
            String clientId,
            String clientHost,
            List<String> subscribedTopicNames,
            String subscribedTopicRegex,
            int rebalanceTimeoutMs,
            String serverAssignor) {
        MemberMetadata {
            subscribedTopicNames = List.copyOf(subscribedTopicNames);
        }
    }

    /** Value of type 8. */
    record CurrentAssignment(
            int memberEpoch,
            int previousMemberEpoch,
            MemberState state,
            Map<Uuid, Set<Integer>> assigned,
            Map<Uuid, Set<Integer>> pendingRevocation) {
        CurrentAssignment {
            assigned = Assignments.copy(assigned);
            pendingRevocation = Assignments.copy(pendingRevocation);
        }
    }

    /** Kafka's member reconciliation states, with their stored byte values. */
    enum MemberState {
        STABLE((byte) 0),
        UNREVOKED_PARTITIONS((byte) 1),
        UNRELEASED_PARTITIONS((byte) 2),
        UNKNOWN((byte) 127);

        final byte value;

        MemberState(byte value) {
            this.value = value;
        }

        static MemberState of(byte v) {
            for (MemberState s : values()) {
                if (s.value == v) {
                    return s;
                }
            }
            return UNKNOWN;
        }
    }

    /** True if {@code key} is one of the consumer-group record types (read without decoding the rest). */
    static boolean isConsumerGroupKey(byte[] key) {
        if (key == null || key.length < 2) {
            return false;
        }
        short type = (short) (((key[0] & 0xff) << 8) | (key[1] & 0xff));
        return (type >= GROUP_METADATA && type <= CURRENT_ASSIGNMENT) || type == REGULAR_EXPRESSION;
    }

    // ---- keys

    static byte[] key(short type, String group) {
        return key(type, group, null);
    }

    static byte[] key(short type, String group, String member) {
        byte[] g = utf8(group);
        byte[] m = member == null ? null : utf8(member);
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + g.length + (m == null ? 0 : 2 + m.length));
        b.putShort(type);
        putShortStr(b, g);
        if (m != null) {
            putShortStr(b, m);
        }
        return b.array();
    }

    static Key decodeKey(byte[] key) {
        try {
            ByteBuffer b = ByteBuffer.wrap(key);
            short type = b.getShort();
            String group = getShortStr(b);
            String member =
                    switch (type) {
                        case MEMBER_METADATA, TARGET_MEMBER, CURRENT_ASSIGNMENT, REGULAR_EXPRESSION -> getShortStr(b);
                        case GROUP_METADATA, PARTITION_METADATA, TARGET_METADATA -> null;
                        default -> throw new IllegalArgumentException("not a consumer group key type " + type);
                    };
            return new Key(type, group, member);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated consumer group key", e);
        }
    }

    // ---- values

    static byte[] groupMetadataValue(int epoch, long metadataHash) {
        Writer w = new Writer();
        w.int32(epoch);
        Writer tag = new Writer();
        tag.int64(metadataHash);
        w.tags(List.of(new Writer.Tag(TAG_METADATA_HASH, tag.bytes())));
        return w.bytes();
    }

    /** Value of type 3: epoch and metadata hash. */
    record GroupMetadata(int epoch, long metadataHash) {}

    static GroupMetadata decodeGroupMetadata(byte[] value) {
        Reader r = Reader.of(value);
        int epoch = r.int32();
        long[] hash = {0L};
        r.tags((tag, data) -> {
            if (tag == TAG_METADATA_HASH && data.remaining() == Long.BYTES) {
                hash[0] = data.getLong();
            }
        });
        return new GroupMetadata(epoch, hash[0]);
    }

    static byte[] memberMetadataValue(MemberMetadata m) {
        Writer w = new Writer();
        w.str(m.instanceId());
        w.str(m.rackId());
        w.str(m.clientId());
        w.str(m.clientHost());
        w.uvarint(m.subscribedTopicNames().size() + 1);
        for (String t : m.subscribedTopicNames()) {
            w.str(t);
        }
        w.str(m.subscribedTopicRegex());
        w.int32(m.rebalanceTimeoutMs());
        w.str(m.serverAssignor());
        w.tags(List.of());
        return w.bytes();
    }

    static MemberMetadata decodeMemberMetadata(byte[] value) {
        Reader r = Reader.of(value);
        String instanceId = r.str();
        String rackId = r.str();
        String clientId = r.str();
        String clientHost = r.str();
        int n = r.arrayCount();
        List<String> topics = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
            topics.add(r.str());
        }
        String regex = r.str();
        int rebalanceTimeout = r.int32();
        String assignor = r.str();
        r.tags((tag, data) -> {});
        return new MemberMetadata(
                instanceId,
                rackId,
                clientId == null ? "" : clientId,
                clientHost == null ? "" : clientHost,
                topics,
                regex,
                rebalanceTimeout,
                assignor);
    }

    static byte[] targetMetadataValue(int assignmentEpoch, long timestampMs) {
        Writer w = new Writer();
        w.int32(assignmentEpoch);
        Writer tag = new Writer();
        tag.int64(timestampMs);
        w.tags(List.of(new Writer.Tag(TAG_ASSIGNMENT_TIMESTAMP, tag.bytes())));
        return w.bytes();
    }

    static int decodeTargetMetadata(byte[] value) {
        Reader r = Reader.of(value);
        int epoch = r.int32();
        r.tags((tag, data) -> {});
        return epoch;
    }

    static byte[] targetMemberValue(Map<Uuid, Set<Integer>> partitions) {
        Writer w = new Writer();
        w.partitions(partitions);
        w.tags(List.of());
        return w.bytes();
    }

    static Map<Uuid, Set<Integer>> decodeTargetMember(byte[] value) {
        Reader r = Reader.of(value);
        Map<Uuid, Set<Integer>> out = r.partitions();
        r.tags((tag, data) -> {});
        return out;
    }

    static byte[] currentAssignmentValue(CurrentAssignment a) {
        Writer w = new Writer();
        w.int32(a.memberEpoch());
        w.int32(a.previousMemberEpoch());
        w.int8(a.state().value);
        w.partitions(a.assigned());
        w.partitions(a.pendingRevocation());
        w.tags(List.of());
        return w.bytes();
    }

    static CurrentAssignment decodeCurrentAssignment(byte[] value) {
        Reader r = Reader.of(value);
        int epoch = r.int32();
        int previous = r.int32();
        MemberState state = MemberState.of(r.int8());
        Map<Uuid, Set<Integer>> assigned = r.partitions();
        Map<Uuid, Set<Integer>> pending = r.partitions();
        r.tags((tag, data) -> {});
        return new CurrentAssignment(epoch, previous, state, assigned, pending);
    }

    // ---- primitives

    private static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + b.length + " bytes is too long");
        }
        return b;
    }

    private static void putShortStr(ByteBuffer b, byte[] s) {
        b.putShort((short) s.length).put(s);
    }

    private static String getShortStr(ByteBuffer b) {
        short len = b.getShort();
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("bad key string length " + len);
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** Writes a flexible-version value (version prefix first). Not thread-safe. */
    private static final class Writer {
        record Tag(int tag, byte[] data) {}

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer() {
            out.write(VALUE_VERSION >> 8);
            out.write(VALUE_VERSION);
        }

        /** A nested writer's bytes without its version prefix. */
        byte[] bytes() {
            return out.toByteArray();
        }

        void int8(byte v) {
            out.write(v);
        }

        void int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void uvarint(int v) {
            int value = v;
            while ((value & 0xffffff80) != 0) {
                out.write((value & 0x7f) | 0x80);
                value >>>= 7;
            }
            out.write(value);
        }

        void str(String s) {
            if (s == null) {
                uvarint(0);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            uvarint(b.length + 1);
            out.writeBytes(b);
        }

        void uuid(Uuid id) {
            int64(id.getMostSignificantBits());
            int64(id.getLeastSignificantBits());
        }

        /** In topic-id and partition order, whatever the map's own order: equal state, equal bytes. */
        void partitions(Map<Uuid, Set<Integer>> unordered) {
            Map<Uuid, Set<Integer>> partitions = Assignments.copy(unordered);
            uvarint(partitions.size() + 1);
            for (Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
                uuid(e.getKey());
                uvarint(e.getValue().size() + 1);
                for (int p : e.getValue()) {
                    int32(p);
                }
                tags(List.of());
            }
        }

        void tags(List<Tag> tags) {
            uvarint(tags.size());
            for (Tag t : tags) {
                uvarint(t.tag());
                // Nested writers carry a 2-byte version prefix; the tag's data is what follows it.
                uvarint(t.data().length - 2);
                out.write(t.data(), 2, t.data().length - 2);
            }
        }
    }

    /** Reads a flexible-version value, checking every length against the bytes left. Not thread-safe. */
    private static final class Reader {
        interface TagSink {
            void accept(int tag, ByteBuffer data);
        }

        private final ByteBuffer b;

        private Reader(ByteBuffer b) {
            this.b = b;
        }

        static Reader of(byte[] value) {
            if (value == null || value.length < 2) {
                throw new IllegalArgumentException("truncated consumer group value");
            }
            ByteBuffer b = ByteBuffer.wrap(value);
            short version = b.getShort();
            if (version != VALUE_VERSION) {
                throw new IllegalArgumentException("unknown consumer group value version " + version);
            }
            return new Reader(b);
        }

        byte int8() {
            need(1);
            return b.get();
        }

        int int32() {
            need(Integer.BYTES);
            return b.getInt();
        }

        long int64() {
            need(Long.BYTES);
            return b.getLong();
        }

        int uvarint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                need(1);
                byte x = b.get();
                value |= (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        /** A compact array's count (-1 for null), checked against the bytes left. */
        int arrayCount() {
            int n = uvarint() - 1;
            if (n < -1 || n > b.remaining()) {
                throw new IllegalArgumentException("bad array count " + n + " with " + b.remaining() + " bytes left");
            }
            return n;
        }

        String str() {
            int len = uvarint() - 1;
            if (len == -1) {
                return null;
            }
            if (len < 0 || len > b.remaining()) {
                throw new IllegalArgumentException("bad string length " + len);
            }
            byte[] s = new byte[len];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }

        Uuid uuid() {
            return new Uuid(int64(), int64());
        }

        Map<Uuid, Set<Integer>> partitions() {
            int n = arrayCount();
            Map<Uuid, Set<Integer>> out = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                Uuid id = uuid();
                int m = arrayCount();
                if (m > b.remaining() / Integer.BYTES) {
                    throw new IllegalArgumentException("bad partition count " + m);
                }
                Set<Integer> ps = new TreeSet<>();
                for (int j = 0; j < m; j++) {
                    ps.add(int32());
                }
                tags((tag, data) -> {});
                if (!ps.isEmpty()) {
                    out.merge(id, ps, (a, c) -> {
                        a.addAll(c);
                        return a;
                    });
                }
            }
            return out;
        }

        void tags(TagSink sink) {
            int n = uvarint();
            for (int i = 0; i < n; i++) {
                int tag = uvarint();
                int size = uvarint();
                if (size < 0 || size > b.remaining()) {
                    throw new IllegalArgumentException("bad tagged field size " + size);
                }
                ByteBuffer data = b.slice();
                data.limit(size);
                b.position(b.position() + size);
                sink.accept(tag, data);
            }
        }

        private void need(int n) {
            if (b.remaining() < n) {
                throw new IllegalArgumentException("truncated consumer group value");
            }
        }
    }
}
