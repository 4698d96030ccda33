package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool produce} from a given stdin, then {@code spool consume} (and a real consumer) reading it back. */
class ProduceConsumeTest {
    @TempDir
    Path dir;

    EmbeddedSpool broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private void createTopic(String topic, int partitions) {
        Cli.Result r = Cli.run(
                "topics",
                "create",
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                topic,
                "--partitions",
                String.valueOf(partitions));
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private Cli.Result produce(String input, String... args) {
        List<String> all = new ArrayList<>(List.of("produce", "--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return Cli.runWithInput(input, all.toArray(new String[0]));
    }

    private Cli.Result consume(String... args) {
        List<String> all = new ArrayList<>(List.of("consume", "--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(new String[0]));
    }

    @Test
    void keysAndHeadersRoundTrip() throws Exception {
        createTopic("events", 1);
        String input = "source:web,trace:t1|k1:first value\n" + "|k2:second\n" + "flag|k3:third:with:colons\n";
        Cli.Result produced = produce(
                input,
                "--topic",
                "events",
                "--property",
                "parse.key=true",
                "--property",
                "key.separator=:",
                "--property",
                "parse.headers=true",
                "--property",
                "headers.delimiter=|",
                "--header-separator",
                ",",
                "--acks",
                "1",
                "--compression",
                "gzip");
        assertThat(produced.exitCode()).as(produced.toString()).isZero();

        Cli.Result consumed = consume(
                "--topic",
                "events",
                "--from-beginning",
                "--max-messages",
                "3",
                "--timeout-ms",
                "30000",
                "--property",
                "print.key=true",
                "--property",
                "print.headers=true",
                "--property",
                "print.offset=true",
                "--property",
                "key.separator=|");
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        assertThat(consumed.out())
                .isEqualTo("Offset:0|source:web,trace:t1|k1|first value\n"
                        + "Offset:1|NO_HEADERS|k2|second\n"
                        + "Offset:2|flag:null|k3|third:with:colons\n");
        assertThat(consumed.err()).contains("Processed a total of 3 messages");

        // The same records through the real consumer: the CLI's bytes, not just its formatting.
        List<ConsumerRecord<byte[], byte[]>> records = readAll("events", 3);
        assertThat(records).hasSize(3);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k1");
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("first value");
        assertThat(records.get(0).headers().lastHeader("trace").value())
                .isEqualTo("t1".getBytes(StandardCharsets.UTF_8));
        assertThat(records.get(2).headers().lastHeader("flag").value()).isNull();
    }

    @Test
    void defaultsAreValueOnlyLinesAndNullMarker() throws Exception {
        createTopic("plain", 1);
        Cli.Result produced = produce("a\tb\n\nNULL\n", "--topic", "plain", "--property", "null.marker=NULL");
        assertThat(produced.exitCode()).as(produced.toString()).isZero();

        Cli.Result consumed =
                consume("--topic", "plain", "--from-beginning", "--max-messages", "3", "--property", "print.key=true");
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        // Without parse.key the tab is part of the value; an empty line is an empty value.
        assertThat(consumed.out()).isEqualTo("null\ta\tb\nnull\t\nnull\tnull\n");
    }

    @Test
    void partitionOffsetAndMaxMessagesSelectRecords() {
        createTopic("multi", 2);
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            input.append("key-")
                    .append(i)
                    .append('\t')
                    .append("value-")
                    .append(i)
                    .append('\n');
        }
        Cli.Result produced = produce(input.toString(), "--topic", "multi", "--property", "parse.key=true");
        assertThat(produced.exitCode()).as(produced.toString()).isZero();

        Cli.Result all = consume("--topic", "multi", "--from-beginning", "--timeout-ms", "2000");
        assertThat(all.exitCode()).isZero();
        assertThat(all.out().split("\n")).hasSize(10);
        assertThat(all.err()).contains("Processed a total of 10 messages");

        Cli.Result p0 = consume(
                "--topic",
                "multi",
                "--partition",
                "0",
                "--offset",
                "earliest",
                "--timeout-ms",
                "2000",
                "--property",
                "print.partition=true");
        Cli.Result p1 = consume("--topic", "multi", "--partition", "1", "--from-beginning", "--timeout-ms", "2000");
        String[] p0Lines = p0.out().split("\n");
        assertThat(p0Lines).allSatisfy(l -> assertThat(l).startsWith("Partition:0\tvalue-"));
        assertThat(p0Lines.length + p1.out().split("\n").length).isEqualTo(10);

        Cli.Result fromOffset = consume(
                "--topic",
                "multi",
                "--partition",
                "0",
                "--offset",
                "1",
                "--max-messages",
                "1",
                "--timeout-ms",
                "10000");
        assertThat(fromOffset.exitCode()).isZero();
        assertThat(fromOffset.out()).isEqualTo(p0Lines[1].substring("Partition:0\t".length()) + "\n");

        Cli.Result two = consume("--topic", "multi", "--from-beginning", "--max-messages", "2");
        assertThat(two.out().split("\n")).hasSize(2);
    }

    @Test
    void withoutFromBeginningOnlyNewRecordsArePrinted() throws Exception {
        createTopic("live", 1);
        assertThat(produce("early\n", "--topic", "live").exitCode()).isZero();
        CompletableFuture<Cli.Result> consumer = CompletableFuture.supplyAsync(
                () -> consume("--topic", "live", "--max-messages", "1", "--timeout-ms", "60000"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrap(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        "false"),
                new StringSerializer(),
                new StringSerializer())) {
            // Until the consumer has positioned itself at the end, a "late" record may land before it.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                producer.send(new ProducerRecord<>("live", "late")).get();
                return consumer.isDone();
            });
        }
        Cli.Result r = consumer.get();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("late\n");
    }

    @Test
    void errorsAreReported() {
        createTopic("errs", 1);
        Cli.Result noSeparator = produce("k\tv\nno separator\n", "--topic", "errs", "--property", "parse.key=true");
        assertThat(noSeparator.exitCode()).isEqualTo(1);
        assertThat(noSeparator.err()).contains("No key separator found on line number 2: 'no separator'");

        Cli.Result ignored = produce(
                "no separator\n", "--topic", "errs", "--property", "parse.key=true", "--property", "ignore.error=true");
        assertThat(ignored.exitCode()).as(ignored.toString()).isZero();

        Cli.Result empty = consume("--topic", "errs", "--timeout-ms", "300");
        assertThat(empty.exitCode()).isZero();
        assertThat(empty.out()).isEmpty();
        assertThat(empty.err()).contains("Processed a total of 0 messages");

        Cli.Result offsetWithoutPartition = consume("--topic", "errs", "--offset", "3");
        assertThat(offsetWithoutPartition.exitCode()).isEqualTo(2);
        assertThat(offsetWithoutPartition.err()).contains("--offset needs --partition");

        Cli.Result badPartition = consume("--topic", "errs", "--partition", "7", "--timeout-ms", "100");
        assertThat(badPartition.exitCode()).isEqualTo(1);
        assertThat(badPartition.err()).contains("has no partition 7");

        Cli.Result badProperty = produce("x\n", "--topic", "errs", "--property", "parse.key");
        assertThat(badProperty.exitCode()).isEqualTo(2);
        assertThat(badProperty.err()).contains("'parse.key'").contains("key=value");
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int n) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrap(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                return out.size() >= n;
            });
        }
        return out;
    }
}
