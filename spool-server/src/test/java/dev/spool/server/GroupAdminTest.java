package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdminClient's consumer-group operations against a real broker, with a live group and a simple one.
 * {@code listConsumerGroups} is deprecated for removal in kafka-clients 4.x but still what tools call.
 */
@SuppressWarnings({"deprecation", "removal"})
class GroupAdminTest {
    static final String TOPIC = "orders";

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;
    GroupMember live;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(
                dir,
                Map.of(
                        ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "3"));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
        get(admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all());
    }

    @AfterEach
    void stop() throws Exception {
        if (live != null) {
            live.close();
        }
        admin.close();
        broker.close();
    }

    static <T> T get(KafkaFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void consumerGroupOperations() throws Exception {
        Properties extra = new Properties();
        extra.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        live = new GroupMember("c1", broker.bootstrap(), "live", TOPIC, extra, GroupMember.newSink());
        await().atMost(Duration.ofSeconds(30)).until(() -> live.assignment().size() == 2);

        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        // A simple group: offsets altered through the admin client, no members.
        get(admin.alterConsumerGroupOffsets(
                        "simple", Map.of(p0, new OffsetAndMetadata(5, "five"), p1, new OffsetAndMetadata(7)))
                .all());
        Map<TopicPartition, OffsetAndMetadata> offsets =
                get(admin.listConsumerGroupOffsets("simple").partitionsToOffsetAndMetadata());
        assertThat(offsets.get(p0).offset()).isEqualTo(5);
        assertThat(offsets.get(p0).metadata()).isEqualTo("five");
        assertThat(offsets.get(p1).offset()).isEqualTo(7);

        Collection<ConsumerGroupListing> listed = get(admin.listConsumerGroups().all());
        Map<String, ConsumerGroupListing> byId =
                listed.stream().collect(Collectors.toMap(ConsumerGroupListing::groupId, l -> l));
        assertThat(byId).containsKeys("live", "simple");
        assertThat(byId.get("live").groupState()).contains(GroupState.STABLE);
        assertThat(byId.get("simple").groupState()).contains(GroupState.EMPTY);
        assertThat(byId.get("simple").isSimpleConsumerGroup()).isTrue();
        assertThat(byId.get("live").isSimpleConsumerGroup()).isFalse();

        Map<String, ConsumerGroupDescription> described =
                get(admin.describeConsumerGroups(List.of("live", "simple")).all());
        ConsumerGroupDescription d = described.get("live");
        assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(d.partitionAssignor()).isEqualTo("range");
        assertThat(d.members()).hasSize(1);
        assertThat(d.members().iterator().next().clientId()).isEqualTo("c1");
        assertThat(d.members().iterator().next().assignment().topicPartitions()).containsExactlyInAnyOrder(p0, p1);
        assertThat(d.coordinator().id()).isEqualTo(1);
        assertThat(described.get("simple").groupState()).isEqualTo(GroupState.EMPTY);
        assertThat(described.get("simple").members()).isEmpty();

        // A live group's subscribed topic keeps its offsets; a non-empty group is not deleted.
        assertThatThrownBy(() ->
                        get(admin.deleteConsumerGroupOffsets("live", Set.of(p0)).all()))
                .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
        assertThatThrownBy(() -> get(admin.deleteConsumerGroups(List.of("live")).all()))
                .hasCauseInstanceOf(GroupNotEmptyException.class);

        get(admin.deleteConsumerGroupOffsets("simple", Set.of(p0)).all());
        offsets = get(admin.listConsumerGroupOffsets("simple").partitionsToOffsetAndMetadata());
        assertThat(offsets).doesNotContainKey(p0).containsKey(p1);

        get(admin.deleteConsumerGroups(List.of("simple")).all());
        assertThatThrownBy(
                        () -> get(admin.deleteConsumerGroups(List.of("simple")).all()))
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
        assertThat(get(admin.listConsumerGroups().all()))
                .extracting(ConsumerGroupListing::groupId)
                .containsExactly("live");

        // The live group, once its member left, can be deleted too.
        live.close();
        live = null;
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(admin.describeConsumerGroups(List.of("live")).all())
                                .get("live")
                                .groupState()
                        == GroupState.EMPTY);
        get(admin.deleteConsumerGroups(List.of("live")).all());
        assertThat(get(admin.listConsumerGroups().all())).isEmpty();
    }

    @Test
    void internalTopicIsCompactedAndMarkedInternal() throws Exception {
        get(admin.alterConsumerGroupOffsets("g", Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(1)))
                .all());
        TopicDescription d = get(admin.describeTopics(List.of("__consumer_offsets"))
                        .allTopicNames())
                .get("__consumer_offsets");
        assertThat(d.isInternal()).isTrue();
        assertThat(d.partitions()).hasSize(3);
        assertThat(get(admin.listTopics().names())).doesNotContain("__consumer_offsets");
        var config = get(admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "__consumer_offsets")))
                        .all())
                .values()
                .iterator()
                .next();
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void badGroupIds() throws Exception {
        assertThatThrownBy(() -> get(admin.deleteConsumerGroups(List.of("nope")).all()))
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
        // As Kafka 4.4 answers: an empty group id is a group without offsets.
        assertThat(get(admin.listConsumerGroupOffsets("").partitionsToOffsetAndMetadata()))
                .isEmpty();
        // Offsets for a topic that does not exist are refused.
        assertThatThrownBy(() -> get(admin.alterConsumerGroupOffsets(
                                "g", Map.of(new TopicPartition("no-such-topic", 0), new OffsetAndMetadata(1)))
                        .all()))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(
                        () -> get(admin.describeConsumerGroups(List.of("nope")).all()))
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
    }
}
