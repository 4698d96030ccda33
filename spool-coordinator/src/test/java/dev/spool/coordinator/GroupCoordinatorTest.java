package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The classic group state machine with mock time and an in-memory __consumer_offsets. */
class GroupCoordinatorTest {
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 20_000;
    static final int INITIAL_DELAY_MS = 3_000;
    static final long RETENTION_MS = 60_000;
    static final long CHECK_MS = 5_000;
    static final int MAX_SIZE = 3;
    static final GroupCoordinator.Caller CALLER = new GroupCoordinator.Caller("client", "/127.0.0.1", (short) 9);

    MockClock clock;
    InMemoryCoordinatorLog log;
    GroupCoordinator coordinator;

    @BeforeEach
    void setUp() {
        clock = new MockClock();
        log = new InMemoryCoordinatorLog();
        coordinator = newCoordinator();
    }

    GroupCoordinator newCoordinator() {
        GroupCoordinatorConfig config =
                new GroupCoordinatorConfig(4, 1_000, 60_000, INITIAL_DELAY_MS, MAX_SIZE, RETENTION_MS, CHECK_MS, 16, 1);
        GroupCoordinator c = GroupCoordinator.create(config, log, clock, p -> clock);
        c.startup();
        return c;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static JoinGroupRequestData joinRequest(
            String group, String memberId, String instanceId, String type, String... protocols) {
        JoinGroupRequestData r = new JoinGroupRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType(type);
        for (String p : protocols) {
            r.protocols()
                    .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                            .setName(p)
                            .setMetadata(bytes("md-" + p)));
        }
        return r;
    }

    CompletableFuture<JoinGroupResponseData> join(String group, String memberId) {
        return coordinator.joinGroup(CALLER, joinRequest(group, memberId, null, "consumer", "range"));
    }

    /** A new dynamic member: first join gets its id (MEMBER_ID_REQUIRED), the second waits for the rebalance. */
    CompletableFuture<JoinGroupResponseData> joinNew(String group) {
        JoinGroupResponseData first = join(group, "").join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");
        return join(group, first.memberId());
    }

    SyncGroupResponseData sync(
            String group, String member, int generation, SyncGroupRequestData.SyncGroupRequestAssignment... a) {
        CompletableFuture<SyncGroupResponseData> f = coordinator.syncGroup(new SyncGroupRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setGenerationId(generation)
                .setAssignments(List.of(a)));
        assertThat(f).isDone();
        return f.join();
    }

    static SyncGroupRequestData.SyncGroupRequestAssignment assign(String member, String value) {
        return new SyncGroupRequestData.SyncGroupRequestAssignment()
                .setMemberId(member)
                .setAssignment(bytes(value));
    }

    Errors heartbeat(String group, String member, int generation) {
        return Errors.forCode(coordinator
                .heartbeat(new HeartbeatRequestData()
                        .setGroupId(group)
                        .setMemberId(member)
                        .setGenerationId(generation))
                .join()
                .errorCode());
    }

