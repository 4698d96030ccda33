package dev.spool.bench.compare;

import dev.spool.common.SuppressForbidden;
import dev.spool.common.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The harness's consumer-group workloads (issue 6), run the same way against both brokers; one result
 * line each, read by {@link RunParser}:
 *
 * <ul>
 *   <li>{@code stabilise BOOTSTRAP TOPIC MEMBERS PROTOCOL}: MEMBERS consumers of one new group (each on
 *       its own thread, {@code group.protocol} = PROTOCOL: {@code classic} or {@code consumer})
 *       subscribe at once to TOPIC, which has MEMBERS partitions; timed from the first subscribe until
 *       every member owns exactly one partition (so together all of them). Prints {@code group:
 *       members=N stabilise_ms=T}.
 *   <li>{@code commits BOOTSTRAP TOPIC SECONDS}: one member of a new group, once it has its partitions,
 *       commits an offset with {@code commitSync} in a loop for SECONDS (each commit waits for the
 *       coordinator's answer, so this is the commit round trip). Prints {@code commits: count=N
 *       elapsed_ms=T}.
 * </ul>
 */
public final class GroupBench {
    private static final Time TIME = Time.SYSTEM;
    private static final Duration POLL = Duration.ofMillis(50);
    private static final long STABILISE_TIMEOUT_MS = 60_000;

    private GroupBench() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "" : args[0];
        switch (cmd) {
            case "stabilise" -> {
                need(args, 5);
                stabilise(args[1], args[2], Integer.parseInt(args[3]), args[4]);
            }
            case "commits" -> {
                need(args, 4);
                commits(args[1], args[2], Integer.parseInt(args[3]));
            }
            default -> throw new IllegalArgumentException("usage: GroupBench stabilise|commits ...");
        }
    }

    private static void need(String[] args, int n) {
        if (args.length != n) {
            throw new IllegalArgumentException(
                    args[0] + ": expected " + (n - 1) + " arguments, got " + (args.length - 1));
        }
    }

    static Properties consumerProps(String bootstrap, String group, String protocol) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /** Whether the owners' assignments are one partition each and cover all {@code partitions}. */
    static boolean stable(Collection<Set<TopicPartition>> owned, int partitions) {
        Set<TopicPartition> union = new HashSet<>();
        for (Set<TopicPartition> mine : owned) {
            if (mine.size() != 1) {
                return false;
            }
            union.addAll(mine);
        }
        return union.size() == partitions && owned.size() == partitions;
    }

    static void stabilise(String bootstrap, String topic, int members, String protocol) throws Exception {
        String group = "bench-stabilise-" + Long.toHexString(TIME.nanoseconds());
        Map<Integer, Set<TopicPartition>> owned = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        long[] stableAt = {0};
        Object lock = new Object();
        List<Thread> threads = new ArrayList<>();
        long t0 = TIME.nanoseconds();
        for (int m = 0; m < members; m++) {
            int id = m;
            Thread t = new Thread(
                    () -> {
                        try (KafkaConsumer<byte[], byte[]> c =
                                new KafkaConsumer<>(consumerProps(bootstrap, group, protocol))) {
                            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                                @Override
                                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                                    owned.computeIfPresent(id, (k, v) -> without(v, revoked));
                                }

                                @Override
                                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                                    owned.merge(id, Set.copyOf(assigned), GroupBench::with);
                                }

                                @Override
                                public void onPartitionsLost(Collection<TopicPartition> lost) {
                                    owned.remove(id);
                                }
                            });
                            while (!stop.get()) {
                                c.poll(POLL);
                                synchronized (lock) {
                                    if (stableAt[0] == 0 && stable(owned.values(), members)) {
                                        stableAt[0] = TIME.nanoseconds();
                                        done.countDown();
                                    }
                                }
                            }
                        }
                    },
                    "member-" + m);
            threads.add(t);
            t.start();
        }
        boolean ok = done.await(STABILISE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (!ok) {
            throw new IllegalStateException("the group of " + members + " did not stabilise in " + STABILISE_TIMEOUT_MS
                    + " ms; owned: " + owned);
        }
        print(String.format(Locale.ROOT, "group: members=%d stabilise_ms=%.3f", members, (stableAt[0] - t0) / 1e6));
    }

    private static Set<TopicPartition> with(Set<TopicPartition> a, Set<TopicPartition> b) {
        Set<TopicPartition> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    private static Set<TopicPartition> without(Set<TopicPartition> a, Collection<TopicPartition> b) {
        Set<TopicPartition> s = new HashSet<>(a);
        s.removeAll(b);
        return Set.copyOf(s);
    }

    static void commits(String bootstrap, String topic, int seconds) {
        String group = "bench-commits-" + Long.toHexString(TIME.nanoseconds());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap, group, "classic"))) {
            c.subscribe(List.of(topic));
            long deadline = TIME.milliseconds() + STABILISE_TIMEOUT_MS;
            while (c.assignment().isEmpty()) {
                if (TIME.milliseconds() > deadline) {
                    throw new IllegalStateException("no partitions assigned");
                }
                c.poll(POLL);
            }
            TopicPartition tp = c.assignment().iterator().next();
            long t0 = TIME.nanoseconds();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            long n = 0;
            while (TIME.nanoseconds() < end) {
                c.commitSync(Map.of(tp, new OffsetAndMetadata(n)));
                n++;
            }
            print(String.format(Locale.ROOT, "commits: count=%d elapsed_ms=%.3f", n, (TIME.nanoseconds() - t0) / 1e6));
        }
    }

    @SuppressForbidden(reason = "a command-line client: its one result line goes to the console")
    private static void print(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
