package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code group.protocol=consumer} (KIP-848) member in a child JVM is SIGKILLed: the broker evicts it
 * after {@code group.consumer.session.timeout.ms} and the surviving members take over its partitions and
 * consume every later record exactly once.
 */
class ConsumerProtocolIT {
    static final String TOPIC = "orders";
    static final String GROUP = "kip848";
    static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Map<String, Set<TopicPartition>> assignments = new ConcurrentHashMap<>();
    final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    void member(String bootstrap, String name) {
        Thread t = new Thread(() -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                c.subscribe(List.of(TOPIC));
                while (running.get()) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                        received.add(r.value());
                    }
                    assignments.put(name, Set.copyOf(c.assignment()));
                }
            }
        });
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    int ownedInProcess() {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (Set<TopicPartition> a : assignments.values()) {
            all.addAll(a);
            total += a.size();
        }
        assertThat(all).hasSize(total); // never the same partition twice
        return total;
    }

    @Test
    void aKilledMemberIsEvictedAfterItsSessionTimeoutAndItsPartitionsTakenOver() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                        dir.resolve("data"),
                        Map.of(
                                ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "3",
                                ServerConfig.GROUP_CONSUMER_SESSION_TIMEOUT_MS, "4000",
                                ServerConfig.GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS, "1000",
                                ServerConfig.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, "300",
                                ServerConfig.GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, "100"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            Path childOut = dir.resolve("child.out");
            Process child = ChildProcesses.start(
                    List.of(
                            ChildProcesses.java(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            ChildConsumerMain.class.getName(),
                            broker.bootstrap(),
                            GROUP,
                            TOPIC),
                    childOut);
            processes.add(child);
            member(broker.bootstrap(), "a");
            member(broker.bootstrap(), "b");
            // balanced: 2 partitions each, the child holding its share
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(ChildProcesses.read(childOut)).contains(ChildConsumerMain.ASSIGNED + "2");
                assertThat(ownedInProcess()).isEqualTo(4);
            });

            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no leave heartbeat
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(ownedInProcess()).isEqualTo(PARTITIONS));
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(GROUP))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(GROUP);
            assertThat(d.members()).extracting(m -> m.clientId()).containsExactlyInAnyOrder("a", "b");

            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
                for (int i = 0; i < 10; i++) {
                    for (int part = 0; part < PARTITIONS; part++) {
                        producer.send(new ProducerRecord<>(TOPIC, part, null, "after-" + part + "-" + i));
                    }
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 10 * PARTITIONS);
            assertThat(received).doesNotHaveDuplicates().hasSize(10 * PARTITIONS);
        }
    }
}
