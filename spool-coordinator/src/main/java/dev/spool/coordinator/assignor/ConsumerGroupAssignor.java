package dev.spool.coordinator.assignor;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apache.kafka.common.Uuid;

/**
 * A server-side partition assignor of KIP-848 consumer groups ({@code group.consumer.assignors}, chosen
 * by the client's {@code group.remote.assignor}). Implementations are stateless and thread-safe; the
 * same spec always gives the same assignment.
 */
public interface ConsumerGroupAssignor {

    /** One member: its subscribed topics (ids of existing topics) and its current target assignment. */
    record MemberSpec(Set<Uuid> subscribedTopics, Map<Uuid, Set<Integer>> currentTarget) {
        public MemberSpec {
            subscribedTopics = Set.copyOf(subscribedTopics);
            currentTarget = Assignments.copy(currentTarget);
        }
    }

    /** The group: members by id (sorted) and the partition count of every subscribed topic. */
    record GroupSpec(SortedMap<String, MemberSpec> members, SortedMap<Uuid, Integer> partitionsPerTopic) {}

    /** The name clients ask for ({@code uniform}, {@code range}). */
    String name();

    /**
     * The new target assignment: member id → topic id → partitions, with an entry for every member.
     * Each partition of a subscribed topic goes to exactly one member subscribed to its topic.
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(GroupSpec spec);

    /** The assignor named {@code name} ({@code uniform} or {@code range}, or Kafka's class names), or null. */
    static ConsumerGroupAssignor named(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case UniformAssignor.NAME,
                    "org.apache.kafka.coordinator.group.assignor.UniformAssignor" -> new UniformAssignor();
            case RangeAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.RangeAssignor" -> new RangeAssignor();
            default -> null;
        };
    }
}
