package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker limits seen by real consumers: {@code group.max.size}, the session-timeout bounds, and
 * static membership (a restarted static member takes its partitions back without a rebalance).
 */
class ConsumerGroupLimitsTest {
    static final String TOPIC = "limits";

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    final List<GroupMember> members = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(
                dir,
                Map.of(
                        ServerConfig.GROUP_MAX_SIZE, "2",
                        ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "3"));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (GroupMember m : members) {
            m.close();
        }
        broker.close();
    }

    GroupMember member(String name, String group, Properties extra) {
        GroupMember m = new GroupMember(name, broker.bootstrap(), group, TOPIC, extra, GroupMember.newSink());
        members.add(m);
        return m;
    }

    @Test
    void aThirdMemberIsRefusedByGroupMaxSize() {
        GroupMember a = member("a", "small", new Properties());
        GroupMember b = member("b", "small", new Properties());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> a.assignment().size() + b.assignment().size() == 4
                        && !a.assignment().isEmpty()
                        && !b.assignment().isEmpty());
        GroupMember c = member("c", "small", new Properties());
        await().atMost(Duration.ofSeconds(30)).until(() -> c.failure() != null);
        assertThat(c.failure()).isInstanceOf(GroupMaxSizeReachedException.class);
        // The group is untouched.
        assertThat(a.failure()).isNull();
        assertThat(a.assignment().size() + b.assignment().size()).isEqualTo(4);
    }

    @Test
    void aSessionTimeoutOutsideTheBrokersBoundsIsRefused() {
        Properties p = new Properties();
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "1000"); // group.min.session.timeout.ms is 6000
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        GroupMember m = member("short", "bounded", p);
        await().atMost(Duration.ofSeconds(30)).until(() -> m.failure() != null);
        assertThat(m.failure()).isInstanceOf(InvalidSessionTimeoutException.class);
    }

    @Test
    void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        Properties s1 = new Properties();
        s1.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1");
        Properties s2 = new Properties();
        s2.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-2");
        GroupMember first = member("s1", "static", s1);
        GroupMember second = member("s2", "static", s2);
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        first.assignment().size() == 2 && second.assignment().size() == 2);
        List<TopicPartition> before = new ArrayList<>(first.assignment());
        int secondGenerations = second.generationsSeen();

        // A static member stops without LeaveGroup (the default close of a static member) and comes back
        // under the same instance id within its session timeout.
        first.abandon();
        GroupMember again = member("s1-again", "static", s1);
        await().atMost(Duration.ofSeconds(30)).until(() -> again.assignment().size() == 2);
        assertThat(again.assignment()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(second.generationsSeen()).isEqualTo(secondGenerations);
        assertThat(second.assignment()).hasSize(2);
    }
}
