package dev.spool.cli;

import dev.spool.common.Time;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool consume}: prints a topic's records like {@code kafka-console-consumer} (see
 * {@link RecordFormatter} for the {@code --property} keys). The broker has no consumer groups yet,
 * so the consumer assigns itself every partition (or {@code --partition}) and seeks: to the start with
 * {@code --from-beginning}, to {@code --offset}, else to the end. Stops after {@code --max-messages}
 * records or {@code --timeout-ms} without one; otherwise runs until interrupted.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, description = "Print a topic's records to standard output.")
final class ConsumeCommand implements Callable<Integer> {
    /** The longest single poll, so a timeout is noticed promptly. */
    private static final long MAX_POLL_MS = 500;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    SpoolCli parent;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT")
    String bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset, not the end.")
    boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after this many records.")
    Long maxMessages;

    @Option(names = "--partition", paramLabel = "P", description = "Read only this partition.")
    Integer partition;

    @Option(
            names = "--offset",
            paramLabel = "OFFSET",
            description = "With --partition: earliest, latest or an offset to start at.")
    String offset;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Exit when no record arrived for this long.")
    Long timeoutMs;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description = "Formatter property: print.key, print.value, print.headers, print.partition, "
                    + "print.offset, print.timestamp, key.separator, line.separator, headers.separator, "
                    + "headers.key.separator, null.literal; repeatable.")
    List<String> properties = new ArrayList<>();

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE", description = "A consumer config; repeatable.")
    List<String> consumerProperties = new ArrayList<>();

    @Option(
            names = {"--consumer.config", "--command-config"},
            paramLabel = "FILE",
            description = "Consumer properties file.")
    Path consumerConfig;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (offset != null && partition == null) {
            throw new CommandLine.ParameterException(cl, "--offset needs --partition");
        }
        if ((maxMessages != null && maxMessages < 0) || (timeoutMs != null && timeoutMs < 0)) {
            throw new CommandLine.ParameterException(cl, "--max-messages and --timeout-ms may not be negative");
        }
        RecordFormatter formatter = new RecordFormatter(CliSupport.keyValues(cl, "--property", properties));
        PrintWriter out = cl.getOut();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "spool-console-consumer");
        props.putAll(CliSupport.clientProps(cl, bootstrap, consumerConfig, "--consumer-property", consumerProperties));

        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            assign(consumer);
            Time time = parent.time();
            long lastRecordNs = time.nanoseconds();
            while (maxMessages == null || count < maxMessages) {
                long pollMs = MAX_POLL_MS;
                if (timeoutMs != null) {
                    long idleMs = (time.nanoseconds() - lastRecordNs) / 1_000_000L;
                    if (idleMs >= timeoutMs) {
                        break;
                    }
                    pollMs = Math.min(pollMs, timeoutMs - idleMs);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollMs));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (maxMessages != null && count >= maxMessages) {
                        break;
                    }
                    formatter.print(out, r);
                    count++;
                }
                if (!records.isEmpty()) {
                    out.flush();
                    lastRecordNs = time.nanoseconds();
                }
            }
        }
        out.flush();
        cl.getErr().println("Processed a total of " + count + " messages");
        cl.getErr().flush();
        return 0;
    }

    /** Assigns the partitions to read and seeks each to its start position. */
    private void assign(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("Topic '" + topic + "' does not exist");
        }
        List<TopicPartition> all = infos.stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .collect(Collectors.toList());
        List<TopicPartition> tps;
        if (partition != null) {
            TopicPartition tp = new TopicPartition(topic, partition);
            if (!all.contains(tp)) {
                throw new IllegalArgumentException(
                        "Topic '" + topic + "' has no partition " + partition + " (it has " + all.size() + ")");
            }
            tps = List.of(tp);
        } else {
            tps = all;
        }
        consumer.assign(tps);
        if (offset != null) {
            TopicPartition tp = tps.get(0);
            switch (offset) {
                case "earliest":
                    consumer.seekToBeginning(tps);
                    break;
                case "latest":
                    consumer.seekToEnd(tps);
                    break;
                default:
                    long o;
                    try {
                        o = Long.parseLong(offset);
                    } catch (NumberFormatException e) {
                        o = -1;
                    }
                    if (o < 0) {
                        throw new CommandLine.ParameterException(
                                spec.commandLine(),
                                "Invalid value '" + offset + "' for --offset: expected earliest, latest or an"
                                        + " offset >= 0");
                    }
                    consumer.seek(tp, o);
            }
        } else if (fromBeginning) {
            consumer.seekToBeginning(tps);
        } else {
            consumer.seekToEnd(tps);
        }
        // Resolve the positions now, so records produced from here on are seen even with seekToEnd.
        for (TopicPartition tp : tps) {
            consumer.position(tp);
        }
    }
}
