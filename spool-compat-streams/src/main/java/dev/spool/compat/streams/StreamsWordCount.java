package dev.spool.compat.streams;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A Kafka Streams word count with {@code processing.guarantee=exactly_once_v2}:
 * {@code StreamsWordCount <bootstrap> <application.id> <state.dir> <input topic> <output topic>} counts
 * the space-separated words of the input's values (through a repartition topic and a changelogged
 * store) and writes each new count to the output (word → count as a long). Runs until SIGTERM, which
 * closes the application cleanly; prints each state change ({@code STATE <new>}) for the test's log.
 */
public final class StreamsWordCount {
    private StreamsWordCount() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5) {
            throw new IllegalArgumentException(
                    "usage: StreamsWordCount <bootstrap> <application.id> <state.dir> <input> <output>");
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.as("counts"))
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));
        Properties sp = new Properties();
        sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        sp.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        sp.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        sp.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        sp.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // Streams does not leave the group on close: a restarted instance's rebalance waits for the old
        // member's session to expire, so keep it short (Kafka's minimum, group.min.session.timeout.ms).
        sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        KafkaStreams app = new KafkaStreams(builder.build(), sp);
        app.setStateListener((now, before) -> report("STATE " + now));
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close(Duration.ofSeconds(30));
            report("CLOSED");
            closed.countDown();
        }));
        app.start();
        closed.await();
    }

    @SuppressForbidden(reason = "a child process of a test: its progress goes to the console the test logs")
    private static void report(String line) {
        System.out.println(line.toUpperCase(Locale.ROOT));
        System.out.flush();
    }
}