    Errors commit(String group, String member, int generation, String topic, int partition, long offset) {
        OffsetCommitRequestData r = new OffsetCommitRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setGenerationIdOrMemberEpoch(generation);
        r.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(3)
                                .setCommittedMetadata("meta"))));
        OffsetCommitResponseData resp = coordinator.commitOffsets(r, (short) 9).join();
        return Errors.forCode(resp.topics().get(0).partitions().get(0).errorCode());
    }

    long fetched(String group, String topic, int partition) {
        OffsetFetchResponseData.OffsetFetchResponseGroup g = coordinator
                .fetchOffsets(
                        group,
                        List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                .setName(topic)
                                .setPartitionIndexes(List.of(partition))))
                .join();
        return g.topics().get(0).partitions().get(0).committedOffset();
    }

    DescribeGroupsResponseData.DescribedGroup describe(String group) {
        return coordinator.describeGroup(group, (short) 6).join();
    }

    @Test
    void withNoInitialDelayMembersWhoseJoinsAreQueuedStillFormTheFirstGenerationTogether() {
        GroupCoordinatorConfig config =
                new GroupCoordinatorConfig(4, 1_000, 60_000, 0, MAX_SIZE, RETENTION_MS, CHECK_MS, 16, 1);
        coordinator = GroupCoordinator.create(config, log, clock, p -> clock);
        coordinator.startup();
        // As Kafka: the join of a new group ends in a timer (due at once), so a second member whose join
        // is handled before that timer runs is in generation 1 too, instead of forcing generation 2.
        CompletableFuture<JoinGroupResponseData> a = joinNew("g0");
        assertThat(a).isNotDone();
        CompletableFuture<JoinGroupResponseData> b = joinNew("g0");
        clock.runDue();
        assertThat(a).isDone();
        assertThat(b).isDone();
        assertThat(a.join().generationId()).isEqualTo(1);
        assertThat(b.join().generationId()).isEqualTo(1);
        assertThat(a.join().members()).hasSize(2); // the leader's answer lists both
    }

    /** Two members through a full rebalance: leader assigns, both synced; returns {leader, follower, generation}. */
    String[] stableGroupOfTwo(String group) {
        CompletableFuture<JoinGroupResponseData> a = joinNew(group);
        CompletableFuture<JoinGroupResponseData> b = joinNew(group);
        assertThat(a).isNotDone();
        // The second member joined during the initial delay, which therefore runs once more.
        clock.advance(INITIAL_DELAY_MS);
        assertThat(a).isNotDone();
        clock.advance(INITIAL_DELAY_MS);
        assertThat(a).isDone();
        assertThat(b).isDone();
        JoinGroupResponseData ja = a.join();
        JoinGroupResponseData jb = b.join();
        assertThat(ja.generationId()).isEqualTo(1).isEqualTo(jb.generationId());
        assertThat(ja.protocolName()).isEqualTo("range");
        JoinGroupResponseData leader = ja.leader().equals(ja.memberId()) ? ja : jb;
        JoinGroupResponseData follower = leader == ja ? jb : ja;
        assertThat(leader.members()).hasSize(2);
        assertThat(follower.members()).isEmpty();
        CompletableFuture<SyncGroupResponseData> followerSync = coordinator.syncGroup(new SyncGroupRequestData()
                .setGroupId(group)
                .setMemberId(follower.memberId())
                .setGenerationId(1));
        assertThat(followerSync).isNotDone();
        SyncGroupResponseData ls =
                sync(group, leader.memberId(), 1, assign(leader.memberId(), "A"), assign(follower.memberId(), "B"));
        assertThat(new String(ls.assignment(), StandardCharsets.UTF_8)).isEqualTo("A");
        assertThat(new String(followerSync.join().assignment(), StandardCharsets.UTF_8))
                .isEqualTo("B");
        assertThat(describe(group).groupState()).isEqualTo("Stable");
        return new String[] {leader.memberId(), follower.memberId(), "1"};
    }

    @Test
    void joinSyncHeartbeatMakeAStableGroup() {
        String[] ids = stableGroupOfTwo("g");
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.NONE);
        assertThat(heartbeat("g", ids[1], 1)).isEqualTo(Errors.NONE);
        DescribeGroupsResponseData.DescribedGroup d = describe("g");
        assertThat(d.protocolType()).isEqualTo("consumer");
        assertThat(d.protocolData()).isEqualTo("range");
        assertThat(d.members()).hasSize(2);
        assertThat(d.members().get(0).clientHost()).isEqualTo("/127.0.0.1");
        // The leader's assignment was persisted before anyone was answered.
        assertThat(log.size()).isEqualTo(1);
    }

    @Test
    void fencingErrors() {
        String[] ids = stableGroupOfTwo("g");
        assertThat(heartbeat("g", ids[0], 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(heartbeat("g", "nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("unknown-group", ids[0], 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(sync("g", ids[0], 7).errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(Errors.forCode(sync("g", "nobody", 1).errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("g", ids[0], 0, "t", 0, 5)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("g", "nobody", 1, "t", 0, 5)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        // A simple commit (generation -1, no member) is refused while the group has members.
        assertThat(commit("g", "", -1, "t", 0, 5)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("g", ids[1], 1, "t", 0, 5)).isEqualTo(Errors.NONE);
        assertThat(fetched("g", "t", 0)).isEqualTo(5);
        // Joining with an unknown member id of an unknown group.
        assertThat(Errors.forCode(join("other", "ghost").join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        // Nothing of this touched the group.
        assertThat(describe("g").groupState()).isEqualTo("Stable");
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void badJoins() {
        assertThat(Errors.forCode(join("", "").join().errorCode())).isEqualTo(Errors.INVALID_GROUP_ID);
        JoinGroupRequestData shortSession =
                joinRequest("g", "", null, "consumer", "range").setSessionTimeoutMs(10);
        assertThat(Errors.forCode(
                        coordinator.joinGroup(CALLER, shortSession).join().errorCode()))
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        JoinGroupRequestData longSession =
                joinRequest("g", "", null, "consumer", "range").setSessionTimeoutMs(600_000);
        assertThat(Errors.forCode(
                        coordinator.joinGroup(CALLER, longSession).join().errorCode()))
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(coordinator
                        .joinGroup(CALLER, joinRequest("g", "", null, "", "range"))
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

        stableGroupOfTwo("g");
        // Another protocol type, or no common protocol, is inconsistent with the group.
        assertThat(Errors.forCode(coordinator
                        .joinGroup(CALLER, joinRequest("g", "", null, "connect", "range"))
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(Errors.forCode(coordinator
                        .joinGroup(CALLER, joinRequest("g", "", null, "consumer", "roundrobin"))
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(describe("g").groupState()).isEqualTo("Stable");
    }

    @Test
    void groupMaxSize() {
        for (int i = 0; i < MAX_SIZE; i++) {
            joinNew("g");
        }
        clock.advance(2 * INITIAL_DELAY_MS);
        assertThat(describe("g").members()).hasSize(MAX_SIZE);
        assertThat(Errors.forCode(join("g", "").join().errorCode())).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
    }

    @Test
    void sessionTimeoutEvictsASilentMemberAndRebalances() {
        String[] ids = stableGroupOfTwo("g");
        // Only the leader keeps heartbeating.
        clock.advance(SESSION_MS / 2);
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.NONE);
        clock.advance(SESSION_MS / 2 - 1);
        assertThat(heartbeat("g", ids[1], 1)).isEqualTo(Errors.NONE);
        clock.advance(SESSION_MS / 2);
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.NONE);
        clock.advance(SESSION_MS / 2 + 1);
        // The follower's session ran out: it is gone and the group rebalances.
        assertThat(heartbeat("g", ids[1], 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        CompletableFuture<JoinGroupResponseData> rejoin = join("g", ids[0]);
        assertThat(rejoin).isDone();
        assertThat(rejoin.join().generationId()).isEqualTo(2);
        assertThat(rejoin.join().members()).hasSize(1);
    }

    @Test
    void rebalanceTimeoutDropsMembersThatDoNotRejoin() {
        String[] ids = stableGroupOfTwo("g");
        CompletableFuture<JoinGroupResponseData> newcomer = joinNew("g");
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        CompletableFuture<JoinGroupResponseData> leader = join("g", ids[0]);
        assertThat(leader).isNotDone();
        // The follower never rejoins; heartbeats alone do not keep it (it must rejoin) after the timeout.
        clock.advance(REBALANCE_MS);
        assertThat(leader).isDone();
        assertThat(newcomer).isDone();
        assertThat(leader.join().generationId()).isEqualTo(2);
        assertThat(leader.join().members()).hasSize(2);
        assertThat(heartbeat("g", ids[1], 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void leaveRebalancesAndBatchedLeaveReportsEachMember() {
        String[] ids = stableGroupOfTwo("g");
        LeaveGroupRequestData leave = new LeaveGroupRequestData()
                .setGroupId("g")
                .setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId(ids[1]),
                        new LeaveGroupRequestData.MemberIdentity().setMemberId("ghost")));
        var resp = coordinator.leaveGroup(leave, (short) 5).join();
        assertThat(resp.members())
                .extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(join("g", ids[0]).join().generationId()).isEqualTo(2);
        // The last member leaves: the group is empty, its generation bumped and persisted.
        int records = log.size();
        coordinator
                .leaveGroup(new LeaveGroupRequestData().setGroupId("g").setMemberId(ids[0]), (short) 0)
                .join();
        assertThat(describe("g").groupState()).isEqualTo("Empty");
        assertThat(log.size()).isEqualTo(records + 1);
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(describe("g").groupState()).isEqualTo("Empty");
        assertThat(describe("g").members()).isEmpty();
    }

    @Test
    void staticMemberRejoinsWithoutRebalanceAndFencesItsOldId() {
        CompletableFuture<JoinGroupResponseData> first =
                coordinator.joinGroup(CALLER, joinRequest("g", "", "instance-1", "consumer", "range"));
        clock.advance(INITIAL_DELAY_MS);
        JoinGroupResponseData j = first.join();
        assertThat(j.memberId()).startsWith("instance-1-");
        sync("g", j.memberId(), 1, assign(j.memberId(), "A"));
        // The instance restarts (no leave) and joins with an unknown member id.
        JoinGroupResponseData again = coordinator
                .joinGroup(CALLER, joinRequest("g", "", "instance-1", "consumer", "range"))
                .join();
        assertThat(Errors.forCode(again.errorCode())).isEqualTo(Errors.NONE);
        assertThat(again.memberId()).isNotEqualTo(j.memberId());
        assertThat(again.generationId()).isEqualTo(1);
        SyncGroupResponseData s = sync("g", again.memberId(), 1);
        assertThat(new String(s.assignment(), StandardCharsets.UTF_8)).isEqualTo("A");
        assertThat(describe("g").groupState()).isEqualTo("Stable");
        // The old incarnation is fenced.
        HeartbeatRequestData old = new HeartbeatRequestData()
                .setGroupId("g")
                .setMemberId(j.memberId())
                .setGroupInstanceId("instance-1")
                .setGenerationId(1);
        assertThat(Errors.forCode(coordinator.heartbeat(old).join().errorCode()))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
        LeaveGroupRequestData leave = new LeaveGroupRequestData()
                .setGroupId("g")
                .setMembers(List.of(new LeaveGroupRequestData.MemberIdentity()
                        .setGroupInstanceId("instance-1")
                        .setMemberId(j.memberId())));
        assertThat(coordinator
                        .leaveGroup(leave, (short) 5)
                        .join()
                        .members()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.FENCED_INSTANCE_ID.code());
    }

    @Test
    void simpleGroupCommitsAndStateSurvivesRestartByReplay() {
        assertThat(commit("simple", "", -1, "t", 2, 42)).isEqualTo(Errors.NONE);
        String[] ids = stableGroupOfTwo("g");
        assertThat(commit("g", ids[0], 1, "t", 0, 7)).isEqualTo(Errors.NONE);
        coordinator.close();

        coordinator = newCoordinator();
        assertThat(fetched("simple", "t", 2)).isEqualTo(42);
        assertThat(fetched("g", "t", 0)).isEqualTo(7);
        assertThat(fetched("g", "t", 1)).isEqualTo(-1);
        DescribeGroupsResponseData.DescribedGroup d = describe("g");
        assertThat(d.groupState()).isEqualTo("Stable");
        assertThat(d.members())
                .extracting(DescribeGroupsResponseData.DescribedGroupMember::memberId)
                .containsExactlyInAnyOrder(ids[0], ids[1]);
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.NONE);
        ListGroupsResponseData list =
                coordinator.listGroups(List.of(), List.of()).join();
        assertThat(list.groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId)
                .containsExactlyInAnyOrder("simple", "g");
        assertThat(coordinator.listGroups(List.of("Empty"), List.of()).join().groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId)
                .containsExactly("simple");
        assertThat(coordinator.listGroups(List.of(), List.of("consumer")).join().groups())
                .isEmpty();
        // Restored members that never heartbeat again are evicted after their session timeout.
        clock.advance(SESSION_MS + 1);
        assertThat(heartbeat("g", ids[0], 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void metadataTooLargeIsRefusedPerPartition() {
        OffsetCommitRequestData r =
                new OffsetCommitRequestData().setGroupId("s").setGenerationIdOrMemberEpoch(-1);
        r.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(
                                new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                        .setPartitionIndex(0)
                                        .setCommittedOffset(1)
                                        .setCommittedMetadata("x".repeat(17)),
                                new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                        .setPartitionIndex(1)
                                        .setCommittedOffset(2)
                                        .setCommittedMetadata("ok"))));
        OffsetCommitResponseData resp = coordinator.commitOffsets(r, (short) 9).join();
        assertThat(resp.topics().get(0).partitions())
                .extracting(p -> Errors.forCode(p.errorCode()))
                .containsExactly(Errors.OFFSET_METADATA_TOO_LARGE, Errors.NONE);
        assertThat(fetched("s", "t", 0)).isEqualTo(-1);
        assertThat(fetched("s", "t", 1)).isEqualTo(2);
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAndTheGroupGoes() {
        assertThat(commit("simple", "", -1, "t", 0, 1)).isEqualTo(Errors.NONE);
        clock.advance(RETENTION_MS / 2);
        assertThat(fetched("simple", "t", 0)).isEqualTo(1);
        clock.advance(RETENTION_MS / 2 + CHECK_MS);
        assertThat(fetched("simple", "t", 0)).isEqualTo(-1);
        assertThat(Errors.forCode(describe("simple").errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        // Tombstones were written, so compaction removes the keys and a restart agrees.
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(fetched("simple", "t", 0)).isEqualTo(-1);
    }

    @Test
    void deleteGroupsAndOffsets() {
        String[] ids = stableGroupOfTwo("g");
        assertThat(commit("g", ids[0], 1, "t", 0, 7)).isEqualTo(Errors.NONE);
        DeleteGroupsResponseData.DeletableGroupResult r =
                coordinator.deleteGroup("g").join();
        assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NON_EMPTY_GROUP);
        assertThat(Errors.forCode(coordinator.deleteGroup("nope").join().errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        // Kafka 4.4 answers an empty id as an unknown group.
        assertThat(Errors.forCode(coordinator.deleteGroup("").join().errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        // OffsetDelete refuses topics a live consumer group subscribes to only if it can read the
        // subscription; "md-range" is not one, so the offset goes.
        OffsetDeleteRequestData od = new OffsetDeleteRequestData().setGroupId("simple");
        assertThat(Errors.forCode(coordinator.deleteOffsets(od).join().errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        assertThat(commit("simple", "", -1, "t", 0, 1)).isEqualTo(Errors.NONE);
        assertThat(commit("simple", "", -1, "t", 1, 2)).isEqualTo(Errors.NONE);
        OffsetDeleteRequestData del = new OffsetDeleteRequestData().setGroupId("simple");
        OffsetDeleteRequestData.OffsetDeleteRequestTopic t =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t");
        t.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
        del.topics().add(t);
        assertThat(Errors.forCode(coordinator.deleteOffsets(del).join().errorCode()))
                .isEqualTo(Errors.NONE);
        assertThat(fetched("simple", "t", 0)).isEqualTo(-1);
        assertThat(fetched("simple", "t", 1)).isEqualTo(2);

        assertThat(Errors.forCode(coordinator.deleteGroup("simple").join().errorCode()))
                .isEqualTo(Errors.NONE);
        assertThat(fetched("simple", "t", 1)).isEqualTo(-1);
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(Errors.forCode(describe("simple").errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(fetched("g", "t", 0)).isEqualTo(7);
    }

    @Test
    void aFailedAppendChangesNothing() {
        assertThat(commit("simple", "", -1, "t", 0, 1)).isEqualTo(Errors.NONE);
        log.failAppends = true;
        assertThat(commit("simple", "", -1, "t", 0, 2)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(fetched("simple", "t", 0)).isEqualTo(1);
    }

    @Test
    void loadInProgressIsReported() {
        InMemoryCoordinatorLog l = new InMemoryCoordinatorLog();
        l.ensureTopic(4);
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        ShardScheduler deferred = new ShardScheduler() {
            @Override
            public void execute(Runnable task) {
                queued.add(task);
            }

            @Override
            public Timer schedule(Runnable task, long delayMs) {
                return clock.schedule(task, delayMs);
            }
        };
        GroupCoordinatorConfig config = new GroupCoordinatorConfig(4, 1_000, 60_000, 0, 10, 1, 1, 16, 1);
        GroupCoordinator c = GroupCoordinator.create(config, l, clock, p -> deferred);
        c.startup();
        assertThat(c.coordinatorStatus("g")).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(Errors.forCode(c.heartbeat(new HeartbeatRequestData().setGroupId("g"))
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        queued.forEach(Runnable::run);
        assertThat(c.coordinatorStatus("g")).isEqualTo(Errors.NONE);
    }
}
