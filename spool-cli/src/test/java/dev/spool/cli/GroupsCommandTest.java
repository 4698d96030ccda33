package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool groups ...} against a real broker. */
class GroupsCommandTest {
    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of("offsets.topic.num.partitions", "3"));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("orders", i % 2, null, "v" + i));
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    private Cli.Result groups(String command, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "groups";
        all[1] = command;
        all[2] = "--bootstrap-server";
        all[3] = broker.bootstrap();
        System.arraycopy(args, 0, all, 4, args.length);
        return Cli.run(all);
    }

    @Test
    void describeShowsAConsumerProtocolGroupAndItsOwners() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kip848");
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("orders"));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < 10 && System.nanoTime() < deadline) {
                read += c.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(10);
            c.commitSync();
            Cli.Result list = groups("list", "--state");
            assertThat(list.out()).containsPattern("kip848 +Stable");
            Cli.Result describe = groups("describe", "--group", "kip848");
            assertThat(describe.exitCode()).as(describe.toString()).isZero();
            assertThat(describe.out()).contains("(Stable, Consumer protocol, assignor uniform)");
            assertThat(describe.out())
                    .containsPattern("kip848 +orders +0 +5 +5 +0 +\\S+ +/127.0.0.1 +reader")
                    .containsPattern("kip848 +orders +1 +5 +5 +0 +\\S+ +/127.0.0.1 +reader");
        }
    }

    @Test
    void listDescribeResetDelete() throws Exception {
        admin.alterConsumerGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(2)))
                .all()
                .get(30, TimeUnit.SECONDS);

        Cli.Result list = groups("list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).isEqualTo("billing\n");
        assertThat(groups("list", "--state").out()).contains("billing").contains("Empty");

        Cli.Result describe = groups("describe", "--group", "billing");
        assertThat(describe.exitCode()).as(describe.toString()).isZero();
        // partition 0: committed 2 of 5 -> lag 3
        assertThat(describe.out()).containsPattern("billing +orders +0 +2 +5 +3 +- +- +-");

        Cli.Result dry = groups("reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).containsPattern("billing +orders +0 +0").containsPattern("billing +orders +1 +0");
        assertThat(groups("describe", "--group", "billing").out()).containsPattern("orders +0 +2 ");

        Cli.Result reset =
                groups("reset-offsets", "--group", "billing", "--topic", "orders", "--to-latest", "--execute");
        assertThat(reset.exitCode()).as(reset.toString()).isZero();
        String after = groups("describe", "--group", "billing").out();
        assertThat(after).containsPattern("orders +0 +5 +5 +0").containsPattern("orders +1 +5 +5 +0");

        Cli.Result delete = groups("delete", "--group", "billing");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("Deletion of requested consumer groups ('billing') was successful.\n");
        assertThat(groups("list").out()).isEmpty();
        Cli.Result again = groups("delete", "--group", "billing");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("Error");
    }
}
