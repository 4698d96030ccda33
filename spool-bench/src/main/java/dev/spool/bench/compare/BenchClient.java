package dev.spool.bench.compare;

import dev.spool.common.SuppressForbidden;
import dev.spool.common.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The harness's own clients for what Kafka's tools cannot do against Spool yet, run the same way
 * against both brokers (one line of output each, read by {@link RunParser}):
 *
 * <ul>
 *   <li>{@code create-topic BOOTSTRAP TOPIC PARTITIONS [TOPIC PARTITIONS ...]}: one CreateTopics, timed
 *       until it completes;
 *   <li>{@code create-partitions BOOTSTRAP PREFIX TOTAL PER_TOPIC}: TOTAL partitions as topics
 *       PREFIX-0, PREFIX-1, ... of PER_TOPIC partitions each (the last may have fewer), one CreateTopics
 *       per topic, timed until the last completes (Kafka's controller refuses one operation of more
 *       than 10,000 records, so 10,000 partitions cannot be one topic there);
 *   <li>{@code produce-all BOOTSTRAP PER_PARTITION SIZE TOPIC...}: PER_PARTITION records of SIZE bytes
 *       to every partition of the topics, partition after partition (acks=1, so no idempotence), timed
 *       until all are acknowledged, after an untimed pass of one record per partition;
 *   <li>{@code consume BOOTSTRAP TOPIC RECORDS}: an {@code assign()}-based consumer (no group, so no
 *       coordinator) reading every partition from the start until RECORDS records arrived;
 *   <li>{@code e2e BOOTSTRAP TOPIC COUNT SIZE}: end-to-end latency as Kafka's {@code EndToEndLatency}
 *       measures it (send one record with acks=1, wait for it, poll until it arrives), with
 *       microsecond resolution and without the offset commit that needs a group coordinator; the
 *       first {@value #E2E_WARMUP} round trips (connections, metadata) are not counted.
 * </ul>
 */
public final class BenchClient {
    private static final Time TIME = Time.SYSTEM;
    private static final Duration STALL = Duration.ofSeconds(30);
    static final int E2E_WARMUP = 20;

    private BenchClient() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "" : args[0];
        switch (cmd) {
            case "create-topic" -> {
                if (args.length < 4 || args.length % 2 != 0) {
                    throw new IllegalArgumentException(
                            "create-topic BOOTSTRAP TOPIC PARTITIONS [TOPIC PARTITIONS ...]");
                }
                List<NewTopic> topics = new ArrayList<>();
                for (int i = 2; i < args.length; i += 2) {
                    topics.add(new NewTopic(args[i], Integer.parseInt(args[i + 1]), (short) 1));
                }
                createTopics(args[1], List.of(topics));
            }
            case "create-partitions" -> {
                need(args, 5);
                createTopics(args[1], split(args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4])));
            }
            case "produce-all" -> {
                if (args.length < 5) {
                    throw new IllegalArgumentException("produce-all BOOTSTRAP PER_PARTITION SIZE TOPIC...");
                }
                produceAll(
                        args[1],
                        List.of(args).subList(4, args.length),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]));
            }
            case "consume" -> {
                need(args, 4);
                consume(args[1], args[2], Long.parseLong(args[3]));
            }
            case "e2e" -> {
                need(args, 5);
                e2e(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            }
            default -> throw new IllegalArgumentException(
                    "usage: BenchClient create-topic|consume|e2e ... (got " + Arrays.toString(args) + ")");
        }
    }

    private static void need(String[] args, int n) {
        if (args.length != n) {
            throw new IllegalArgumentException(
                    args[0] + ": expected " + (n - 1) + " arguments, got " + (args.length - 1));
        }
    }

    /** {@code total} partitions as one-request-per-topic lists of topics of at most {@code perTopic}. */
    static List<List<NewTopic>> split(String prefix, int total, int perTopic) {
        if (total < 1 || perTopic < 1) {
            throw new IllegalArgumentException("total and per-topic partitions must be positive");
        }
        List<List<NewTopic>> requests = new ArrayList<>();
        for (int done = 0, i = 0; done < total; done += perTopic, i++) {
            requests.add(List.of(new NewTopic(prefix + "-" + i, Math.min(perTopic, total - done), (short) 1)));
        }
        return requests;
    }

    /** One CreateTopics per element of {@code requests}, in order, timed together. */
    static void createTopics(String bootstrap, List<List<NewTopic>> requests)
            throws InterruptedException, ExecutionException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "300000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "300000");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(); // connect first: time only the creation
            long t0 = TIME.nanoseconds();
            int partitions = 0;
            for (List<NewTopic> topics : requests) {
                admin.createTopics(topics).all().get();
                partitions += topics.stream().mapToInt(NewTopic::numPartitions).sum();
            }
            double ms = (TIME.nanoseconds() - t0) / 1e6;
            print(String.format(Locale.ROOT, "create-topic: partitions=%d elapsed_ms=%.3f", partitions, ms));
        }
    }

    static void produceAll(String bootstrap, List<String> topics, int perPartition, int size) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : producer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            byte[] value = new byte[size];
            Arrays.fill(value, (byte) 'x');
            // Untimed: one record to each partition, so that every leader is in place (a new topic's
            // partitions may still be coming up) and every connection and batch is warm.
            sendToAll(producer, partitions, 1, value);
            long t0 = TIME.nanoseconds();
            sendToAll(producer, partitions, perPartition, value);
            double ms = (TIME.nanoseconds() - t0) / 1e6;
            long records = (long) partitions.size() * perPartition;
            print(String.format(
                    Locale.ROOT, "produce: records=%d bytes=%d elapsed_ms=%.3f", records, records * size, ms));
        }
    }

    static void consume(String bootstrap, String topic, long records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "spool-bench-consume");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                tps.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long count = 0;
            long bytes = 0;
            long t0 = TIME.nanoseconds();
            long lastProgress = t0;
            while (count < records) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                long now = TIME.nanoseconds();
                if (batch.isEmpty()) {
                    if (now - lastProgress > STALL.toNanos()) {
                        throw new IllegalStateException(
                                "no records for " + STALL + " after " + count + " of " + records);
                    }
                    continue;
                }
                lastProgress = now;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    count++;
                    bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                }
            }
            double ms = (TIME.nanoseconds() - t0) / 1e6;
            print(String.format(Locale.ROOT, "consume: records=%d bytes=%d elapsed_ms=%.3f", count, bytes, ms));
        }
    }

    private static void sendToAll(
            KafkaProducer<byte[], byte[]> producer, List<TopicPartition> partitions, int perPartition, byte[] value)
            throws InterruptedException, ExecutionException {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            for (int i = 0; i < perPartition; i++) {
                acks.add(producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, value)));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
    }

    static void e2e(String bootstrap, String topic, int count, int size) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            producer.partitionsFor(topic); // the topic exists (or is auto-created) before we start
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            byte[] value = new byte[size];
            Arrays.fill(value, (byte) 'x');
            double[] latencies = new double[count];
            for (int i = -E2E_WARMUP; i < count; i++) {
                long t0 = TIME.nanoseconds();
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
                int got = 0;
                while (got == 0) {
                    got = consumer.poll(Duration.ofMillis(100)).count();
                    if (got == 0 && TIME.nanoseconds() - t0 > STALL.toNanos()) {
                        throw new IllegalStateException("record " + i + " did not arrive within " + STALL);
                    }
                }
                if (got != 1) {
                    throw new IllegalStateException("expected one record, got " + got);
                }
                if (i >= 0) {
                    latencies[i] = (TIME.nanoseconds() - t0) / 1e6;
                }
            }
            Arrays.sort(latencies);
            print(String.format(
                    Locale.ROOT,
                    "e2e: count=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f",
                    count,
                    percentile(latencies, 0.5),
                    percentile(latencies, 0.99),
                    percentile(latencies, 0.999)));
        }
    }

    /** The q-quantile of sorted values: the value at index floor(q * n), clamped (as EndToEndLatency). */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int i = (int) Math.floor(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, i))];
    }

    @SuppressForbidden(reason = "a command-line client: its one result line goes to the console")
    private static void print(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
