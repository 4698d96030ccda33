package dev.spool.coordinator.assignor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code range} assignor: for each topic, the members subscribed to it in member-id order each
 * get one contiguous range of partitions; with P partitions and N members the first P mod N members
 * get one more than P / N. Members with the same subscriptions therefore get the same partition numbers
 * of co-partitioned topics (the point of range assignment: joins on keys). Not sticky. Stateless.
 */
public final class RangeAssignor implements ConsumerGroupAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(GroupSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
        for (String m : spec.members().keySet()) {
            out.put(m, new TreeMap<>());
        }
        for (Map.Entry<Uuid, Integer> topic : spec.partitionsPerTopic().entrySet()) {
            List<String> subscribers = new ArrayList<>();
            for (Map.Entry<String, MemberSpec> m : spec.members().entrySet()) {
                if (m.getValue().subscribedTopics().contains(topic.getKey())) {
                    subscribers.add(m.getKey());
                }
            }
            if (subscribers.isEmpty()) {
                continue;
            }
            int partitions = topic.getValue();
            int base = partitions / subscribers.size();
            int extra = partitions % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int n = base + (i < extra ? 1 : 0);
                if (n == 0) {
                    continue;
                }
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + n; p++) {
                    range.add(p);
                }
                next += n;
                out.get(subscribers.get(i)).put(topic.getKey(), range);
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        out.forEach((m, a) -> result.put(m, Assignments.copy(a)));
        return result;
    }
}
