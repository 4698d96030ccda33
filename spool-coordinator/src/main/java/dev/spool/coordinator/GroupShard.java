package dev.spool.coordinator;

import dev.spool.common.Time;
import dev.spool.coordinator.OffsetsTopicLayout.GroupKey;
import dev.spool.coordinator.OffsetsTopicLayout.GroupValue;
import dev.spool.coordinator.OffsetsTopicLayout.MemberValue;
import dev.spool.coordinator.OffsetsTopicLayout.OffsetKey;
import dev.spool.coordinator.OffsetsTopicLayout.OffsetValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups and committed offsets of one {@code __consumer_offsets} partition, as an event-sourced
 * shard: a command computes records and a response; {@link #write} appends the records to the
 * partition and only then applies them through {@link #replay}, the one place persisted state
 * (committed offsets, the group snapshot: generation, protocol, leader, members' assignments, group
 * deletion) changes. Loading ({@link #load}) is the replay of the whole partition. The in-flight
 * rebalance (members waiting for JoinGroup/SyncGroup answers, timers) is runtime state of
 * {@link ClassicGroup}, as in Kafka, and is not persisted.
 *
 * <p>Lifecycle: {@link CoordinatorShard.Status} (NOT_LOADED → LOADING → ACTIVE or FAILED).
 * Thread-safety: every method runs on the shard's thread ({@link ShardScheduler}); only
 * {@link #status()} may be read from other threads.
 */
final class GroupShard extends CoordinatorShard {
    private static final Logger LOG = LoggerFactory.getLogger(GroupShard.class);

    static final String TOPIC = "__consumer_offsets";

    final GroupCoordinatorConfig config;
    final Map<String, ClassicGroup> groups = new HashMap<>();
    /** group → topic → partition → committed offset. */
    final Map<String, Map<String, Map<Integer, OffsetValue>>> offsets = new HashMap<>();
    /** Transactional offset commits waiting for their marker. */
    final PendingTxnOffsets pendingTxnOffsets = new PendingTxnOffsets();
    /**
     * Counts the records of the partition in log order (appended at run time, or replayed at load):
     * with {@link #committedAt} it orders a transactional commit against plain commits written
     * between it and its marker.
     */
    private long recordSequence;
    /** Where in {@link #recordSequence}'s order each committed offset was written. */
    private final Map<OffsetKey, Long> committedAt = new HashMap<>();
    /** The KIP-848 consumer groups (their own record types; group ids never in both maps). */
    final ConsumerGroups consumerGroups = new ConsumerGroups();

    private boolean loading;
    private ShardScheduler.Timer expiryTimer;

    GroupShard(int partition, CoordinatorLog log, ShardScheduler scheduler, Time time, GroupCoordinatorConfig config) {
        super(TOPIC, partition, log, scheduler, time);
        this.config = config;
    }

    /** Replays the whole partition, then schedules the members' session timers and offset expiry. */
    void load(ClassicRebalance rebalance) {
        transition(Status.LOADING, "replaying the partition");
        loading = true;
        long start = time.milliseconds();
        int[] count = {0};
        try {
            log.readAllWithMarkers(partition, new CoordinatorLog.ReplaySink() {
                @Override
                public void record(CoordinatorRecord r, long producerId) {
                    count[0]++;
                    try {
                        if (producerId >= 0) {
                            pendingTxnOffsets.add(producerId, r, ++recordSequence);
                        } else {
                            replay(r);
                        }
                    } catch (IllegalArgumentException e) {
                        LOG.warn("__consumer_offsets-{}: skipping an unreadable record: {}", partition, e.getMessage());
                    }
                }

                @Override
                public void marker(long producerId, TransactionResult result) {
                    completeTransaction(producerId, result);
                }
            });
        } catch (CoordinatorLog.CoordinatorLogException e) {
            LOG.error("__consumer_offsets-{}: load failed", partition, e);
            loading = false;
            transition(Status.FAILED, "load failed: " + e.getMessage());
            return;
        }
        loading = false;
        for (ClassicGroup g : groups.values()) {
            for (ClassicMember m : g.members.values()) {
                rebalance.scheduleHeartbeat(g, m);
            }
        }
        scheduleExpiry();
        transition(Status.ACTIVE, "loaded");
        LOG.debug(
                "__consumer_offsets-{}: loaded {} record(s), {} group(s) in {} ms",
                partition,
                count[0],
                groups.size(),
                time.milliseconds() - start);
    }

    /** Stops this shard's timers (the coordinator is closing or the shard resigns). */
    void unload() {
        if (expiryTimer != null) {
            expiryTimer.cancel();
        }
        for (ClassicGroup g : groups.values()) {
            g.cancelRebalanceTimer();
            g.pendingTimers.values().forEach(ShardScheduler.Timer::cancel);
            g.members.values().forEach(ClassicMember::cancelHeartbeat);
        }
        consumerGroups.all().forEach(ConsumerGroup::cancelTimers);
    }

    /**
     * Appends {@code records} to the partition, then applies them. Returns false (nothing applied) if the
     * append failed; the caller answers a retriable error.
     */
    boolean write(List<CoordinatorRecord> records) {
        if (records.isEmpty()) {
            return true;
        }
        try {
            log.append(partition, records, time.milliseconds());
        } catch (CoordinatorLog.CoordinatorLogException e) {
            LOG.warn("__consumer_offsets-{}: append failed: {}", partition, e.getMessage());
            return false;
        }
        for (CoordinatorRecord r : records) {
            replay(r);
        }
        return true;
    }

    /**
     * Appends {@code records} as one transactional batch of the producer; they wait in {@link
     * #pendingTxnOffsets} for the marker. False (nothing kept) if the append failed.
     */
    boolean writeTransactional(long producerId, short producerEpoch, List<CoordinatorRecord> records) {
        try {
            log.appendTransactional(partition, producerId, producerEpoch, records, time.milliseconds());
        } catch (CoordinatorLog.CoordinatorLogException e) {
            LOG.warn("__consumer_offsets-{}: transactional append failed: {}", partition, e.getMessage());
            return false;
        }
        records.forEach(r -> pendingTxnOffsets.add(producerId, r, ++recordSequence));
        return true;
    }

    /**
     * A transaction marker reached this partition: apply (COMMIT) or drop (ABORT) the producer's
     * commits. As in Kafka, a commit is applied only if no plain commit of the same partition was
     * written after it (before its marker): the later write in the log wins.
     */
    void completeTransaction(long producerId, TransactionResult result) {
        for (PendingTxnOffsets.Pending p : pendingTxnOffsets.complete(producerId, result)) {
            if (p.key() != null && committedAt.getOrDefault(p.key(), -1L) > p.sequence()) {
                continue;
            }
            try {
                replay(p.record(), p.sequence());
            } catch (IllegalArgumentException e) {
                LOG.warn("__consumer_offsets-{}: skipping an unreadable record: {}", partition, e.getMessage());
            }
        }
    }

    /** Applies one record, the newest of the partition: the only place persisted state changes. */
    void replay(CoordinatorRecord record) {
        replay(record, ++recordSequence);
    }

    private void replay(CoordinatorRecord record, long sequence) {
        if (ConsumerGroupRecords.isConsumerGroupKey(record.key())) {
            consumerGroups.replay(record);
            String group = ConsumerGroupRecords.decodeKey(record.key()).group();
            ClassicGroup simple = groups.get(group);
            if (record.value() != null && simple != null && simple.members.isEmpty()) {
                groups.remove(group); // an empty classic group became this consumer group
            }
            return;
        }
        OffsetsTopicLayout.Key key = OffsetsTopicLayout.decodeKey(record.key());
        if (key instanceof OffsetKey k) {
            if (record.value() == null) {
                committedAt.remove(k);
                Map<String, Map<Integer, OffsetValue>> byTopic = offsets.get(k.group());
                if (byTopic != null) {
                    Map<Integer, OffsetValue> byPartition = byTopic.get(k.topic());
                    if (byPartition != null) {
                        byPartition.remove(k.partition());
                        if (byPartition.isEmpty()) {
                            byTopic.remove(k.topic());
                        }
                    }
                    if (byTopic.isEmpty()) {
                        offsets.remove(k.group());
                    }
                }
            } else {
                OffsetValue v = OffsetsTopicLayout.decodeOffsetValue(record.value());
                committedAt.put(k, sequence);
                offsets.computeIfAbsent(k.group(), g -> new TreeMap<>())
                        .computeIfAbsent(k.topic(), t -> new TreeMap<>())
                        .put(k.partition(), v);
                // A commit for an unknown group creates a simple (memberless) group, as Kafka does.
                if (consumerGroups.contains(k.group())) {
                    return;
                }
                groups.computeIfAbsent(k.group(), g -> {
                    ClassicGroup simple = new ClassicGroup(g, time.milliseconds());
                    simple.protocolType = "";
                    return simple;
                });
            }
        } else if (key instanceof GroupKey k) {
            if (record.value() == null) {
                ClassicGroup g = groups.remove(k.group());
                if (g != null) {
                    g.cancelRebalanceTimer();
                    g.transitionTo(GroupState.DEAD, time.milliseconds(), "group deleted");
                }
            } else {
                replayGroup(k.group(), OffsetsTopicLayout.decodeGroupValue(record.value()));
            }
        }
    }

    private void replayGroup(String groupId, GroupValue v) {
        ClassicGroup g = groups.get(groupId);
        if (loading || g == null) {
            g = new ClassicGroup(groupId, v.currentStateTimestamp() >= 0 ? v.currentStateTimestamp() : -1);
            for (MemberValue mv : v.members()) {
                ClassicMember m = new ClassicMember(
                        mv.memberId(),
                        mv.groupInstanceId(),
                        mv.clientId(),
                        mv.clientHost(),
                        mv.rebalanceTimeoutMs(),
                        mv.sessionTimeoutMs(),
                        v.protocolType(),
                        List.of(new ClassicMember.Protocol(
                                v.protocol() == null ? "" : v.protocol(), mv.subscription())));
                m.assignment = mv.assignment();
                g.add(m);
            }
            g.restoreState(v.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE, v.currentStateTimestamp());
            ClassicGroup old = groups.put(groupId, g);
            if (old != null) {
                old.cancelRebalanceTimer();
                old.members.values().forEach(ClassicMember::cancelHeartbeat);
            }
        } else {
            // A live group: the snapshot's assignments take effect and a completing rebalance is done.
            for (MemberValue mv : v.members()) {
                ClassicMember m = g.member(mv.memberId());
                if (m != null) {
                    m.assignment = mv.assignment();
                }
            }
            if (g.is(GroupState.COMPLETING_REBALANCE) && !v.members().isEmpty()) {
                g.transitionTo(GroupState.STABLE, time.milliseconds(), "leader's assignment persisted");
            }
        }
        g.generation = v.generation();
        g.protocolType = v.protocolType();
        g.protocolName = v.protocol();
        g.leaderId = v.leader();
    }

    // ---- records

    /** The group snapshot record of {@code g} with {@code assignments} (member id → bytes). */
    static CoordinatorRecord groupRecord(ClassicGroup g, Map<String, byte[]> assignments, long nowMs) {
        List<MemberValue> members = new ArrayList<>();
        for (ClassicMember m : g.members.values()) {
            byte[] sub = g.protocolName == null ? null : m.metadata(g.protocolName);
            byte[] assignment = assignments.getOrDefault(m.memberId, m.assignment);
            members.add(new MemberValue(
                    m.memberId,
                    m.groupInstanceId,
                    m.clientId,
                    m.clientHost,
                    m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs,
                    sub == null ? new byte[0] : sub,
                    assignment == null ? new byte[0] : assignment));
        }
        GroupValue v = new GroupValue(
                g.protocolType == null ? "" : g.protocolType, g.generation, g.protocolName, g.leaderId, nowMs, members);
        return new CoordinatorRecord(OffsetsTopicLayout.groupKey(g.groupId), OffsetsTopicLayout.groupValue(v));
    }

    static CoordinatorRecord offsetRecord(String group, String topic, int partition, OffsetValue v) {
        return new CoordinatorRecord(
                OffsetsTopicLayout.offsetKey(group, topic, partition), OffsetsTopicLayout.offsetValue(v));
    }

    static CoordinatorRecord offsetTombstone(String group, String topic, int partition) {
        return new CoordinatorRecord(OffsetsTopicLayout.offsetKey(group, topic, partition), null);
    }

    /** Tombstones for every offset of {@code group} and for the group itself. */
    List<CoordinatorRecord> deletionRecords(String group) {
        List<CoordinatorRecord> out = new ArrayList<>();
        Map<String, Map<Integer, OffsetValue>> byTopic = offsets.getOrDefault(group, Map.of());
        for (Map.Entry<String, Map<Integer, OffsetValue>> t : byTopic.entrySet()) {
            for (Integer p : t.getValue().keySet()) {
                out.add(offsetTombstone(group, t.getKey(), p));
            }
        }
        out.add(new CoordinatorRecord(OffsetsTopicLayout.groupKey(group), null));
        return out;
    }

    /** The committed offsets of {@code group} (topic → partition → value); empty if none. */
    Map<String, Map<Integer, OffsetValue>> offsetsOf(String group) {
        return offsets.getOrDefault(group, Map.of());
    }

    Collection<ClassicGroup> allGroups() {
        return groups.values();
    }

    // ---- offset retention (offsets.retention.minutes)

    private void scheduleExpiry() {
        expiryTimer = scheduler.schedule(
                () -> {
                    expireOffsets();
                    scheduleExpiry();
                },
                config.offsetsRetentionCheckIntervalMs());
    }

    /**
     * Kafka's retention rule (KIP-211): offsets of an empty group expire {@code offsets.retention} after
     * the group became empty (or after the commit, for a simple group); offsets of a live consumer group
     * expire for topics it no longer subscribes to. An empty group left without offsets is deleted.
     */
    int expireOffsets() {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (ClassicGroup g : new ArrayList<>(groups.values())) {
            Map<String, Map<Integer, OffsetValue>> byTopic = offsets.getOrDefault(g.groupId, Map.of());
            boolean empty = g.is(GroupState.EMPTY);
            if (!empty && !"consumer".equals(g.protocolType)) {
                continue;
            }
            java.util.Set<String> subscribed = empty ? java.util.Set.of() : g.subscribedTopics();
            int expired = 0;
            int total = 0;
            for (Map.Entry<String, Map<Integer, OffsetValue>> t : byTopic.entrySet()) {
                for (Map.Entry<Integer, OffsetValue> p : t.getValue().entrySet()) {
                    total++;
                    if (subscribed.contains(t.getKey())) {
                        continue;
                    }
                    OffsetValue v = p.getValue();
                    long base = empty && g.stateTimestampMs >= 0 && g.protocolType != null && !g.protocolType.isEmpty()
                            ? g.stateTimestampMs
                            : v.commitTimestamp();
                    boolean due = v.expireTimestamp() >= 0
                            ? now >= v.expireTimestamp()
                            : now - base >= config.offsetsRetentionMs();
                    if (due) {
                        records.add(offsetTombstone(g.groupId, t.getKey(), p.getKey()));
                        expired++;
                    }
                }
            }
            if (empty && expired == total && g.members.isEmpty() && g.pendingMembers.isEmpty()) {
                records.add(new CoordinatorRecord(OffsetsTopicLayout.groupKey(g.groupId), null));
            }
        }
        // KIP-848 groups: offsets expire by commit time, those of a live group only for topics it no
        // longer subscribes to; an empty group left without offsets is deleted.
        for (ConsumerGroup cg : consumerGroups.all()) {
            java.util.Set<String> subscribed = cg.isEmpty() ? java.util.Set.of() : consumerGroups.subscribedTopics(cg);
            int expired = 0;
            int total = 0;
            for (Map.Entry<String, Map<Integer, OffsetValue>> t :
                    offsets.getOrDefault(cg.groupId, Map.of()).entrySet()) {
                for (Map.Entry<Integer, OffsetValue> p : t.getValue().entrySet()) {
                    total++;
                    if (!subscribed.contains(t.getKey())
                            && now - p.getValue().commitTimestamp() >= config.offsetsRetentionMs()) {
                        records.add(offsetTombstone(cg.groupId, t.getKey(), p.getKey()));
                        expired++;
                    }
                }
            }
            if (cg.isEmpty() && expired == total) {
                records.addAll(ConsumerGroups.groupTombstones(cg));
            }
        }
        if (!records.isEmpty()) {
            if (write(records)) {
                LOG.info("__consumer_offsets-{}: expired {} record(s)", partition, records.size());
            }
        }
        return records.size();
    }
}
