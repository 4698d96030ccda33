package dev.spool.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An old client (kafka-clients 2.8.2) against a broker: creates one topic per codec with the admin
 * client, produces {@code n} keyed records with a header (acks=1) under each codec, reads them back
 * with assign + seek and checks offset, key, value and header of every one.
 *
 * <p>Usage: {@code java -jar client28.jar HOST:PORT [n]}. Prints {@code OK <records checked>} and exits
 * 0, or prints {@code FAIL <reason>} and exits 1.
 */
public final class Client28Check {
    static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
    static final int DEFAULT_RECORDS = 200;
    static final int TIMEOUT_S = 30;
    /** Empty polls in a row after which consuming gives up (each waits up to 500 ms). */
    static final int MAX_EMPTY_POLLS = 60;

    private Client28Check() {}

    @SuppressForbidden(reason = "a command-line check: its verdict goes to the console")
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Client28Check HOST:PORT [records-per-codec]");
            System.exit(2);
        }
        try {
            int checked = run(args[0], args.length == 2 ? Integer.parseInt(args[1]) : DEFAULT_RECORDS);
            System.out.println("OK " + checked);
            System.exit(0);
        } catch (Exception e) {
            System.out.println("FAIL " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static int run(String bootstrap, int n) throws Exception {
        List<String> topics = new ArrayList<>();
        for (String codec : CODECS) {
            topics.add("compat28-" + codec);
        }
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(newTopics).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            if (!admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).containsAll(topics)) {
                throw new IllegalStateException("created topics not listed");
            }
        }
        int checked = 0;
        for (int c = 0; c < CODECS.length; c++) {
            produce(bootstrap, topics.get(c), CODECS[c], n);
            checked += consume(bootstrap, topics.get(c), n);
        }
        return checked;
    }

    private static void produce(String bootstrap, String topic, String codec, int n) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, key(i), value(codec, i));
                r.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(r));
            }
            for (int i = 0; i < n; i++) {
                RecordMetadata m = acks.get(i).get(TIMEOUT_S, TimeUnit.SECONDS);
                if (m.offset() != i) {
                    throw new IllegalStateException(codec + ": record " + i + " acknowledged at offset " + m.offset());
                }
            }
        }
    }

    private static int consume(String bootstrap, String topic, int n) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "97");
        String codec = topic.substring(topic.indexOf('-') + 1);
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0L);
            int empty = 0;
            while (got.size() < n && empty < MAX_EMPTY_POLLS) {
                int before = got.size();
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
                empty = got.size() == before ? empty + 1 : 0;
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(TIMEOUT_S));
            if (end.get(tp) != n) {
                throw new IllegalStateException(codec + ": end offset " + end.get(tp) + ", expected " + n);
            }
        }
        if (got.size() != n) {
            throw new IllegalStateException(codec + ": read " + got.size() + " records, expected " + n);
        }
        for (int i = 0; i < n; i++) {
            ConsumerRecord<String, String> r = got.get(i);
            Header seq = r.headers().lastHeader("seq");
            if (r.offset() != i
                    || !key(i).equals(r.key())
                    || !value(codec, i).equals(r.value())
                    || seq == null
                    || !Integer.toString(i).equals(new String(seq.value(), StandardCharsets.UTF_8))) {
                throw new IllegalStateException(codec + ": record " + i + " read back as offset " + r.offset() + " key "
                        + r.key() + " value " + r.value());
            }
        }
        return n;
    }

    static String key(int i) {
        return "k" + i;
    }

    /** Compressible but distinct values. */
    static String value(String codec, int i) {
        return codec + "-value-" + i + "-" + "x".repeat(i % 50);
    }
}
