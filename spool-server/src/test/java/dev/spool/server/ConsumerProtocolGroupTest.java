package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kafka-clients consumers with {@code group.protocol=consumer} (KIP-848) against a real broker. */
class ConsumerProtocolGroupTest {
    static final String TOPIC = "events";
    static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    final List<GroupMember> members = new ArrayList<>();

    static Map<String, String> brokerProps() {
        Map<String, String> p = new HashMap<>();
        p.put(ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "5");
        p.put(ServerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, "300");
        p.put(ServerConfig.GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, "100");
        p.put(ServerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS, "3000");
        p.put(ServerConfig.GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS, "1000");
        return p;
    }

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, brokerProps());
        broker.createTopic(TOPIC, PARTITIONS);
    }

    @AfterEach
    void stop() throws Exception {
        for (GroupMember m : members) {
            m.close();
        }
        broker.close();
    }

    static Properties consumerProtocol(String assignor) {
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        if (assignor != null) {
            p.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
        }
        return p;
    }

    GroupMember member(String name, String group, Properties extra, List<GroupMember.Received> sink) {
        GroupMember m = new GroupMember(name, broker.bootstrap(), group, TOPIC, extra, sink);
        members.add(m);
        return m;
    }

    void produce(int perPartition, String tag) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
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

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "range"})
    void groupOfThreeReceivesEveryRecordOnceInOrder(String assignor) throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        String group = "cg-" + assignor;
        for (int i = 0; i < 3; i++) {
            member("m" + i, group, consumerProtocol(assignor), sink);
        }
        awaitBalanced(3);
        produce(50, "a");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 50 * PARTITIONS);
        ConsumerGroupTest.assertExactlyOnceInOrder(sink, 50, "a");
        for (GroupMember m : members) {
            assertThat(m.assignment()).hasSize(2);
        }
        if (assignor.equals("range")) {
            // Range: each member holds a contiguous pair of partitions.
            for (GroupMember m : members) {
                List<Integer> ps = m.assignment().stream()
                        .map(TopicPartition::partition)
                        .sorted()
                        .toList();
                assertThat(ps.get(1) - ps.get(0)).isEqualTo(1);
                assertThat(ps.get(0) % 2).isZero();
            }
        }
        try (Admin admin = broker.admin()) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group);
            assertThat(d.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(d.members()).hasSize(3);
            assertThat(d.partitionAssignor()).isEqualTo(assignor);
            assertThat(d.members().stream()
                            .mapToInt(m -> m.assignment().topicPartitions().size())
                            .sum())
                    .isEqualTo(PARTITIONS);
        }
    }

    @Test
    void addingAndClosingMembersRebalances() {
        List<GroupMember.Received> sink = GroupMember.newSink();
        String group = "grow";
        member("m0", group, consumerProtocol(null), sink);
        member("m1", group, consumerProtocol(null), sink);
        awaitBalanced(2);
        produce(20, "a");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 20 * PARTITIONS);

        member("m2", group, consumerProtocol(null), sink);
        awaitBalanced(3);
        produce(20, "b");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 40 * PARTITIONS);

        members.get(0).close();
        awaitBalanced(2);
        produce(20, "c");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 60 * PARTITIONS);
        ConsumerGroupTest.assertExactlyOnceInOrder(sink, 20, "a");
        ConsumerGroupTest.assertExactlyOnceInOrder(sink, 20, "b");
        ConsumerGroupTest.assertExactlyOnceInOrder(sink, 20, "c");
        assertThat(sink).hasSize(60 * PARTITIONS);
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        member("m0", "durable", consumerProtocol(null), sink);
        awaitBalanced(1);
        produce(10, "before");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 10 * PARTITIONS);
        members.get(0).close();
        members.clear();

        broker.close();
        broker = EmbeddedSpool.start(dir, brokerProps());
        produce(10, "after");
        List<GroupMember.Received> resumed = GroupMember.newSink();
        member("m1", "durable", consumerProtocol(null), resumed);
        await().atMost(Duration.ofSeconds(60)).until(() -> resumed.size() >= 10 * PARTITIONS);
        ConsumerGroupTest.assertExactlyOnceInOrder(resumed, 10, "after");
        assertThat(resumed).hasSize(10 * PARTITIONS);
    }

    @Test
    void newPartitionsOfASubscribedTopicAreAssigned() throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        for (int i = 0; i < 3; i++) {
            member("m" + i, "widen", consumerProtocol(null), sink);
        }
        awaitBalanced(3);
        try (Admin admin = broker.admin()) {
            admin.createPartitions(Map.of(TOPIC, NewPartitions.increaseTo(9)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(GroupMember.all(members)).hasSize(9).doesNotHaveDuplicates();
            for (GroupMember m : members) {
                assertThat(m.assignment()).hasSize(3);
            }
        });
    }

    @Test
    void adminClientListsDescribesAndDeletesBothGroupTypes() throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        GroupMember modern = member("c0", "modern", consumerProtocol(null), sink);
        member("k0", "classic", new Properties(), sink);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (GroupMember m : members) {
                assertThat(m.failure()).isNull();
                assertThat(m.assignment()).hasSize(PARTITIONS);
            }
        });
        produce(5, "x");
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.size() >= 2 * 5 * PARTITIONS);
        try (Admin admin = broker.admin()) {
            Map<String, GroupType> types = new HashMap<>();
            for (GroupListing g : admin.listGroups(ListGroupsOptions.forConsumerGroups())
                    .all()
                    .get(30, TimeUnit.SECONDS)) {
                types.put(g.groupId(), g.type().orElseThrow());
            }
            assertThat(types).isEqualTo(Map.of("modern", GroupType.CONSUMER, "classic", GroupType.CLASSIC));
            assertThat(admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.CONSUMER)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .extracting(GroupListing::groupId)
                    .containsExactly("modern");

            Map<String, ConsumerGroupDescription> d = admin.describeConsumerGroups(List.of("modern", "classic"))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(d.get("modern").type()).isEqualTo(GroupType.CONSUMER);
            assertThat(d.get("modern").groupState()).isEqualTo(GroupState.STABLE);
            assertThat(d.get("modern").members().iterator().next().clientId()).isEqualTo("c0");
            assertThat(d.get("modern").members().iterator().next().assignment().topicPartitions())
                    .hasSize(PARTITIONS);
            assertThat(d.get("classic").type()).isEqualTo(GroupType.CLASSIC);
            assertThat(d.get("classic").members().iterator().next().clientId()).isEqualTo("k0");

            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("modern")
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(committed).hasSize(PARTITIONS);
            assertThat(committed.values()).allMatch(o -> o.offset() == 5);

            assertThatThrownBy(() ->
                            admin.deleteConsumerGroups(List.of("modern")).all().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GroupNotEmptyException.class);
            modern.close();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(admin.describeConsumerGroups(List.of("modern"))
                                    .all()
                                    .get(30, TimeUnit.SECONDS)
                                    .get("modern")
                                    .groupState())
                            .isEqualTo(GroupState.EMPTY));
            // an empty consumer group takes admin offset changes, then goes with its offsets
            admin.alterConsumerGroupOffsets("modern", Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of("modern")).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups())
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .extracting(GroupListing::groupId)
                    .containsExactly("classic");
            assertThat(admin.listConsumerGroupOffsets("modern")
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS))
                    .isEmpty();
        }
    }

    ConsumerGroupDescription describe(String group) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group);
        }
    }

    @Test
    void aStaticMemberThatLeavesTemporarilyGetsItsPartitionsBackWithoutARebalance() throws Exception {
        List<GroupMember.Received> sink = GroupMember.newSink();
        Properties s0 = consumerProtocol(null);
        s0.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "s0");
        Properties s1 = consumerProtocol(null);
        s1.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "s1");
        GroupMember a = member("a", "static", s0, sink);
        GroupMember b = member("b", "static", s1, sink);
        awaitBalanced(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> describe("static").groupState() == GroupState.STABLE);
        Set<TopicPartition> had = a.assignment();
        int epoch = describe("static").groupEpoch().orElseThrow();
        a.abandon(); // a static member closing without leaving for good: member epoch -2, partitions kept
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(describe("static").members())
                        .anyMatch(m -> m.groupInstanceId().equals(java.util.Optional.of("s0"))
                                && m.memberEpoch().equals(java.util.Optional.of(-2))));
        assertThat(b.assignment()).hasSize(3);
        GroupMember back = member("a-again", "static", s0, sink);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(back.assignment()).isEqualTo(had));
        assertThat(b.assignment()).hasSize(3);
        assertThat(describe("static").groupEpoch()).contains(epoch);
    }

    @Test
    void aRegexSubscriptionIsResolvedByTheBrokerAndFollowsNewTopics() throws Exception {
        Properties p = consumerProtocol(null);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "regex");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
                Admin admin = broker.admin()) {
            c.subscribe(new SubscriptionPattern("ev.*|more"));
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                c.poll(Duration.ofMillis(100));
                return c.assignment().size() == PARTITIONS;
            });
            admin.createTopics(List.of(new NewTopic("more", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
                c.poll(Duration.ofMillis(100));
                return c.assignment().size() == PARTITIONS + 2;
            });
            assertThat(describe("regex")
                            .members()
                            .iterator()
                            .next()
                            .assignment()
                            .topicPartitions())
                    .extracting(TopicPartition::topic)
                    .containsOnly(TOPIC, "more");
        }
    }

    @Test
    void theConsumerProtocolIsAdvertisedOnlyWhenEnabled() throws Exception {
        assertThat(advertised(broker.port()))
                .containsEntry(ApiKeys.CONSUMER_GROUP_HEARTBEAT.id, (short) 1)
                .containsEntry(ApiKeys.CONSUMER_GROUP_DESCRIBE.id, (short) 1);
        Map<String, String> props = brokerProps();
        props.put(ServerConfig.GROUP_COORDINATOR_REBALANCE_PROTOCOLS, "classic");
        try (EmbeddedSpool classicOnly = EmbeddedSpool.start(dir.resolve("classic-only"), props)) {
            assertThat(advertised(classicOnly.port()))
                    .doesNotContainKey(ApiKeys.CONSUMER_GROUP_HEARTBEAT.id)
                    .doesNotContainKey(ApiKeys.CONSUMER_GROUP_DESCRIBE.id)
                    .containsKey(ApiKeys.JOIN_GROUP.id);
        }
    }

    /** API key → highest version from a raw ApiVersions v3 exchange. */
    static Map<Short, Short> advertised(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream()
                    .write(ConnectionBehaviourTest.frame(
                            ApiKeys.API_VERSIONS,
                            (short) 3,
                            1,
                            new ApiVersionsRequestData()
                                    .setClientSoftwareName("raw")
                                    .setClientSoftwareVersion("1")));
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            assertThat(size).isBetween(4, 1 << 20);
            byte[] body = new byte[size];
            in.readFully(body);
            ByteBuffer b = ByteBuffer.wrap(body);
            assertThat(b.getInt()).isEqualTo(1);
            ApiVersionsResponseData r = new ApiVersionsResponseData(new ByteBufferAccessor(b), (short) 3);
            Map<Short, Short> out = new HashMap<>();
            r.apiKeys().forEach(k -> out.put(k.apiKey(), k.maxVersion()));
            return out;
        }
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
