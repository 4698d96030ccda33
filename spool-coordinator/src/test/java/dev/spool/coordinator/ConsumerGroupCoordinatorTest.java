package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** KIP-848 consumer groups on the coordinator with mock time, an in-memory log and a map of topics. */
class ConsumerGroupCoordinatorTest {
    static final int SESSION_MS = 10_000;
    static final int HEARTBEAT_MS = 1_000;
    static final int REBALANCE_MS = 30_000;
    static final int MAX_SIZE = 4;
    static final short V1 = 1;

    final Map<String, TopicCatalog.TopicInfo> topics = new LinkedHashMap<>();
    final TopicCatalog catalog = new TopicCatalog() {
        @Override
        public Collection<TopicInfo> topics() {
            return new ArrayList<>(topics.values());
        }
    };
    MockClock clock;
    InMemoryCoordinatorLog log;
    GroupCoordinator coordinator;
    Uuid foo;

    @BeforeEach
    void setUp() {
        clock = new MockClock();
        log = new InMemoryCoordinatorLog();
        foo = addTopic("foo", 6);
        coordinator = newCoordinator();
    }

    Uuid addTopic(String name, int partitions) {
        TopicCatalog.TopicInfo old = topics.get(name);
        Uuid id = old == null ? Uuid.randomUuid() : old.id();
        topics.put(name, new TopicCatalog.TopicInfo(id, name, partitions));
        return id;
    }

    GroupCoordinator newCoordinator() {
        GroupCoordinatorConfig config = new GroupCoordinatorConfig(4, 1_000, 60_000, 0, 10, 60_000, 600_000, 4096, 1);
        ConsumerGroupConfig consumer =
                new ConsumerGroupConfig(SESSION_MS, HEARTBEAT_MS, MAX_SIZE, List.of("uniform", "range"), true);
        GroupCoordinator c = GroupCoordinator.create(config, consumer, log, catalog, clock, p -> clock);
        c.startup();
        c.ensureActive();
        return c;
    }

