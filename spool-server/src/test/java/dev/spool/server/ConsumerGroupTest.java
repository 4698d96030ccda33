package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kafka-clients consumers in classic-protocol groups against a real broker on loopback. */
class ConsumerGroupTest {
    static final String TOPIC = "events";
    static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    final List<GroupMember> members = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(
                dir,
                Map.of(
                        ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "300",
                        ServerConfig.GROUP_MIN_SESSION_TIMEOUT_MS, "500",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "5"));
        broker.createTopic(TOPIC, PARTITIONS);
    }

    @AfterEach
    void stop() throws Exception {
        for (GroupMember m : members) {
            m.close();
        }
        broker.close();
    }

    GroupMember member(String name, String group, Properties extra, List<GroupMember.Received> sink) {
        GroupMember m = new GroupMember(name, broker.bootstrap(), group, TOPIC, extra, sink);
        members.add(m);
        return m;
    }

    void produce(int perPartition, String tag) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < perPartition; i++) {
                for (int part = 0; part < PARTITIONS; part++) {
                    producer.send(new ProducerRecord<>(TOPIC, part, null, tag + "-" + part + "-" + i));
                }
            }
            producer.flush();
        }
    }

    static void assertExactlyOnceInOrder(List<GroupMember.Received> got, int perPartition, String tag) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (GroupMember.Received r : got) {
            if (r.value().startsWith(tag + "-")) {
                assertThat(seen.add(r.value())).as("delivered twice: %s", r).isTrue();
                byPartition
                        .computeIfAbsent(r.partition(), k -> new ArrayList<>())
                        .add(r.value());
            }
        }
        assertThat(seen).hasSize(perPartition * PARTITIONS);
        for (int part = 0; part < PARTITIONS; part++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perPartition; i++) {
                expected.add(tag + "-" + part + "-" + i);
            }
            assertThat(byPartition.get(part)).as("partition %d in order", part).isEqualTo(expected);
        }
    }

    static Properties assignor(String className) {
        Properties p = new Properties();
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, className);
        return p;
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                RangeAssignor.class,
                RoundRobinAssignor.class,
                StickyAssignor.class,
                CooperativeStickyAssignor.class
            })
    void groupOfThreeReceivesEveryRecordOnceInOrder(Class<?> assignor) {
        List<GroupMember.Received> sink = GroupMember.newSink();
        String group = "g-" + assignor.getSimpleName();
        for (int i = 0; i < 3; i++) {
            member("m" + i, group, assignor(assignor.getName()), sink);
        }
        awaitBalanced(3);
        produce(50, "a");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 50 * PARTITIONS);
        assertExactlyOnceInOrder(sink, 50, "a");
        for (GroupMember m : members) {
            assertThat(m.assignment()).hasSize(2);
            assertThat(m.failure()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void addingAndClosingMembersRebalances(Class<?> assignor) {
        List<GroupMember.Received> sink = GroupMember.newSink();
        String group = "grow-" + assignor.getSimpleName();
        member("m0", group, assignor(assignor.getName()), sink);
        member("m1", group, assignor(assignor.getName()), sink);
        awaitBalanced(2);
        produce(20, "a");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 20 * PARTITIONS);

        member("m2", group, assignor(assignor.getName()), sink);
        awaitBalanced(3);
        produce(20, "b");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 40 * PARTITIONS);

        members.get(0).close();
        awaitBalanced(2);
        produce(20, "c");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 60 * PARTITIONS);
        assertExactlyOnceInOrder(sink, 20, "a");
        assertExactlyOnceInOrder(sink, 20, "b");
        assertExactlyOnceInOrder(sink, 20, "c");
        assertThat(sink).hasSize(60 * PARTITIONS);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsEvictedAndItsPartitionsTakenOver() throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        Properties p = assignor(RangeAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "1500");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        for (int i = 0; i < 3; i++) {
            member("m" + i, "evict", p, sink);
        }
        awaitBalanced(3);
        // m0 vanishes without LeaveGroup, as a crashed process would.
        members.get(0).abandon();
        awaitBalanced(2);
        produce(10, "after");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 10 * PARTITIONS);
        assertExactlyOnceInOrder(sink, 10, "after");
        assertThat(sink).allMatch(r -> !r.member().equals("m0"));
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        member("m0", "durable", new Properties(), sink);
        awaitBalanced(1);
        produce(10, "before");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 10 * PARTITIONS);
        members.get(0).close();
        members.clear();

        broker.close();
        broker = EmbeddedSpool.start(
                dir,
                Map.of(
                        ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "300",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "5"));
        produce(10, "after");
        List<GroupMember.Received> resumed = GroupMember.newSink();
        member("m1", "durable", new Properties(), resumed);
        await().atMost(Duration.ofSeconds(60)).until(() -> resumed.size() >= 10 * PARTITIONS);
        // The new member resumes right after the committed offsets: nothing from before the restart.
        assertExactlyOnceInOrder(resumed, 10, "after");
        assertThat(resumed).hasSize(10 * PARTITIONS);
    }

    void awaitBalanced(int expectedMembers) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (GroupMember m : members) {
                assertThat(m.failure()).as("member %s failed", m.name()).isNull();
            }
            List<TopicPartition> all = GroupMember.all(
                    members.stream().filter(m -> m.failure() == null).toList());
            assertThat(all).hasSize(PARTITIONS).doesNotHaveDuplicates();
            long active =
                    members.stream().filter(m -> !m.assignment().isEmpty()).count();
            assertThat(active).isEqualTo(expectedMembers);
        });
    }
}
