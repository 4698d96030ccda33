package dev.spool.coordinator;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.MemberMetadata;
import dev.spool.coordinator.ConsumerGroupRecords.MemberState;
import dev.spool.coordinator.assignor.Assignments;
import dev.spool.coordinator.assignor.ConsumerGroupAssignor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsumerGroupHeartbeat (KIP-848) on one shard: joins, leaves (epoch -1; -2 for a static member that
 * will come back), member fencing, subscription changes, a new target assignment whenever the group
 * epoch moves (a member joins, leaves or changes its subscription, or a subscribed topic appears or
 * changes its partition count), and the member's reconciliation step ({@link Reconciliation}). Every
 * change is written as Kafka's consumer-group records and applied by replay. Session timeouts evict
 * members that stop heartbeating; a member that does not revoke within its rebalance timeout is fenced.
 * Runs on the shard's thread only; not thread-safe.
 */
final class ConsumerGroupHeartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupHeartbeats.class);
    private static final Set<String> INTERNAL_TOPICS =
            Set.of("__consumer_offsets", "__transaction_state", "__share_group_state");
    private static final int MAX_CACHED_PATTERNS = 1024;

    /** An expected refusal: an error code and Kafka's message. Carries no stack trace. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Errors error;

        Refusal(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    private final GroupShard shard;
    private final ConsumerGroups groups;
    private final ConsumerGroupConfig config;
    private final TopicCatalog catalog;
    private final Map<String, ConsumerGroupAssignor> assignors = new LinkedHashMap<>();
    private final Map<String, Pattern> patterns = new HashMap<>();

    ConsumerGroupHeartbeats(GroupShard shard, ConsumerGroupConfig config, TopicCatalog catalog) {
        this.shard = shard;
        this.groups = shard.consumerGroups;
        this.config = config;
        this.catalog = catalog;
        for (String name : config.assignors()) {
            ConsumerGroupAssignor a = ConsumerGroupAssignor.named(name);
            if (a == null) {
                throw new IllegalArgumentException("unknown consumer group assignor " + name);
            }
            assignors.put(a.name(), a);
        }
        groups.topicResolver(this::subscribedTopicNames);
    }

    /** The names of the existing topics the members of {@code g} subscribe to, by name or regex. */
    Set<String> subscribedTopicNames(ConsumerGroup g) {
        Set<String> out = new TreeSet<>();
        for (Set<Uuid> ids : subscriptions(g.members).values()) {
            for (Uuid id : ids) {
                TopicCatalog.TopicInfo t = catalog.byId(id);
                if (t != null) {
                    out.add(t.name());
                }
            }
        }
        return out;
    }

    ConsumerGroupConfig config() {
        return config;
    }

    /** Starts the session timers of the members read from the log (after the shard loaded). */
    void onLoaded() {
        for (ConsumerGroup g : groups.all()) {
            for (String memberId : g.members.keySet()) {
                scheduleSession(g, memberId);
            }
        }
    }

    ConsumerGroupHeartbeatResponseData heartbeat(
            ConsumerGroupHeartbeatRequestData req, short version, String clientId, String clientHost) {
        try {
            validate(req, version);
            int epoch = req.memberEpoch();
            if (epoch == ConsumerGroupMember.LEAVE_EPOCH || epoch == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
                return leave(req);
            }
            return join(req, version, clientId, clientHost);
        } catch (Refusal r) {
            return new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(r.error.code())
                    .setErrorMessage(r.getMessage());
        }
    }

    private void validate(ConsumerGroupHeartbeatRequestData req, short version) throws Refusal {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            throw invalid("GroupId can't be empty.");
        }
        if (req.instanceId() != null && req.instanceId().isEmpty()) {
            throw invalid("InstanceId can't be empty.");
        }
        if (req.rackId() != null && req.rackId().isEmpty()) {
            throw invalid("RackId can't be empty.");
        }
        String memberId = req.memberId() == null ? "" : req.memberId();
        int epoch = req.memberEpoch();
        if (epoch == 0) {
            if (version >= 1 && memberId.isEmpty()) {
                throw invalid("MemberId can't be empty.");
            }
            if (req.rebalanceTimeoutMs() == -1) {
                throw invalid("RebalanceTimeoutMs must be provided in first request.");
            }
            if (req.topicPartitions() == null || !req.topicPartitions().isEmpty()) {
                throw invalid("TopicPartitions must be empty when (re-)joining.");
            }
            boolean regex = version >= 1 && req.subscribedTopicRegex() != null;
            if (req.subscribedTopicNames() == null && !regex) {
                throw invalid("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else if (epoch < ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            throw invalid("MemberEpoch is invalid.");
        } else if (memberId.isEmpty()) {
            throw invalid("MemberId can't be empty.");
        }
        if (epoch == ConsumerGroupMember.LEFT_STATIC_EPOCH && req.instanceId() == null) {
            throw invalid("InstanceId can't be null.");
        }
        if (req.serverAssignor() != null && !assignors.containsKey(req.serverAssignor())) {
            throw new Refusal(
                    Errors.UNSUPPORTED_ASSIGNOR,
                    "ServerAssignor " + req.serverAssignor() + " is not supported. Supported assignors: "
                            + String.join(", ", assignors.keySet()) + ".");
        }
        if (version >= 1
                && req.subscribedTopicRegex() != null
                && !req.subscribedTopicRegex().isEmpty()) {
            pattern(req.subscribedTopicRegex());
        }
    }

    private static Refusal invalid(String message) {
        return new Refusal(Errors.INVALID_REQUEST, message);
    }

    private Pattern pattern(String regex) throws Refusal {
        Pattern p = patterns.get(regex);
        if (p != null) {
            return p;
        }
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new Refusal(
                    Errors.INVALID_REGULAR_EXPRESSION,
                    "SubscribedTopicRegex `" + regex + "` is not a valid regular expression: " + e.getDescription()
                            + ".");
        }
        if (patterns.size() >= MAX_CACHED_PATTERNS) {
            patterns.clear();
        }
        patterns.put(regex, p);
        return p;
    }

    // ---- join / heartbeat

    private ConsumerGroupHeartbeatResponseData join(
            ConsumerGroupHeartbeatRequestData req, short version, String clientId, String clientHost) throws Refusal {
        String groupId = req.groupId();
        int epoch = req.memberEpoch();
        List<CoordinatorRecord> records = new ArrayList<>();
        ConsumerGroup g = groups.get(groupId);
        ClassicGroup classic = shard.groups.get(groupId);
        if (g == null && classic != null && !classic.is(GroupState.DEAD)) {
            boolean empty =
                    classic.is(GroupState.EMPTY) && classic.members.isEmpty() && classic.pendingMembers.isEmpty();
            if (epoch != 0 || !empty) {
                throw new Refusal(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a consumer group.");
            }
            // An empty classic (or simple) group becomes a consumer group; its committed offsets stay.
            records.add(new CoordinatorRecord(OffsetsTopicLayout.groupKey(groupId), null));
        }
        if (g == null && epoch != 0) {
            throw new Refusal(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.");
        }
        ConsumerGroup current = g == null ? new ConsumerGroup(groupId) : g;
        String memberId = req.memberId() == null || req.memberId().isEmpty()
                ? Uuid.randomUuid().toString()
                : req.memberId();
        ConsumerGroupMember member = current.member(memberId);
        ConsumerGroupMember replaced = null;
        boolean joining = member == null;
        if (epoch == 0) {
            if (req.instanceId() != null) {
                String oldId = current.staticMembers.get(req.instanceId());
                if (oldId != null && !oldId.equals(memberId)) {
                    ConsumerGroupMember old = current.member(oldId);
                    if (old.memberEpoch() != ConsumerGroupMember.LEFT_STATIC_EPOCH) {
                        throw new Refusal(
                                Errors.UNRELEASED_INSTANCE_ID,
                                "Static member " + oldId + " with instance id " + req.instanceId()
                                        + " is not released yet.");
                    }
                    replaced = old;
                }
            }
            if (member == null && replaced == null && current.members.size() >= config.maxSize()) {
                throw new Refusal(
                        Errors.GROUP_MAX_SIZE_REACHED,
                        "The consumer group has reached its maximum capacity of " + config.maxSize() + " members.");
            }
            if (member == null) {
                // A static member coming back takes over its previous incarnation's partitions.
                member = replaced == null
                        ? ConsumerGroupMember.joining(memberId)
                        : new ConsumerGroupMember(
                                memberId,
                                replaced.metadata(),
                                new CurrentAssignment(
                                        0,
                                        -1,
                                        MemberState.STABLE,
                                        replaced.assignment().assigned(),
                                        replaced.assignment().pendingRevocation()));
            }
        } else {
            if (member == null) {
                throw new Refusal(
                        Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group " + groupId + ".");
            }
            checkEpoch(member, req);
        }

        Map<String, Map<Uuid, Set<Integer>>> targets = new HashMap<>(current.target);
        if (replaced != null) {
            records.addAll(ConsumerGroups.memberTombstones(groupId, replaced.memberId()));
            Map<Uuid, Set<Integer>> oldTarget = targets.remove(replaced.memberId());
            if (oldTarget != null) {
                targets.put(memberId, oldTarget);
                records.add(ConsumerGroups.target(groupId, memberId, oldTarget));
            }
        }

        MemberMetadata md = member.metadata();
        List<String> names = req.subscribedTopicNames() == null
                ? md.subscribedTopicNames()
                : new ArrayList<>(new TreeSet<>(req.subscribedTopicNames()));
        String regex = md.subscribedTopicRegex();
        if (version >= 1 && req.subscribedTopicRegex() != null) {
            regex = req.subscribedTopicRegex().isEmpty() ? null : req.subscribedTopicRegex();
        }
        MemberMetadata updated = new MemberMetadata(
                req.instanceId() != null ? req.instanceId() : md.instanceId(),
                req.rackId() != null ? req.rackId() : md.rackId(),
                clientId,
                clientHost,
                names,
                regex,
                req.rebalanceTimeoutMs() != -1 ? req.rebalanceTimeoutMs() : md.rebalanceTimeoutMs(),
                req.serverAssignor() != null ? req.serverAssignor() : md.serverAssignor());
        // A static member replacing its previous incarnation keeps its subscription: no new epoch then.
        boolean subscriptionChanged = (joining && replaced == null)
                || !new HashSet<>(updated.subscribedTopicNames()).equals(new HashSet<>(md.subscribedTopicNames()))
                || !Objects.equals(updated.subscribedTopicRegex(), md.subscribedTopicRegex())
                || !Objects.equals(updated.serverAssignor(), md.serverAssignor());
        if (joining || !updated.equals(md)) {
            records.add(ConsumerGroups.memberMetadata(groupId, memberId, updated));
        }
        member = member.withMetadata(updated);

        SortedMap<String, ConsumerGroupMember> members = new TreeMap<>(current.members);
        if (replaced != null) {
            members.remove(replaced.memberId());
        }
        members.put(memberId, member);
        Map<String, Set<Uuid>> subscriptions = subscriptions(members);
        SortedMap<Uuid, Integer> topics = topicsOf(subscriptions);
        long hash = metadataHash(topics);
        int groupEpoch = current.groupEpoch;
        if (subscriptionChanged || hash != current.metadataHash) {
            groupEpoch++;
            records.add(ConsumerGroups.groupMetadata(groupId, groupEpoch, hash));
        }

        int targetEpoch = current.assignmentEpoch;
        if (groupEpoch > targetEpoch) {
            Map<String, Map<Uuid, Set<Integer>>> next = assign(members, subscriptions, topics, targets);
            for (Map.Entry<String, Map<Uuid, Set<Integer>>> e : next.entrySet()) {
                if (!e.getValue().equals(targets.getOrDefault(e.getKey(), Map.of()))) {
                    records.add(ConsumerGroups.target(groupId, e.getKey(), e.getValue()));
                }
            }
            records.add(ConsumerGroups.targetEpoch(groupId, groupEpoch, shard.time.milliseconds()));
            targets = next;
            targetEpoch = groupEpoch;
        }

        Map<Uuid, Set<Integer>> owned = owned(req);
        ConsumerGroupMember self = member;
        ConsumerGroupMember gone = replaced;
        CurrentAssignment before = member.assignment();
        CurrentAssignment after = Reconciliation.next(
                before,
                targetEpoch,
                targets.getOrDefault(memberId, Map.of()),
                (t, p) -> {
                    if (gone != null
                            && (Assignments.contains(gone.assignment().assigned(), t, p)
                                    || Assignments.contains(gone.assignment().pendingRevocation(), t, p))) {
                        return -1;
                    }
                    return current.ownerEpoch(t, p, self.memberId());
                },
                owned);
        if (after != before || joining) {
            records.add(ConsumerGroups.currentAssignment(groupId, memberId, after));
        }
        if (!shard.write(records)) {
            throw new Refusal(Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        ConsumerGroup live = groups.get(groupId);
        if (replaced != null) {
            live.cancelTimers(replaced.memberId());
        }
        scheduleSession(live, memberId);
        scheduleRevocation(live, memberId, after, updated.rebalanceTimeoutMs());
        ConsumerGroupHeartbeatResponseData resp = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(memberId)
                .setMemberEpoch(after.memberEpoch())
                .setHeartbeatIntervalMs(config.heartbeatIntervalMs());
        if (epoch == 0
                || !after.assigned().equals(before.assigned())
                || (owned != null && !owned.equals(after.assigned()))) {
            resp.setAssignment(assignment(after.assigned()));
        }
        return resp;
    }

    /** Kafka's fencing: a newer epoch is fenced; an older one only passes if it is the previous epoch of a lost answer. */
    private static void checkEpoch(ConsumerGroupMember member, ConsumerGroupHeartbeatRequestData req) throws Refusal {
        int received = req.memberEpoch();
        int expected = member.memberEpoch();
        if (received == expected) {
            return;
        }
        if (received < expected
                && received == member.assignment().previousMemberEpoch()
                && req.topicPartitions() != null
                && Assignments.isSubset(
                        toMap(req.topicPartitions()), member.assignment().assigned())) {
            return;
        }
        throw new Refusal(
                Errors.FENCED_MEMBER_EPOCH,
                "The consumer group member has a " + (received > expected ? "greater" : "smaller")
                        + " member epoch (" + received + ") than the one known by the group coordinator ("
                        + expected + "). The member must abandon all its partitions and rejoin.");
    }

    // ---- leave and eviction

    private ConsumerGroupHeartbeatResponseData leave(ConsumerGroupHeartbeatRequestData req) throws Refusal {
        String groupId = req.groupId();
        ConsumerGroup g = groups.get(groupId);
        if (g == null) {
            throw new Refusal(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.");
        }
        ConsumerGroupMember member;
        if (req.instanceId() != null) {
            String id = g.staticMembers.get(req.instanceId());
            if (id == null) {
                throw new Refusal(Errors.UNKNOWN_MEMBER_ID, "Instance id " + req.instanceId() + " is unknown.");
            }
            if (!id.equals(req.memberId())) {
                throw new Refusal(
                        Errors.FENCED_INSTANCE_ID,
                        "Static member " + req.memberId() + " with instance id " + req.instanceId()
                                + " was fenced by member " + id + ".");
            }
            member = g.member(id);
        } else {
            member = g.member(req.memberId());
            if (member == null) {
                throw new Refusal(
                        Errors.UNKNOWN_MEMBER_ID,
                        "Member " + req.memberId() + " is not a member of group " + groupId + ".");
            }
        }
        if (req.memberEpoch() == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            // A static member leaving for a while keeps its partitions; no rebalance until its session ends.
            CurrentAssignment a = member.assignment();
            CurrentAssignment left = new CurrentAssignment(
                    ConsumerGroupMember.LEFT_STATIC_EPOCH,
                    a.memberEpoch(),
                    a.state(),
                    a.assigned(),
                    a.pendingRevocation());
            if (!shard.write(List.of(ConsumerGroups.currentAssignment(groupId, member.memberId(), left)))) {
                throw new Refusal(Errors.COORDINATOR_NOT_AVAILABLE, null);
            }
            cancelRevocation(g, member.memberId());
        } else if (!remove(g, member.memberId(), "left the group")) {
            throw new Refusal(Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        return new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId())
                .setMemberEpoch(req.memberEpoch())
                .setHeartbeatIntervalMs(0);
    }

    /** Removes a member and bumps the group epoch (the others get a new target at their next heartbeat). */
    private boolean remove(ConsumerGroup g, String memberId, String reason) {
        List<CoordinatorRecord> records = new ArrayList<>(ConsumerGroups.memberTombstones(g.groupId, memberId));
        SortedMap<String, ConsumerGroupMember> members = new TreeMap<>(g.members);
        members.remove(memberId);
        long hash = metadataHash(topicsOf(subscriptions(members)));
        records.add(ConsumerGroups.groupMetadata(g.groupId, g.groupEpoch + 1, hash));
        if (!shard.write(records)) {
            return false;
        }
        g.cancelTimers(memberId);
        LOG.info("Member {} of consumer group {} {}; group epoch {}", memberId, g.groupId, reason, g.groupEpoch);
        return true;
    }

    private void scheduleSession(ConsumerGroup g, String memberId) {
        ShardScheduler.Timer old = g.sessionTimers.remove(memberId);
        if (old != null) {
            old.cancel();
        }
        String groupId = g.groupId;
        g.sessionTimers.put(
                memberId,
                shard.scheduler.schedule(
                        () -> {
                            ConsumerGroup live = groups.get(groupId);
                            if (live != null && live.member(memberId) != null) {
                                live.sessionTimers.remove(memberId);
                                remove(
                                        live,
                                        memberId,
                                        "timed out (session timeout " + config.sessionTimeoutMs() + " ms)");
                            }
                        },
                        config.sessionTimeoutMs()));
    }

    private void scheduleRevocation(ConsumerGroup g, String memberId, CurrentAssignment a, int rebalanceTimeoutMs) {
        if (a.state() != MemberState.UNREVOKED_PARTITIONS) {
            cancelRevocation(g, memberId);
            return;
        }
        if (g.revocationTimers.containsKey(memberId)) {
            return;
        }
        String groupId = g.groupId;
        int epoch = a.memberEpoch();
        g.revocationTimers.put(
                memberId,
                shard.scheduler.schedule(
                        () -> {
                            ConsumerGroup live = groups.get(groupId);
                            ConsumerGroupMember m = live == null ? null : live.member(memberId);
                            if (m != null) {
                                live.revocationTimers.remove(memberId);
                                if (m.assignment().state() == MemberState.UNREVOKED_PARTITIONS
                                        && m.memberEpoch() == epoch) {
                                    remove(
                                            live,
                                            memberId,
                                            "did not revoke its partitions within " + rebalanceTimeoutMs
                                                    + " ms (fenced)");
                                }
                            }
                        },
                        Math.max(1, rebalanceTimeoutMs)));
    }

    private static void cancelRevocation(ConsumerGroup g, String memberId) {
        ShardScheduler.Timer t = g.revocationTimers.remove(memberId);
        if (t != null) {
            t.cancel();
        }
    }

    // ---- subscriptions, metadata and assignment

    /** Each member's subscribed topics (ids of existing topics): its names plus its regex's matches. */
    private Map<String, Set<Uuid>> subscriptions(Map<String, ConsumerGroupMember> members) {
        Map<String, Set<Uuid>> out = new HashMap<>();
        List<TopicCatalog.TopicInfo> all = null;
        for (ConsumerGroupMember m : members.values()) {
            Set<Uuid> ids = new HashSet<>();
            for (String name : m.metadata().subscribedTopicNames()) {
                TopicCatalog.TopicInfo t = catalog.byName(name);
                if (t != null) {
                    ids.add(t.id());
                }
            }
            String regex = m.metadata().subscribedTopicRegex();
            if (regex != null) {
                Pattern p;
                try {
                    p = pattern(regex);
                } catch (Refusal e) {
                    p = null;
                }
                if (p != null) {
                    if (all == null) {
                        all = new ArrayList<>(catalog.topics());
                    }
                    for (TopicCatalog.TopicInfo t : all) {
                        if (!INTERNAL_TOPICS.contains(t.name())
                                && p.matcher(t.name()).matches()) {
                            ids.add(t.id());
                        }
                    }
                }
            }
            out.put(m.memberId(), ids);
        }
        return out;
    }

    private SortedMap<Uuid, Integer> topicsOf(Map<String, Set<Uuid>> subscriptions) {
        SortedMap<Uuid, Integer> out = new TreeMap<>();
        for (Set<Uuid> ids : subscriptions.values()) {
            for (Uuid id : ids) {
                if (!out.containsKey(id)) {
                    TopicCatalog.TopicInfo t = catalog.byId(id);
                    if (t != null) {
                        out.put(id, t.partitions());
                    }
                }
            }
        }
        return out;
    }

    /** A hash of the subscribed topics' ids and partition counts (0 for none): a change means reassign. */
    static long metadataHash(SortedMap<Uuid, Integer> topics) {
        long h = 0;
        for (Map.Entry<Uuid, Integer> e : topics.entrySet()) {
            h = mix(h ^ e.getKey().getMostSignificantBits());
            h = mix(h ^ e.getKey().getLeastSignificantBits());
            h = mix(h ^ e.getValue());
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private Map<String, Map<Uuid, Set<Integer>>> assign(
            SortedMap<String, ConsumerGroupMember> members,
            Map<String, Set<Uuid>> subscriptions,
            SortedMap<Uuid, Integer> topics,
            Map<String, Map<Uuid, Set<Integer>>> targets) {
        SortedMap<String, ConsumerGroupAssignor.MemberSpec> specs = new TreeMap<>();
        for (String id : members.keySet()) {
            specs.put(
                    id,
                    new ConsumerGroupAssignor.MemberSpec(subscriptions.get(id), targets.getOrDefault(id, Map.of())));
        }
        return assignors.get(assignorName(members.values())).assign(new ConsumerGroupAssignor.GroupSpec(specs, topics));
    }

    /** Kafka's choice: the assignor most members ask for, else the first configured. */
    String assignorName(Iterable<ConsumerGroupMember> members) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerGroupMember m : members) {
            if (m.metadata().serverAssignor() != null
                    && assignors.containsKey(m.metadata().serverAssignor())) {
                votes.merge(m.metadata().serverAssignor(), 1, Integer::sum);
            }
        }
        String best = assignors.keySet().iterator().next();
        int bestVotes = 0;
        for (String name : assignors.keySet()) {
            int v = votes.getOrDefault(name, 0);
            if (v > bestVotes) {
                best = name;
                bestVotes = v;
            }
        }
        return best;
    }

    private static Map<Uuid, Set<Integer>> owned(ConsumerGroupHeartbeatRequestData req) {
        return req.topicPartitions() == null ? null : toMap(req.topicPartitions());
    }

    private static Map<Uuid, Set<Integer>> toMap(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> tps) {
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : tps) {
            out.computeIfAbsent(tp.topicId(), x -> new TreeSet<>()).addAll(tp.partitions());
        }
        return Assignments.copy(out);
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        ConsumerGroupHeartbeatResponseData.Assignment a = new ConsumerGroupHeartbeatResponseData.Assignment();
        for (Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
            a.topicPartitions()
                    .add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                            .setTopicId(e.getKey())
                            .setPartitions(new ArrayList<>(e.getValue())));
        }
        return a;
    }
}
