package dev.spool.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool produce}: one record per line of standard input, like {@code kafka-console-producer}
 * (see {@link LineParser} for the {@code --property} keys). Exits 1 if any record was not acknowledged.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Send each line of standard input as a record.")
final class ProduceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    SpoolCli parent;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT")
    String bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC")
    String topic;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description = "Line reader property: parse.key, key.separator, parse.headers, headers.delimiter, "
                    + "headers.separator, headers.key.separator, null.marker, ignore.error; repeatable.")
    List<String> properties = new ArrayList<>();

    @Option(
            names = "--header-separator",
            paramLabel = "SEP",
            description = "Shorthand for --property headers.separator=SEP.")
    String headerSeparator;

    @Option(
            names = {"--acks", "--request-required-acks"},
            paramLabel = "ACKS",
            description = "0, 1 or all (default: ${DEFAULT-VALUE}).")
    String acks = "all";

    @Option(
            names = {"--compression", "--compression-codec"},
            paramLabel = "CODEC",
            description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    String compression = "none";

    @Option(names = "--sync", description = "Wait for each record's acknowledgement before the next.")
    boolean sync;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE", description = "A producer config; repeatable.")
    List<String> producerProperties = new ArrayList<>();

    @Option(
            names = {"--producer.config", "--command-config"},
            paramLabel = "FILE",
            description = "Producer properties file.")
    Path producerConfig;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        Map<String, String> readerProps = CliSupport.keyValues(cl, "--property", properties);
        if (headerSeparator != null) {
            readerProps.put("headers.separator", headerSeparator);
        }
        LineParser parser = new LineParser(readerProps);

        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spool-console-producer");
        props.putAll(CliSupport.clientProps(cl, bootstrap, producerConfig, "--producer-property", producerProperties));

        AtomicLong failures = new AtomicLong();
        long lineNumber = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
                BufferedReader in = new BufferedReader(new InputStreamReader(parent.stdin(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                LineParser.Parsed p = parser.parse(line, lineNumber);
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(topic, null, null, p.key(), p.value(), p.headers());
                var future = producer.send(record, (metadata, e) -> {
                    if (e != null && failures.getAndIncrement() == 0) {
                        synchronized (err) {
                            err.println("Error: failed to send a record to " + topic + ": " + e.getMessage());
                            err.flush();
                        }
                    }
                });
                if (sync) {
                    try {
                        future.get();
                    } catch (ExecutionException ignored) {
                        // counted and reported by the callback
                    }
                }
            }
        }
        if (failures.get() > 0) {
            err.println(failures.get() + " of " + lineNumber + " records were not sent");
            err.flush();
            return 1;
        }
        return 0;
    }
}
