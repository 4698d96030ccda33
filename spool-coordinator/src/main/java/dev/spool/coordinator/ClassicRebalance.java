package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic rebalance protocol of one shard (Kafka's JoinGroup/SyncGroup/Heartbeat/LeaveGroup
 * semantics): member ids handed out on first join (v4+), the delayed join phase (initial delay for an
 * empty group, else until every member rejoined or the rebalance timeout), the leader's assignment
 * persisted before SyncGroup answers, session timeouts, static membership and generation fencing.
 * Runs on the shard's thread only; not thread-safe.
 */
final class ClassicRebalance {
    private final GroupShard shard;

    ClassicRebalance(GroupShard shard) {
        this.shard = shard;
    }

    /** Caller identity for a request. */
    record Caller(String clientId, String clientHost, short apiVersion) {}

    private long now() {
        return shard.time.milliseconds();
    }

    // ---- JoinGroup

    CompletableFuture<JoinGroupResponseData> join(Caller caller, JoinGroupRequestData req) {
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        String groupId = req.groupId();
        String memberId = req.memberId() == null ? "" : req.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return done(joinError(memberId, Errors.INVALID_GROUP_ID));
        }
        if (req.sessionTimeoutMs() < shard.config.minSessionTimeoutMs()
                || req.sessionTimeoutMs() > shard.config.maxSessionTimeoutMs()) {
            return done(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
        }
        boolean unknownMember = memberId.isEmpty();
        ConsumerGroup consumerGroup = shard.consumerGroups.get(groupId);
        if (consumerGroup != null) {
            // As Kafka with online migration disabled: only an empty consumer group may turn classic.
            if (!consumerGroup.isEmpty()) {
                return done(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            }
            if (!shard.write(ConsumerGroups.groupTombstones(consumerGroup))) {
                return done(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            }
        }
        ClassicGroup group = shard.groups.get(groupId);
        if (group == null) {
            if (!unknownMember) {
                return done(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
            group = new ClassicGroup(groupId, now());
            shard.groups.put(groupId, group);
        }
        if (group.is(GroupState.DEAD)) {
            return done(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
        }
        List<ClassicMember.Protocol> protocols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JoinGroupRequestData.JoinGroupRequestProtocol p : req.protocols()) {
            protocols.add(new ClassicMember.Protocol(p.name(), p.metadata() == null ? new byte[0] : p.metadata()));
            names.add(p.name());
        }
        String protocolType = req.protocolType() == null ? "" : req.protocolType();
        if (!group.supportsProtocols(protocolType, names)) {
            removeIfUnused(group);
            return done(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        // A known member, a pending one, or a static member replacing its previous incarnation does not
        // grow the group.
        boolean known = group.hasMember(memberId)
                || group.pendingMembers.contains(memberId)
                || (req.groupInstanceId() != null && group.staticMemberId(req.groupInstanceId()) != null);
        if (!known && group.size() >= shard.config.groupMaxSize()) {
            return done(joinError(memberId, Errors.GROUP_MAX_SIZE_REACHED));
        }
        Join join = new Join(caller, req, protocolType, protocols, future);
        if (unknownMember) {
            newMemberJoin(group, join);
        } else {
            existingMemberJoin(group, memberId, join);
        }
        return future;
    }

    /** A join request in flight. */
    private record Join(
            Caller caller,
            JoinGroupRequestData req,
            String protocolType,
            List<ClassicMember.Protocol> protocols,
            CompletableFuture<JoinGroupResponseData> future) {}

    private void newMemberJoin(ClassicGroup group, Join join) {
        String instanceId = join.req().groupInstanceId();
        String prefix = instanceId != null ? instanceId : join.caller().clientId();
        String newId = (prefix == null ? "" : prefix) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String existing = group.staticMemberId(instanceId);
            if (existing != null) {
                replaceStaticMember(group, existing, newId, join);
            } else {
                addMemberAndRebalance(group, newId, join);
            }
        } else if (join.caller().apiVersion() >= 4) {
            // KIP-394: hand out the id first; the member joins again with it.
            group.pendingMembers.add(newId);
            group.pendingTimers.put(
                    newId,
                    shard.scheduler.schedule(
                            () -> expirePending(group.groupId, newId),
                            join.req().sessionTimeoutMs()));
            join.future().complete(joinError(newId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(group, newId, join);
        }
    }

    private void existingMemberJoin(ClassicGroup group, String memberId, Join join) {
        if (group.pendingMembers.remove(memberId)) {
            ShardScheduler.Timer t = group.pendingTimers.remove(memberId);
            if (t != null) {
                t.cancel();
            }
            addMemberAndRebalance(group, memberId, join);
            return;
        }
        ClassicMember member = group.member(memberId);
        if (member == null) {
            join.future().complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        String instanceId = join.req().groupInstanceId();
        if (instanceId != null && !memberId.equals(group.staticMemberId(instanceId))) {
            join.future().complete(joinError(memberId, Errors.FENCED_INSTANCE_ID));
            return;
        }
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, join);
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(join.protocols())) {
                    // The member lost its JoinGroup answer: send the current generation again.
                    join.future().complete(joinResponse(group, member, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(group, member, join);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.sameProtocols(join.protocols())) {
                    updateMemberAndRebalance(group, member, join);
                } else {
                    join.future().complete(joinResponse(group, member, false));
                }
            }
            default -> join.future().complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void replaceStaticMember(ClassicGroup group, String oldId, String newId, Join join) {
        ClassicMember old = group.member(oldId);
        old.cancelHeartbeat();
        if (old.awaitingJoin != null) {
            old.awaitingJoin.complete(joinError(oldId, Errors.FENCED_INSTANCE_ID));
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.complete(syncError(Errors.FENCED_INSTANCE_ID));
        }
        boolean wasLeader = group.isLeader(oldId);
        ClassicMember m = member(newId, join);
        m.assignment = old.assignment;
        // Replace in place, keeping the member order (the leader choice depends on it).
        Map<String, ClassicMember> copy = new java.util.LinkedHashMap<>(group.members);
        group.members.clear();
        for (Map.Entry<String, ClassicMember> e : copy.entrySet()) {
            group.members.put(
                    e.getKey().equals(oldId) ? newId : e.getKey(), e.getKey().equals(oldId) ? m : e.getValue());
        }
        group.staticMembers.put(m.groupInstanceId, newId);
        if (wasLeader) {
            group.leaderId = newId;
        }
        // Kafka: a static member restarting in a stable group keeps its assignment without a rebalance
        // unless its protocols would change the group's chosen protocol (its metadata, e.g. the owned
        // partitions of a restarted consumer, may differ).
        if (group.is(GroupState.STABLE)
                && group.protocolName != null
                && group.protocolName.equals(group.selectProtocol())) {
            if (!shard.write(List.of(GroupShard.groupRecord(group, Map.of(), now())))) {
                group.members.remove(newId);
                group.members.put(oldId, old);
                group.staticMembers.put(m.groupInstanceId, oldId);
                if (wasLeader) {
                    group.leaderId = oldId;
                }
                join.future().complete(joinError("", Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            scheduleHeartbeat(group, m);
            JoinGroupResponseData r = joinResponse(group, m, wasLeader);
            join.future().complete(r.setSkipAssignment(wasLeader));
            return;
        }
        m.awaitingJoin = join.future();
        scheduleHeartbeat(group, m);
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "static member " + m.groupInstanceId + " rejoined with a new member id");
        }
    }

    private ClassicMember member(String memberId, Join join) {
        ClassicMember m = new ClassicMember(
                memberId,
                join.req().groupInstanceId(),
                join.caller().clientId(),
                join.caller().clientHost(),
                join.req().rebalanceTimeoutMs() < 0
                        ? join.req().sessionTimeoutMs()
                        : join.req().rebalanceTimeoutMs(),
                join.req().sessionTimeoutMs(),
                join.protocolType(),
                join.protocols());
        return m;
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, Join join) {
        ClassicMember m = member(memberId, join);
        m.isNew = true;
        m.awaitingJoin = join.future();
        group.add(m);
        if (group.initialDelayActive) {
            group.newMemberAdded = true;
        }
        scheduleHeartbeat(group, m);
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    private void updateMemberAndRebalance(ClassicGroup group, ClassicMember m, Join join) {
        m.protocols = join.protocols();
        m.rebalanceTimeoutMs = join.req().rebalanceTimeoutMs() < 0
                ? join.req().sessionTimeoutMs()
                : join.req().rebalanceTimeoutMs();
        m.sessionTimeoutMs = join.req().sessionTimeoutMs();
        m.clientId = join.caller().clientId();
        m.clientHost = join.caller().clientHost();
        if (m.awaitingJoin != null && m.awaitingJoin != join.future()) {
            m.awaitingJoin.complete(joinError(m.memberId, Errors.REBALANCE_IN_PROGRESS));
        }
        m.awaitingJoin = join.future();
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + m.memberId + " rejoined");
        }
    }

    /** Starts a join phase: an initial delay for an empty group, else the members' max rebalance timeout. */
    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            for (ClassicMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, now(), reason);
        group.cancelRebalanceTimer();
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        if (initial && shard.config.initialRebalanceDelayMs() > 0) {
            int delay = Math.min(shard.config.initialRebalanceDelayMs(), rebalanceTimeout);
            group.initialDelayActive = true;
            group.newMemberAdded = false;
            scheduleInitialDelay(group, delay, Math.max(rebalanceTimeout - delay, 0));
        } else {
            group.initialDelayActive = false;
            int generationAtStart = group.generation;
            group.rebalanceTimer = shard.scheduler.schedule(
                    () -> {
                        if (group.is(GroupState.PREPARING_REBALANCE) && group.generation == generationAtStart) {
                            completeJoin(group);
                        }
                    },
                    rebalanceTimeout);
            maybeCompleteJoin(group);
        }
    }

    private void scheduleInitialDelay(ClassicGroup group, int delay, int remaining) {
        group.rebalanceTimer = shard.scheduler.schedule(
                () -> {
                    if (!group.is(GroupState.PREPARING_REBALANCE) || !group.initialDelayActive) {
                        return;
                    }
                    if (group.newMemberAdded && remaining > 0) {
                        group.newMemberAdded = false;
                        int next = Math.min(shard.config.initialRebalanceDelayMs(), remaining);
                        scheduleInitialDelay(group, next, Math.max(remaining - next, 0));
                    } else {
                        group.initialDelayActive = false;
                        completeJoin(group);
                    }
                },
                delay);
    }

    void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelayActive && group.allMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Ends the join phase: drops members that did not rejoin, bumps the generation, answers every joiner. */
    void completeJoin(ClassicGroup group) {
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        group.cancelRebalanceTimer();
        group.initialDelayActive = false;
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (m.awaitingJoin == null) {
                m.cancelHeartbeat();
                group.remove(m.memberId);
            }
        }
        if (group.members.isEmpty()) {
            group.transitionTo(GroupState.EMPTY, now(), "no member rejoined");
            group.generation++;
            group.protocolName = null;
            group.leaderId = null;
            if (!shard.write(List.of(GroupShard.groupRecord(group, Map.of(), now())))) {
                group.generation--;
            }
            return;
        }
        group.generation++;
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null || !group.hasMember(group.leaderId)) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.transitionTo(GroupState.COMPLETING_REBALANCE, now(), "every member rejoined or the timeout passed");
        for (ClassicMember m : group.members.values()) {
            m.assignment = new byte[0];
            CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
            m.awaitingJoin = null;
            m.isNew = false;
            f.complete(joinResponse(group, m, group.isLeader(m.memberId)));
            scheduleHeartbeat(group, m);
        }
        int generationAtStart = group.generation;
        group.rebalanceTimer = shard.scheduler.schedule(
                () -> expireSyncPhase(group, generationAtStart), group.maxRebalanceTimeoutMs());
    }

    /** The leader never sent its assignment: members that did not sync leave, and the group rebalances. */
    private void expireSyncPhase(ClassicGroup group, int generation) {
        if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generation != generation) {
            return;
        }
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (m.awaitingSync == null) {
                removeMember(group, m);
            }
        }
        prepareRebalance(group, "sync phase timed out");
        maybeCompleteJoin(group);
    }

    private JoinGroupResponseData joinResponse(ClassicGroup group, ClassicMember m, boolean withMembers) {
        JoinGroupResponseData r = new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generation)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(m.memberId);
        if (withMembers) {
            for (ClassicMember x : group.members.values()) {
                byte[] md = x.metadata(group.protocolName);
                r.members()
                        .add(new JoinGroupResponseData.JoinGroupResponseMember()
                                .setMemberId(x.memberId)
                                .setGroupInstanceId(x.groupInstanceId)
                                .setMetadata(md == null ? new byte[0] : md));
            }
        }
        return r;
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolName(null)
                .setLeader("")
                .setMemberId(memberId == null ? "" : memberId);
    }

    private void expirePending(String groupId, String memberId) {
        ClassicGroup group = shard.groups.get(groupId);
        if (group != null && group.pendingMembers.remove(memberId)) {
            group.pendingTimers.remove(memberId);
            maybeCompleteJoin(group);
            removeIfUnused(group);
        }
    }

    /** Forgets a group created by a join that never added a member (and holds no offsets). */
    private void removeIfUnused(ClassicGroup group) {
        if (group.is(GroupState.EMPTY)
                && group.members.isEmpty()
                && group.pendingMembers.isEmpty()
                && group.generation == 0
                && group.protocolType == null
                && !shard.offsets.containsKey(group.groupId)) {
            shard.groups.remove(group.groupId);
        }
    }

    // ---- SyncGroup

    CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return done(syncError(Errors.INVALID_GROUP_ID));
        }
        ClassicGroup group = shard.groups.get(req.groupId());
        Errors invalid = validateMember(group, req.memberId(), req.groupInstanceId(), req.generationId());
        if (invalid != null) {
            return done(syncError(invalid));
        }
        if ((req.protocolType() != null && !req.protocolType().equals(group.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(group.protocolName))) {
            return done(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        ClassicMember member = group.member(req.memberId());
        switch (group.state()) {
            case PREPARING_REBALANCE -> {
                return done(syncError(Errors.REBALANCE_IN_PROGRESS));
            }
            case STABLE -> {
                scheduleHeartbeat(group, member);
                return done(syncResponse(group, member));
            }
            case COMPLETING_REBALANCE -> {
                CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
                if (member.awaitingSync != null) {
                    member.awaitingSync.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                }
                member.awaitingSync = future;
                scheduleHeartbeat(group, member);
                if (group.isLeader(member.memberId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    for (SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
                        if (group.hasMember(a.memberId())) {
                            assignments.put(a.memberId(), a.assignment() == null ? new byte[0] : a.assignment());
                        }
                    }
                    for (String id : group.members.keySet()) {
                        assignments.putIfAbsent(id, new byte[0]);
                    }
                    if (shard.write(List.of(GroupShard.groupRecord(group, assignments, now())))) {
                        group.cancelRebalanceTimer();
                        for (ClassicMember m : group.members.values()) {
                            if (m.awaitingSync != null) {
                                m.awaitingSync.complete(syncResponse(group, m));
                                m.awaitingSync = null;
                            }
                        }
                    } else {
                        for (ClassicMember m : group.members.values()) {
                            m.assignment = new byte[0];
                        }
                        prepareRebalance(group, "persisting the assignment failed");
                        future.complete(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
                    }
                }
                return future;
            }
            default -> {
                return done(syncError(Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, ClassicMember m) {
        return new SyncGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setAssignment(m.assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    /** Kafka's member checks: unknown group or member, fenced static instance, stale generation. */
    static Errors validateMember(ClassicGroup group, String memberId, String instanceId, int generation) {
        if (group == null || group.is(GroupState.DEAD)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (instanceId != null) {
            String current = group.staticMemberId(instanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        if (!group.hasMember(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        return null;
    }

    // ---- Heartbeat

    HeartbeatResponseData heartbeat(HeartbeatRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return new HeartbeatResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        ClassicGroup group = shard.groups.get(req.groupId());
        Errors invalid = validateMember(group, req.memberId(), req.groupInstanceId(), req.generationId());
        if (invalid != null) {
            return new HeartbeatResponseData().setErrorCode(invalid.code());
        }
        ClassicMember member = group.member(req.memberId());
        return switch (group.state()) {
            case PREPARING_REBALANCE -> {
                scheduleHeartbeat(group, member);
                yield new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code());
            }
            case COMPLETING_REBALANCE, STABLE -> {
                scheduleHeartbeat(group, member);
                yield new HeartbeatResponseData().setErrorCode(Errors.NONE.code());
            }
            default -> new HeartbeatResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        };
    }

    /** (Re)starts a member's session timer. */
    void scheduleHeartbeat(ClassicGroup group, ClassicMember m) {
        m.cancelHeartbeat();
        m.heartbeatTimer = shard.scheduler.schedule(() -> onSessionExpired(group, m), m.sessionTimeoutMs);
    }

    private void onSessionExpired(ClassicGroup group, ClassicMember m) {
        if (shard.groups.get(group.groupId) != group || group.member(m.memberId) != m) {
            return;
        }
        if (m.awaitingJoin != null) {
            // Waiting for the join phase to end counts as alive.
            scheduleHeartbeat(group, m);
            return;
        }
        removeMember(group, m);
        afterMembersLeft(group, "member " + m.memberId + " session timed out");
    }

    // ---- LeaveGroup

    LeaveGroupResponseData leave(LeaveGroupRequestData req, short version) {
        LeaveGroupResponseData resp = new LeaveGroupResponseData();
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return resp.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        List<LeaveGroupRequestData.MemberIdentity> identities = new ArrayList<>(req.members());
        if (version < 3) {
            identities = List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(req.memberId()));
        }
        ClassicGroup group = shard.groups.get(req.groupId());
        boolean unknownGroup = group == null || group.is(GroupState.DEAD);
        boolean removed = false;
        for (LeaveGroupRequestData.MemberIdentity id : identities) {
            Errors error = Errors.NONE;
            String memberId = id.memberId() == null ? "" : id.memberId();
            if (unknownGroup) {
                error = Errors.UNKNOWN_MEMBER_ID;
            } else if (id.groupInstanceId() != null) {
                String current = group.staticMemberId(id.groupInstanceId());
                if (current == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else if (!memberId.isEmpty() && !memberId.equals(current)) {
                    error = Errors.FENCED_INSTANCE_ID;
                } else {
                    removeMember(group, group.member(current));
                    removed = true;
                }
            } else if (group.pendingMembers.remove(memberId)) {
                ShardScheduler.Timer t = group.pendingTimers.remove(memberId);
                if (t != null) {
                    t.cancel();
                }
                removed = true;
            } else if (group.hasMember(memberId)) {
                removeMember(group, group.member(memberId));
                removed = true;
            } else {
                error = Errors.UNKNOWN_MEMBER_ID;
            }
            resp.members()
                    .add(new LeaveGroupResponseData.MemberResponse()
                            .setMemberId(memberId)
                            .setGroupInstanceId(id.groupInstanceId())
                            .setErrorCode(error.code()));
        }
        if (removed) {
            afterMembersLeft(group, "member(s) left the group");
        }
        if (version < 3) {
            resp.setErrorCode(resp.members().get(0).errorCode());
            resp.members().clear();
        }
        return resp;
    }

    /** Drops a member, answering what it waits for with UNKNOWN_MEMBER_ID. */
    void removeMember(ClassicGroup group, ClassicMember m) {
        m.cancelHeartbeat();
        if (m.awaitingJoin != null) {
            m.awaitingJoin.complete(joinError(m.memberId, Errors.UNKNOWN_MEMBER_ID));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            m.awaitingSync.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
            m.awaitingSync = null;
        }
        group.remove(m.memberId);
    }

    private void afterMembersLeft(ClassicGroup group, String reason) {
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> {}
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
