package dev.spool.coordinator.assignor;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Helpers for a member's partitions as a map topic id → partition numbers. Every map returned is an
 * unmodifiable sorted copy without empty entries, so equal assignments are {@code equals}. Stateless.
 */
public final class Assignments {
    private Assignments() {}

    /** An unmodifiable sorted copy of {@code a} without empty topics. */
    public static Map<Uuid, Set<Integer>> copy(Map<Uuid, ? extends Set<Integer>> a) {
        TreeMap<Uuid, Set<Integer>> out = new TreeMap<>();
        for (Map.Entry<Uuid, ? extends Set<Integer>> e : a.entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(e.getKey(), Collections.unmodifiableSet(new TreeSet<>(e.getValue())));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The number of partitions in {@code a}. */
    public static int count(Map<Uuid, ? extends Set<Integer>> a) {
        int n = 0;
        for (Set<Integer> ps : a.values()) {
            n += ps.size();
        }
        return n;
    }

    /** True if {@code a} holds partition {@code p} of {@code topic}. */
    public static boolean contains(Map<Uuid, ? extends Set<Integer>> a, Uuid topic, int p) {
        Set<Integer> ps = a.get(topic);
        return ps != null && ps.contains(p);
    }

    /** True if every partition of {@code sub} is in {@code of}. */
    public static boolean isSubset(Map<Uuid, ? extends Set<Integer>> sub, Map<Uuid, ? extends Set<Integer>> of) {
        for (Map.Entry<Uuid, ? extends Set<Integer>> e : sub.entrySet()) {
            Set<Integer> other = of.get(e.getKey());
            if (!e.getValue().isEmpty() && (other == null || !other.containsAll(e.getValue()))) {
                return false;
            }
        }
        return true;
    }
}
