package dev.spool.coordinator.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.Uuid;

/** The server-side assignors as properties over random groups. */
class AssignorPropertiesTest {

    /** A random group: topics with partition counts, members with subscriptions and current targets. */
    record Case(SortedMap<Uuid, Integer> topics, SortedMap<String, ConsumerGroupAssignor.MemberSpec> members) {
        ConsumerGroupAssignor.GroupSpec spec() {
            return new ConsumerGroupAssignor.GroupSpec(members, topics);
        }
    }

    @Provide
    Arbitrary<Case> homogeneous() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(1, 9),
                        Arbitraries.longs())
                .as((topicCount, partitions, memberCount, seed) -> {
                    java.util.Random r = new java.util.Random(seed);
                    SortedMap<Uuid, Integer> topics = new TreeMap<>();
                    for (int i = 0; i < topicCount; i++) {
                        topics.put(new Uuid(r.nextLong(), r.nextLong()), 1 + r.nextInt(partitions));
                    }
                    SortedMap<String, ConsumerGroupAssignor.MemberSpec> members = new TreeMap<>();
                    for (int i = 0; i < memberCount; i++) {
                        members.put(
                                "m" + i,
                                new ConsumerGroupAssignor.MemberSpec(topics.keySet(), randomTarget(r, topics)));
                    }
                    return new Case(topics, members);
                });
    }

    @Provide
    Arbitrary<Case> heterogeneous() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(1, 8),
                        Arbitraries.integers().between(1, 7),
                        Arbitraries.longs())
                .as((topicCount, partitions, memberCount, seed) -> {
                    java.util.Random r = new java.util.Random(seed);
                    SortedMap<Uuid, Integer> topics = new TreeMap<>();
                    for (int i = 0; i < topicCount; i++) {
                        topics.put(new Uuid(r.nextLong(), r.nextLong()), 1 + r.nextInt(partitions));
                    }
                    List<Uuid> ids = new ArrayList<>(topics.keySet());
                    SortedMap<String, ConsumerGroupAssignor.MemberSpec> members = new TreeMap<>();
                    for (int i = 0; i < memberCount; i++) {
                        Set<Uuid> sub = new HashSet<>();
                        for (Uuid id : ids) {
                            if (r.nextBoolean()) {
                                sub.add(id);
                            }
                        }
                        // sometimes a topic that does not exist (deleted) is subscribed
                        if (r.nextInt(4) == 0) {
                            sub.add(new Uuid(r.nextLong(), r.nextLong()));
                        }
                        members.put("m" + i, new ConsumerGroupAssignor.MemberSpec(sub, randomTarget(r, topics)));
                    }
                    return new Case(topics, members);
                });
    }

    /** Any current target, also invalid ones (out-of-range partitions, duplicates across members). */
    static Map<Uuid, Set<Integer>> randomTarget(java.util.Random r, SortedMap<Uuid, Integer> topics) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (Map.Entry<Uuid, Integer> t : topics.entrySet()) {
            Set<Integer> ps = new HashSet<>();
            for (int i = 0; i < r.nextInt(4); i++) {
                ps.add(r.nextInt(t.getValue() + 2));
            }
            out.put(t.getKey(), ps);
        }
        return out;
    }

    /** Each partition of a subscribed topic exactly once, only to a member subscribed to its topic. */
    static void assertEachPartitionOnceToASubscriber(Case c, Map<String, Map<Uuid, Set<Integer>>> result) {
        assertThat(result.keySet()).isEqualTo(c.members().keySet());
        Map<Uuid, Map<Integer, String>> owner = new HashMap<>();
        for (Map.Entry<String, Map<Uuid, Set<Integer>>> m : result.entrySet()) {
            for (Map.Entry<Uuid, Set<Integer>> t : m.getValue().entrySet()) {
                assertThat(c.members().get(m.getKey()).subscribedTopics()).contains(t.getKey());
                for (int p : t.getValue()) {
                    assertThat(p).isBetween(0, c.topics().get(t.getKey()) - 1);
                    String prev = owner.computeIfAbsent(t.getKey(), x -> new HashMap<>())
                            .put(p, m.getKey());
                    assertThat(prev)
                            .as("partition %s-%d assigned twice", t.getKey(), p)
                            .isNull();
                }
            }
        }
        for (Map.Entry<Uuid, Integer> t : c.topics().entrySet()) {
            boolean subscribed = c.members().values().stream()
                    .anyMatch(m -> m.subscribedTopics().contains(t.getKey()));
            int assigned = owner.getOrDefault(t.getKey(), Map.of()).size();
            assertThat(assigned).isEqualTo(subscribed ? t.getValue() : 0);
        }
    }

    static int spread(Map<String, Map<Uuid, Set<Integer>>> result) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Map<Uuid, Set<Integer>> a : result.values()) {
            min = Math.min(min, Assignments.count(a));
            max = Math.max(max, Assignments.count(a));
        }
        return max - min;
    }

    @Property(tries = 300)
    void uniformIsCompleteAndBalancedForIdenticalSubscriptions(@ForAll("homogeneous") Case c) {
        Map<String, Map<Uuid, Set<Integer>>> result = new UniformAssignor().assign(c.spec());
        assertEachPartitionOnceToASubscriber(c, result);
        assertThat(spread(result)).isLessThanOrEqualTo(1);
    }

    @Property(tries = 300)
    void uniformIsCompleteForAnySubscriptionsAndNoPartitionCouldMoveToEvenIt(@ForAll("heterogeneous") Case c) {
        Map<String, Map<Uuid, Set<Integer>>> result = new UniformAssignor().assign(c.spec());
        assertEachPartitionOnceToASubscriber(c, result);
        for (Map.Entry<String, Map<Uuid, Set<Integer>>> m : result.entrySet()) {
            int load = Assignments.count(m.getValue());
            for (Uuid t : m.getValue().keySet()) {
                for (Map.Entry<String, ConsumerGroupAssignor.MemberSpec> other :
                        c.members().entrySet()) {
                    if (other.getValue().subscribedTopics().contains(t)) {
                        assertThat(Assignments.count(result.get(other.getKey())))
                                .isGreaterThanOrEqualTo(load - 1);
                    }
                }
            }
        }
    }

    @Property(tries = 200)
    void uniformIsStickyAValidBalancedTargetStaysAsItIs(@ForAll("heterogeneous") Case c) {
        Map<String, Map<Uuid, Set<Integer>>> first = new UniformAssignor().assign(c.spec());
        SortedMap<String, ConsumerGroupAssignor.MemberSpec> again = new TreeMap<>();
        c.members()
                .forEach((id, m) ->
                        again.put(id, new ConsumerGroupAssignor.MemberSpec(m.subscribedTopics(), first.get(id))));
        Map<String, Map<Uuid, Set<Integer>>> second =
                new UniformAssignor().assign(new ConsumerGroupAssignor.GroupSpec(again, c.topics()));
        assertThat(second).isEqualTo(first);
    }

    @Property(tries = 200)
    void uniformMovesFewPartitionsWhenAMemberJoins(@ForAll("homogeneous") Case c) {
        Map<String, Map<Uuid, Set<Integer>>> before = new UniformAssignor().assign(c.spec());
        SortedMap<String, ConsumerGroupAssignor.MemberSpec> grown = new TreeMap<>();
        c.members()
                .forEach((id, m) ->
                        grown.put(id, new ConsumerGroupAssignor.MemberSpec(m.subscribedTopics(), before.get(id))));
        grown.put("new", new ConsumerGroupAssignor.MemberSpec(c.topics().keySet(), Map.of()));
        Map<String, Map<Uuid, Set<Integer>>> after =
                new UniformAssignor().assign(new ConsumerGroupAssignor.GroupSpec(grown, c.topics()));
        int total = c.topics().values().stream().mapToInt(Integer::intValue).sum();
        // only the newcomer's share moves: every old member keeps all but what it gives away
        int moved = 0;
        for (String id : c.members().keySet()) {
            int kept = 0;
            for (Map.Entry<Uuid, Set<Integer>> t : before.get(id).entrySet()) {
                for (int p : t.getValue()) {
                    if (Assignments.contains(after.get(id), t.getKey(), p)) {
                        kept++;
                    }
                }
            }
            moved += Assignments.count(before.get(id)) - kept;
        }
        assertThat(moved).isEqualTo(Assignments.count(after.get("new")));
        assertThat(Assignments.count(after.get("new"))).isLessThanOrEqualTo(total / grown.size() + 1);
    }

    @Property(tries = 300)
    void rangeGivesContiguousRangesInMemberOrder(@ForAll("heterogeneous") Case c) {
        Map<String, Map<Uuid, Set<Integer>>> result = new RangeAssignor().assign(c.spec());
        assertEachPartitionOnceToASubscriber(c, result);
        for (Map.Entry<Uuid, Integer> t : c.topics().entrySet()) {
            List<String> subscribers = c.members().entrySet().stream()
                    .filter(m -> m.getValue().subscribedTopics().contains(t.getKey()))
                    .map(Map.Entry::getKey)
                    .toList();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                Set<Integer> got = result.get(subscribers.get(i)).getOrDefault(t.getKey(), Set.of());
                int expected = t.getValue() / subscribers.size() + (i < t.getValue() % subscribers.size() ? 1 : 0);
                assertThat(got).hasSize(expected);
                for (int p = next; p < next + expected; p++) {
                    assertThat(got).contains(p);
                }
                next += expected;
            }
        }
    }

    @Property(tries = 100)
    void rangeCoPartitionsTopicsWithTheSameCount(@ForAll("homogeneous") Case c) {
        Map<String, Map<Uuid, Set<Integer>>> result = new RangeAssignor().assign(c.spec());
        for (Map<Uuid, Set<Integer>> a : result.values()) {
            Map<Integer, Set<Set<Integer>>> byCount = new HashMap<>();
            for (Map.Entry<Uuid, Integer> t : c.topics().entrySet()) {
                byCount.computeIfAbsent(t.getValue(), x -> new HashSet<>()).add(a.getOrDefault(t.getKey(), Set.of()));
            }
            byCount.values().forEach(s -> assertThat(s).hasSize(1));
        }
    }
}
