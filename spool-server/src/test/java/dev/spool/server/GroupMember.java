package dev.spool.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real kafka-clients consumer in a group, polling on a thread of its own: records what it receives
 * and what it is assigned. Closing it either leaves the group or (abandon) stays in it, as a crashed
 * member would, so the broker must evict it after its session timeout.
 */
final class GroupMember implements AutoCloseable {
    /** One received record. */
    record Received(String member, int partition, long offset, String value) {}

    private final String name;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    private final List<Received> sink;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile boolean leave = true;
    private volatile int generationsSeen;

    GroupMember(String name, String bootstrap, String group, String topic, Properties extra, List<Received> sink) {
        this.name = name;
        this.sink = sink;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(extra);
        consumer = new KafkaConsumer<>(p);
        thread = new Thread(() -> run(topic), "member-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    static List<Received> newSink() {
        return new CopyOnWriteArrayList<>();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    consumer.commitSync();
                    assignment.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignment.addAll(partitions);
                    generationsSeen++;
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    assignment.removeAll(partitions);
                }
            });
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    sink.add(new Received(name, r.partition(), r.offset(), r.value()));
                }
                if (!sink.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (RebalanceInProgressException e) {
                        // Cooperative rebalancing: the next poll completes it; revocation commits then.
                    } catch (CommitFailedException e) {
                        // KIP-848: the member epoch moved on between the heartbeat that bumped it and
                        // this commit (STALE_MEMBER_EPOCH, as Kafka answers); the next poll brings the
                        // new epoch and the next commit (or the revocation's) covers these offsets.
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException t) {
            failure.set(t);
        } finally {
            consumer.close(
                    leave
                            ? CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                            : CloseOptions.groupMembershipOperation(
                                    CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        }
    }

    String name() {
        return name;
    }

    Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    int generationsSeen() {
        return generationsSeen;
    }

    Throwable failure() {
        return failure.get();
    }

    /** Stops without leaving the group: the broker only learns of it through the session timeout. */
    void abandon() throws InterruptedException {
        leave = false;
        stop();
    }

    private void stop() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(30_000);
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static List<TopicPartition> all(List<GroupMember> members) {
        List<TopicPartition> out = new ArrayList<>();
        for (GroupMember m : members) {
            out.addAll(m.assignment());
        }
        return out;
    }
}
