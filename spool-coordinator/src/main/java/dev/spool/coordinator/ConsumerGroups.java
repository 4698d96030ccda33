package dev.spool.coordinator;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.Key;
import dev.spool.coordinator.ConsumerGroupRecords.MemberMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;

/**
 * The KIP-848 consumer groups of one {@code __consumer_offsets} partition and their replay: a group
 * appears with its first record and is removed by the tombstone of its metadata record (type 3). The
 * record builders here are the only producers of consumer-group records. Owned by the shard's thread;
 * not thread-safe.
 */
final class ConsumerGroups {
    private final Map<String, ConsumerGroup> groups = new HashMap<>();
    /** Resolves a group's subscriptions (names and regexes) to topic names; set by the heartbeat logic. */
    private Function<ConsumerGroup, Set<String>> topicResolver = g -> Set.of();

    void topicResolver(Function<ConsumerGroup, Set<String>> resolver) {
        this.topicResolver = resolver;
    }

    /** The names of the existing topics {@code g}'s members subscribe to (OffsetDelete refuses those). */
    Set<String> subscribedTopics(ConsumerGroup g) {
        return topicResolver.apply(g);
    }

    ConsumerGroup get(String groupId) {
        return groupId == null ? null : groups.get(groupId);
    }

    boolean contains(String groupId) {
        return groupId != null && groups.containsKey(groupId);
    }

    Collection<ConsumerGroup> all() {
        return groups.values();
    }

    /** Applies one consumer-group record (the key is one of {@link ConsumerGroupRecords}' types). */
    void replay(CoordinatorRecord record) {
        Key key = ConsumerGroupRecords.decodeKey(record.key());
        byte[] value = record.value();
        switch (key.type()) {
            case ConsumerGroupRecords.GROUP_METADATA -> {
                if (value == null) {
                    ConsumerGroup g = groups.remove(key.group());
                    if (g != null) {
                        g.markDead();
                    }
                } else {
                    ConsumerGroupRecords.GroupMetadata m = ConsumerGroupRecords.decodeGroupMetadata(value);
                    group(key.group()).applyGroupMetadata(m.epoch(), m.metadataHash());
                }
            }
            case ConsumerGroupRecords.TARGET_METADATA -> {
                if (value != null) {
                    group(key.group()).applyTargetEpoch(ConsumerGroupRecords.decodeTargetMetadata(value));
                }
            }
            case ConsumerGroupRecords.TARGET_MEMBER -> {
                ConsumerGroup g = value == null ? groups.get(key.group()) : group(key.group());
                if (g != null) {
                    g.applyTarget(key.member(), value == null ? null : ConsumerGroupRecords.decodeTargetMember(value));
                }
            }
            case ConsumerGroupRecords.MEMBER_METADATA -> {
                ConsumerGroup g = value == null ? groups.get(key.group()) : group(key.group());
                if (g != null) {
                    g.applyMemberMetadata(
                            key.member(), value == null ? null : ConsumerGroupRecords.decodeMemberMetadata(value));
                }
            }
            case ConsumerGroupRecords.CURRENT_ASSIGNMENT -> {
                ConsumerGroup g = value == null ? groups.get(key.group()) : group(key.group());
                if (g != null) {
                    g.applyCurrentAssignment(
                            key.member(), value == null ? null : ConsumerGroupRecords.decodeCurrentAssignment(value));
                }
            }
            default -> {
                // Partition metadata (deprecated) and resolved regexes: not used, derived on demand.
            }
        }
    }

    private ConsumerGroup group(String groupId) {
        return groups.computeIfAbsent(groupId, ConsumerGroup::new);
    }

    // ---- records

    static CoordinatorRecord groupMetadata(String group, int epoch, long hash) {
        return new CoordinatorRecord(
                ConsumerGroupRecords.key(ConsumerGroupRecords.GROUP_METADATA, group),
                ConsumerGroupRecords.groupMetadataValue(epoch, hash));
    }

    static CoordinatorRecord targetEpoch(String group, int epoch, long nowMs) {
        return new CoordinatorRecord(
                ConsumerGroupRecords.key(ConsumerGroupRecords.TARGET_METADATA, group),
                ConsumerGroupRecords.targetMetadataValue(epoch, nowMs));
    }

    static CoordinatorRecord target(String group, String member, Map<Uuid, Set<Integer>> partitions) {
        return new CoordinatorRecord(
                ConsumerGroupRecords.key(ConsumerGroupRecords.TARGET_MEMBER, group, member),
                ConsumerGroupRecords.targetMemberValue(partitions));
    }

    static CoordinatorRecord memberMetadata(String group, String member, MemberMetadata m) {
        return new CoordinatorRecord(
                ConsumerGroupRecords.key(ConsumerGroupRecords.MEMBER_METADATA, group, member),
                ConsumerGroupRecords.memberMetadataValue(m));
    }

    static CoordinatorRecord currentAssignment(String group, String member, CurrentAssignment a) {
        return new CoordinatorRecord(
                ConsumerGroupRecords.key(ConsumerGroupRecords.CURRENT_ASSIGNMENT, group, member),
                ConsumerGroupRecords.currentAssignmentValue(a));
    }

    /** Kafka's order for removing a member: current assignment, target, then metadata tombstones. */
    static List<CoordinatorRecord> memberTombstones(String group, String member) {
        return List.of(
                new CoordinatorRecord(
                        ConsumerGroupRecords.key(ConsumerGroupRecords.CURRENT_ASSIGNMENT, group, member), null),
                new CoordinatorRecord(
                        ConsumerGroupRecords.key(ConsumerGroupRecords.TARGET_MEMBER, group, member), null),
                new CoordinatorRecord(
                        ConsumerGroupRecords.key(ConsumerGroupRecords.MEMBER_METADATA, group, member), null));
    }

    /** Tombstones for an empty group's own records (target epoch, then group metadata last). */
    static List<CoordinatorRecord> groupTombstones(ConsumerGroup g) {
        List<CoordinatorRecord> out = new ArrayList<>();
        for (String member : g.members.keySet()) {
            out.addAll(memberTombstones(g.groupId, member));
        }
        for (String member : g.target.keySet()) {
            if (!g.members.containsKey(member)) {
                out.add(new CoordinatorRecord(
                        ConsumerGroupRecords.key(ConsumerGroupRecords.TARGET_MEMBER, g.groupId, member), null));
            }
        }
        out.add(new CoordinatorRecord(ConsumerGroupRecords.key(ConsumerGroupRecords.TARGET_METADATA, g.groupId), null));
        out.add(new CoordinatorRecord(ConsumerGroupRecords.key(ConsumerGroupRecords.GROUP_METADATA, g.groupId), null));
        return out;
    }
}