    static ConsumerGroupHeartbeatRequestData join(String group, String member, String... topicNames) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(REBALANCE_MS)
                .setSubscribedTopicNames(List.of(topicNames))
                .setTopicPartitions(List.of());
    }

    static ConsumerGroupHeartbeatRequestData beat(String group, String member, int epoch) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setMemberEpoch(epoch);
    }

    ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData req) {
        return send(req, V1);
    }

    ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData req, short version) {
        return coordinator
                .consumerGroupHeartbeat(new GroupCoordinator.Caller("client", "/127.0.0.1", version), req)
                .join();
    }

    static Map<Uuid, Set<Integer>> partitions(ConsumerGroupHeartbeatResponseData r) {
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        for (ConsumerGroupHeartbeatResponseData.TopicPartitions tp :
                r.assignment().topicPartitions()) {
            out.put(tp.topicId(), new TreeSet<>(tp.partitions()));
        }
        return out;
    }

    static List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned(Map<Uuid, Set<Integer>> a) {
        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> out = new ArrayList<>();
        a.forEach((t, ps) -> out.add(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                .setTopicId(t)
                .setPartitions(new ArrayList<>(ps))));
        return out;
    }

    ConsumerGroupDescribeResponseData.DescribedGroup describe(String group) {
        return coordinator.consumerGroupDescribe(group).join();
    }

    @Test
    void firstMemberGetsEveryPartitionAtEpochOne() {
        ConsumerGroupHeartbeatResponseData r = send(join("g", "m1", "foo"));
        assertThat(r.errorCode()).isZero();
        assertThat(r.memberId()).isEqualTo("m1");
        assertThat(r.memberEpoch()).isEqualTo(1);
        assertThat(r.heartbeatIntervalMs()).isEqualTo(HEARTBEAT_MS);
        assertThat(partitions(r)).isEqualTo(Map.of(foo, Set.of(0, 1, 2, 3, 4, 5)));
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe("g");
        assertThat(d.groupState()).isEqualTo("Stable");
        assertThat(d.groupEpoch()).isEqualTo(1);
        assertThat(d.assignmentEpoch()).isEqualTo(1);
        assertThat(d.assignorName()).isEqualTo("uniform");
        assertThat(d.members().get(0).assignment().topicPartitions().get(0).topicName())
                .isEqualTo("foo");
        // v0 members may let the coordinator choose the member id
        ConsumerGroupHeartbeatResponseData v0 = send(join("g0", "", "foo"), (short) 0);
        assertThat(v0.errorCode()).isZero();
        assertThat(v0.memberId()).isNotEmpty();
    }

    @Test
    void aPartitionMovesOnlyAfterItsOwnerRevokedIt() {
        ConsumerGroupHeartbeatResponseData a = send(join("g", "a", "foo"));
        Map<Uuid, Set<Integer>> aOwns = partitions(a);
        // b joins: epoch 2; a's half is still owned by a, so b gets nothing yet (unreleased)
        ConsumerGroupHeartbeatResponseData b = send(join("g", "b", "foo"));
        assertThat(b.memberEpoch()).isEqualTo(2);
        assertThat(partitions(b)).isEmpty();
        assertThat(describe("g").groupState()).isEqualTo("Reconciling");
        // a heartbeats: asked to revoke three partitions, keeps its epoch until it has
        ConsumerGroupHeartbeatResponseData a2 = send(beat("g", "a", 1).setTopicPartitions(owned(aOwns)));
        assertThat(a2.memberEpoch()).isEqualTo(1);
        Map<Uuid, Set<Integer>> aKeeps = partitions(a2);
        assertThat(aKeeps.get(foo)).hasSize(3);
        // b still gets nothing while a has not confirmed the revocation
        assertThat(send(beat("g", "b", 2)).assignment()).isNull();
        assertThat(send(beat("g", "a", 1).setTopicPartitions(owned(aOwns))).memberEpoch())
                .isEqualTo(1);
        // a confirms: moves to epoch 2; then b gets the released partitions
        ConsumerGroupHeartbeatResponseData a3 = send(beat("g", "a", 1).setTopicPartitions(owned(aKeeps)));
        assertThat(a3.memberEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData b2 = send(beat("g", "b", 2).setTopicPartitions(List.of()));
        Set<Integer> bGets = partitions(b2).get(foo);
        assertThat(bGets).hasSize(3).doesNotContainAnyElementsOf(aKeeps.get(foo));
        send(beat("g", "b", 2).setTopicPartitions(owned(partitions(b2))));
        assertThat(describe("g").groupState()).isEqualTo("Stable");
    }

    @Test
    void fencingAndUnknownMembers() {
        send(join("g", "a", "foo"));
        send(join("g", "b", "foo"));
        // a newer epoch than known: fenced
        assertThat(send(beat("g", "a", 5)).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        // an older epoch that is not the previous one with a subset of the partitions: fenced
        ConsumerGroupHeartbeatResponseData b = send(beat("g", "b", 2));
        assertThat(send(beat("g", "b", 1)).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(b.errorCode()).isZero();
        assertThat(send(beat("g", "nobody", 1)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(send(beat("nogroup", "a", 1)).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(send(beat("g", "nobody", -1)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void previousEpochIsAcceptedWhenTheAnswerWasLost() {
        ConsumerGroupHeartbeatResponseData a = send(join("g", "a", "foo"));
        Map<Uuid, Set<Integer>> all = partitions(a);
        send(join("g", "b", "foo"));
        ConsumerGroupHeartbeatResponseData revoke = send(beat("g", "a", 1).setTopicPartitions(owned(all)));
        ConsumerGroupHeartbeatResponseData moved =
                send(beat("g", "a", 1).setTopicPartitions(owned(partitions(revoke))));
        assertThat(moved.memberEpoch()).isEqualTo(2);
        // the answer with epoch 2 was lost: a retries with epoch 1 and a subset of its partitions
        ConsumerGroupHeartbeatResponseData retry =
                send(beat("g", "a", 1).setTopicPartitions(owned(partitions(revoke))));
        assertThat(retry.errorCode()).isZero();
        assertThat(retry.memberEpoch()).isEqualTo(2);
    }

    @Test
    void malformedFirstHeartbeatsAreInvalidRequests() {
        assertThat(send(join("", "m", "foo")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(join("g", "", "foo")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(join("g", "m", "foo").setRebalanceTimeoutMs(-1)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(join("g", "m", "foo").setTopicPartitions(null)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(join("g", "m").setSubscribedTopicNames(null)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(join("g", "m", "foo").setInstanceId("")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(beat("g", "m", -3)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(send(beat("g", "m", -2)).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        ConsumerGroupHeartbeatResponseData r = send(join("g", "m", "foo").setServerAssignor("sticky"));
        assertThat(r.errorCode()).isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
        assertThat(r.errorMessage()).contains("uniform, range");
        assertThat(send(join("g", "m").setSubscribedTopicNames(null).setSubscribedTopicRegex("foo("))
                        .errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
        // nothing was created by the refused requests
        assertThat(describe("g").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(log.size()).isZero();
    }

    @Test
    void groupMaxSize() {
        for (int i = 0; i < MAX_SIZE; i++) {
            assertThat(send(join("g", "m" + i, "foo")).errorCode()).isZero();
        }
        assertThat(send(join("g", "extra", "foo")).errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void sessionTimeoutEvictsASilentMember() {
        send(join("g", "a", "foo"));
        send(join("g", "b", "foo"));
        for (int i = 0; i < 5; i++) {
            clock.advance(SESSION_MS / 2);
            send(beat("g", "a", describeEpoch("a")));
        }
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe("g");
        assertThat(d.members())
                .extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly("a");
        assertThat(d.groupEpoch()).isEqualTo(3);
        clock.advance(SESSION_MS);
        assertThat(describe("g").groupState()).isEqualTo("Empty");
    }

    int describeEpoch(String member) {
        return describe("g").members().stream()
                .filter(m -> m.memberId().equals(member))
                .findFirst()
                .orElseThrow()
                .memberEpoch();
    }

    @Test
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsFenced() {
        send(join("g", "a", "foo"));
        send(join("g", "b", "foo"));
        ConsumerGroupHeartbeatResponseData revoke = send(beat("g", "a", 1));
        assertThat(revoke.errorCode()).isZero();
        // a keeps heartbeating (session alive) but never confirms the revocation
        for (int i = 0; i < 4; i++) {
            clock.advance(REBALANCE_MS / 4 + 1);
            send(beat("g", "a", 1));
            send(beat("g", "b", 2));
        }
        assertThat(send(beat("g", "a", 1)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        ConsumerGroupHeartbeatResponseData b =
                send(beat("g", "b", describeEpoch("b")).setTopicPartitions(List.of()));
        assertThat(partitions(b).get(foo)).hasSize(6);
    }

    @Test
    void leavingBumpsTheEpochAndTheOthersTakeOver() {
        send(join("g", "a", "foo"));
        send(join("g", "b", "foo"));
        ConsumerGroupHeartbeatResponseData leave = send(beat("g", "b", -1));
        assertThat(leave.errorCode()).isZero();
        assertThat(leave.memberEpoch()).isEqualTo(-1);
        ConsumerGroupHeartbeatResponseData a = send(beat("g", "a", 1).setTopicPartitions(List.of()));
        // epoch 3 after b left; a gets everything back (b released what it never got)
        assertThat(a.memberEpoch()).isEqualTo(3);
        assertThat(partitions(a).get(foo)).hasSize(6);
    }

    @Test
    void staticMemberLeavesTemporarilyAndComesBackWithItsPartitions() {
        send(join("g", "a", "foo").setInstanceId("i-a"));
        ConsumerGroupHeartbeatResponseData leave = send(beat("g", "a", -2).setInstanceId("i-a"));
        assertThat(leave.memberEpoch()).isEqualTo(-2);
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe("g");
        assertThat(d.groupEpoch()).isEqualTo(1); // no rebalance
        assertThat(d.members().get(0).memberEpoch()).isEqualTo(-2);
        // another id with the same instance id while the old one is still active would be refused
        ConsumerGroupHeartbeatResponseData back = send(join("g", "a2", "foo").setInstanceId("i-a"));
        assertThat(back.errorCode()).isZero();
        assertThat(partitions(back).get(foo)).hasSize(6);
        assertThat(describe("g").members())
                .extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly("a2");
        assertThat(describe("g").groupEpoch()).isEqualTo(1);
        assertThat(send(join("g", "a3", "foo").setInstanceId("i-a")).errorCode())
                .isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());
    }

    @Test
    void newPartitionsAndNewTopicsTriggerANewTargetAssignment() {
        ConsumerGroupHeartbeatResponseData a = send(join("g", "a", "foo", "bar"));
        assertThat(partitions(a)).containsOnlyKeys(foo);
        addTopic("foo", 8);
        ConsumerGroupHeartbeatResponseData a2 = send(beat("g", "a", 1));
        assertThat(a2.memberEpoch()).isEqualTo(2);
        assertThat(partitions(a2).get(foo)).hasSize(8);
        Uuid bar = addTopic("bar", 2);
        ConsumerGroupHeartbeatResponseData a3 = send(beat("g", "a", 2));
        assertThat(a3.memberEpoch()).isEqualTo(3);
        assertThat(partitions(a3)).containsOnlyKeys(foo, bar);
    }

    @Test
    void regexSubscriptionFollowsMatchingTopics() {
        addTopic("orders-eu", 1);
        addTopic("__consumer_offsets", 4);
        ConsumerGroupHeartbeatResponseData a =
                send(join("g", "a").setSubscribedTopicNames(null).setSubscribedTopicRegex("orders-.*|foo"));
        assertThat(a.errorCode()).isZero();
        assertThat(partitions(a)).hasSize(2);
        Uuid us = addTopic("orders-us", 3);
        ConsumerGroupHeartbeatResponseData a2 = send(beat("g", "a", a.memberEpoch()));
        assertThat(partitions(a2)).containsKey(us).hasSize(3);
    }

    @Test
    void rangeAssignorWhenMembersAskForIt() {
        send(join("g", "a", "foo").setServerAssignor("range"));
        send(join("g", "b", "foo").setServerAssignor("range"));
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe("g");
        assertThat(d.assignorName()).isEqualTo("range");
        assertThat(d.members()
                        .get(0)
                        .targetAssignment()
                        .topicPartitions()
                        .get(0)
                        .partitions())
                .containsExactly(0, 1, 2);
        assertThat(d.members()
                        .get(1)
                        .targetAssignment()
                        .topicPartitions()
                        .get(0)
                        .partitions())
                .containsExactly(3, 4, 5);
    }

    @Test
    void replayRebuildsTheSameState() {
        send(join("g", "a", "foo").setInstanceId("i-a"));
        send(join("g", "b", "foo"));
        send(beat("g", "a", 1));
        commit("g", "b", 2, 7L, (short) 9);
        ConsumerGroupDescribeResponseData.DescribedGroup before = describe("g");
        coordinator.close();
        coordinator = newCoordinator();
        ConsumerGroupDescribeResponseData.DescribedGroup after = describe("g");
        assertThat(after).isEqualTo(before);
        assertThat(fetch("g").topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(7L);
        // members restored from the log are evicted if they never come back
        clock.advance(SESSION_MS + 1);
        assertThat(describe("g").groupState()).isEqualTo("Empty");
    }

    OffsetCommitResponseData commit(String group, String member, int epoch, long offset, short version) {
        return coordinator
                .commitOffsets(
                        new OffsetCommitRequestData()
                                .setGroupId(group)
                                .setMemberId(member)
                                .setGenerationIdOrMemberEpoch(epoch)
                                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                                        .setName("foo")
                                        .setPartitions(
                                                List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                                        .setPartitionIndex(0)
                                                        .setCommittedOffset(offset))))),
                        version)
                .join();
    }

    OffsetFetchResponseData.OffsetFetchResponseGroup fetch(String group) {
        return coordinator.fetchOffsets(group, null).join();
    }

    static short commitError(OffsetCommitResponseData r) {
        return r.topics().get(0).partitions().get(0).errorCode();
    }

    @Test
    void offsetCommitsAndFetchesCheckTheMemberEpoch() {
        send(join("g", "a", "foo"));
        assertThat(commitError(commit("g", "a", 1, 5L, (short) 9))).isZero();
        assertThat(commitError(commit("g", "a", 0, 5L, (short) 9))).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(commitError(commit("g", "a", 0, 5L, (short) 8))).isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(commitError(commit("g", "x", 1, 5L, (short) 9))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        // an admin commit (no member, epoch -1) is refused while the group has members
        assertThat(commitError(commit("g", "", -1, 5L, (short) 9))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(coordinator.fetchOffsets("g", "a", 1, null).join().errorCode())
                .isZero();
        assertThat(coordinator.fetchOffsets("g", "a", 7, null).join().errorCode())
                .isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(coordinator.fetchOffsets("g", "x", 1, null).join().errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(fetch("g").topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(5L);
        send(beat("g", "a", -1));
        assertThat(commitError(commit("g", "", -1, 9L, (short) 9))).isZero();
    }

    @Test
    void listDescribeAndDeleteAsKafka() {
        send(join("g", "a", "foo"));
        coordinator
                .commitOffsets(
                        new OffsetCommitRequestData()
                                .setGroupId("simple")
                                .setGenerationIdOrMemberEpoch(-1)
                                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                                        .setName("foo")
                                        .setPartitions(
                                                List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                                        .setPartitionIndex(0)
                                                        .setCommittedOffset(1L))))),
                        (short) 9)
                .join();
        ListGroupsResponseData all =
                coordinator.listGroups(List.of(), List.of()).join();
        assertThat(all.groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId, ListGroupsResponseData.ListedGroup::groupType)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("g", "consumer"),
                        org.assertj.core.groups.Tuple.tuple("simple", "classic"));
        assertThat(coordinator.listGroups(List.of(), List.of("consumer")).join().groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId)
                .containsExactly("g");
        assertThat(coordinator.listGroups(List.of("Stable"), List.of()).join().groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupState)
                .containsExactly("Stable");
        // the classic API does not describe a consumer group, and vice versa
        DescribeGroupsResponseData.DescribedGroup classic =
                coordinator.describeGroup("g", (short) 6).join();
        assertThat(classic.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(classic.errorMessage()).isEqualTo("Group g is not a classic group.");
        assertThat(classic.groupState()).isEqualTo("Dead");
        assertThat(coordinator.describeGroup("g", (short) 5).join().errorCode()).isZero();
        ConsumerGroupDescribeResponseData.DescribedGroup notConsumer = describe("simple");
        assertThat(notConsumer.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(notConsumer.errorMessage()).isEqualTo("Group simple is not a consumer group.");
        assertThat(describe("none").errorMessage()).isEqualTo("Group none not found.");
        // delete: refused while members remain, then the group and its offsets go
        assertThat(coordinator.deleteGroup("g").join().errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        send(beat("g", "a", -1));
        assertThat(coordinator.deleteGroup("g").join().errorCode()).isZero();
        assertThat(describe("g").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(describe("g").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void classicAndConsumerProtocolsDoNotShareALiveGroup() {
        JoinGroupResponseData classicJoin = coordinator
                .joinGroup(
                        new GroupCoordinator.Caller("c", "/h", (short) 9),
                        GroupCoordinatorTest.joinRequest("classic", "", null, "consumer", "range"))
                .join();
        assertThat(classicJoin.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        coordinator.joinGroup(
                new GroupCoordinator.Caller("c", "/h", (short) 9),
                GroupCoordinatorTest.joinRequest("classic", classicJoin.memberId(), null, "consumer", "range"));
        clock.advance(1);
        ConsumerGroupHeartbeatResponseData r = send(join("classic", "m", "foo"));
        assertThat(r.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(r.errorMessage()).isEqualTo("Group classic is not a consumer group.");

        send(join("cg", "m", "foo"));
        JoinGroupResponseData refused = coordinator
                .joinGroup(
                        new GroupCoordinator.Caller("c", "/h", (short) 9),
                        GroupCoordinatorTest.joinRequest("cg", "", null, "consumer", "range"))
                .join();
        assertThat(refused.errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    }

    @Test
    void anEmptySimpleGroupBecomesAConsumerGroupAndKeepsItsOffsets() {
        coordinator
                .commitOffsets(
                        new OffsetCommitRequestData()
                                .setGroupId("g")
                                .setGenerationIdOrMemberEpoch(-1)
                                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                                        .setName("foo")
                                        .setPartitions(
                                                List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                                        .setPartitionIndex(0)
                                                        .setCommittedOffset(42L))))),
                        (short) 9)
                .join();
        assertThat(send(join("g", "a", "foo")).errorCode()).isZero();
        assertThat(fetch("g").topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(42L);
        assertThat(coordinator.listGroups(List.of(), List.of()).join().groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupType)
                .containsExactly("consumer");
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(coordinator.listGroups(List.of(), List.of()).join().groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupType)
                .containsExactly("consumer");
    }

    @Test
    void offsetDeleteRefusesSubscribedTopicsOfAConsumerGroup() {
        addTopic("bar", 1);
        send(join("g", "a", "foo"));
        commit("g", "a", 1, 3L, (short) 9);
        coordinator
                .commitOffsets(
                        new OffsetCommitRequestData()
                                .setGroupId("g")
                                .setMemberId("a")
                                .setGenerationIdOrMemberEpoch(1)
                                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                                        .setName("bar")
                                        .setPartitions(
                                                List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                                        .setPartitionIndex(0)
                                                        .setCommittedOffset(1L))))),
                        (short) 9)
                .join();
        OffsetDeleteResponseData r = coordinator
                .deleteOffsets(new OffsetDeleteRequestData()
                        .setGroupId("g")
                        .setTopics(new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection(
                                List.of(topicToDelete("foo"), topicToDelete("bar"))
                                        .iterator())))
                .join();
        assertThat(r.errorCode()).isZero();
        assertThat(r.topics().find("foo").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(r.topics().find("bar").partitions().find(0).errorCode()).isZero();
        assertThat(fetch("g").topics())
                .extracting(OffsetFetchResponseData.OffsetFetchResponseTopics::name)
                .containsExactly("foo");
    }

    static OffsetDeleteRequestData.OffsetDeleteRequestTopic topicToDelete(String name) {
        return new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName(name)
                .setPartitions(
                        List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0)));
    }

    @Test
    void offsetsExpireForUnsubscribedTopicsAndEmptyGroupsGoWithTheirLastOffsets() {
        addTopic("bar", 1);
        send(join("g", "a", "foo", "bar"));
        commit("g", "a", 1, 3L, (short) 9); // foo-0
        keepAlive(61_000, "a");
        assertThat(coordinator.expireOffsetsNow().join()).isZero(); // foo is subscribed
        // a drops foo: its offset, older than the retention, goes at the next check
        send(beat("g", "a", describeEpoch("a")).setSubscribedTopicNames(List.of("bar")));
        assertThat(coordinator.expireOffsetsNow().join()).isEqualTo(1);
        assertThat(fetch("g").topics()).isEmpty();
        assertThat(describe("g").members()).hasSize(1);
        // an empty group without offsets is deleted by the next check
        send(beat("g", "a", -1));
        assertThat(coordinator.expireOffsetsNow().join()).isPositive();
        assertThat(describe("g").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    /** Moves the clock by {@code ms} while the members heartbeat every 5 s. */
    void keepAlive(long ms, String... members) {
        for (long t = 0; t < ms; t += 5_000) {
            clock.advance(Math.min(5_000, ms - t));
            for (String m : members) {
                assertThat(send(beat("g", m, describeEpoch(m))).errorCode()).isZero();
            }
        }
    }

    @Test
    void aFailedAppendChangesNothing() {
        send(join("g", "a", "foo"));
        ConsumerGroupDescribeResponseData.DescribedGroup before = describe("g");
        log.failAppends = true;
        assertThat(send(join("g", "b", "foo")).errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        log.failAppends = false;
        assertThat(describe("g")).isEqualTo(before);
    }
}
