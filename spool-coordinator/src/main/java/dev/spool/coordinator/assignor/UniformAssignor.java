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
 * The {@code uniform} assignor (the default): spreads all partitions of the subscribed topics as evenly
 * as the subscriptions allow while moving as few as possible. Steps: (1) each member keeps the partitions
 * of its current target that are still valid (topic subscribed and existing, partition in range, not
 * kept by an earlier member); (2) every other partition goes to the subscribed member holding the
 * fewest; (3) while some partition's owner holds at least two more than another member subscribed to
 * that topic, the partition moves to the member holding the fewest. With identical subscriptions the
 * members' counts then differ by at most one. Stateless.
 */
public final class UniformAssignor implements ConsumerGroupAssignor {
    public static final String NAME = "uniform";

    /** A partition of a topic. */
    private record Tp(Uuid topic, int partition) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(GroupSpec spec) {
        Map<String, Set<Tp>> owned = new TreeMap<>();
        Map<Uuid, List<String>> subscribers = new TreeMap<>();
        for (Map.Entry<String, MemberSpec> m : spec.members().entrySet()) {
            owned.put(m.getKey(), new TreeSet<>(UniformAssignor::compare));
            for (Uuid t : m.getValue().subscribedTopics()) {
                if (spec.partitionsPerTopic().containsKey(t)) {
                    subscribers.computeIfAbsent(t, x -> new ArrayList<>()).add(m.getKey());
                }
            }
        }
        // (1) stickiness
        Set<Tp> taken = new TreeSet<>(UniformAssignor::compare);
        for (Map.Entry<String, MemberSpec> m : spec.members().entrySet()) {
            for (Map.Entry<Uuid, Set<Integer>> t : m.getValue().currentTarget().entrySet()) {
                Integer count = spec.partitionsPerTopic().get(t.getKey());
                if (count == null || !m.getValue().subscribedTopics().contains(t.getKey())) {
                    continue;
                }
                for (int p : t.getValue()) {
                    Tp tp = new Tp(t.getKey(), p);
                    if (p >= 0 && p < count && taken.add(tp)) {
                        owned.get(m.getKey()).add(tp);
                    }
                }
            }
        }
        // (2) the rest to the least loaded subscriber
        for (Map.Entry<Uuid, List<String>> t : subscribers.entrySet()) {
            int count = spec.partitionsPerTopic().get(t.getKey());
            for (int p = 0; p < count; p++) {
                Tp tp = new Tp(t.getKey(), p);
                if (!taken.contains(tp)) {
                    owned.get(leastLoaded(t.getValue(), owned)).add(tp);
                    taken.add(tp);
                }
            }
        }
        // (3) balance: every move lowers the sum of squared counts, so this ends
        boolean moved = true;
        while (moved) {
            moved = false;
            List<String> byLoad = new ArrayList<>(owned.keySet());
            byLoad.sort((a, b) -> owned.get(b).size() - owned.get(a).size());
            outer:
            for (String from : byLoad) {
                int load = owned.get(from).size();
                for (Tp tp : owned.get(from)) {
                    String to = leastLoaded(subscribers.get(tp.topic()), owned);
                    if (owned.get(to).size() < load - 1) {
                        owned.get(from).remove(tp);
                        owned.get(to).add(tp);
                        moved = true;
                        break outer;
                    }
                }
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
        for (Map.Entry<String, Set<Tp>> m : owned.entrySet()) {
            Map<Uuid, Set<Integer>> a = new TreeMap<>();
            for (Tp tp : m.getValue()) {
                a.computeIfAbsent(tp.topic(), x -> new TreeSet<>()).add(tp.partition());
            }
            out.put(m.getKey(), Assignments.copy(a));
        }
        return out;
    }

    private static String leastLoaded(List<String> candidates, Map<String, Set<Tp>> owned) {
        String best = null;
        for (String c : candidates) {
            if (best == null || owned.get(c).size() < owned.get(best).size()) {
                best = c;
            }
        }
        return best;
    }

    private static int compare(Tp a, Tp b) {
        int c = a.topic().compareTo(b.topic());
        return c != 0 ? c : Integer.compare(a.partition(), b.partition());
    }
}
