package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.protocol.record.RecordBatch;
import dev.spool.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and malformed input on raw sockets. Each case ends in a Kafka-correct error or a closed
 * connection; after each, a real producer and consumer on their own connections prove that the broker
 * still serves and that every record stored before is intact.
 */
class BadInputIT {
    /** socket.request.max.bytes for this broker. */
    static final int LIMIT = 1 << 20;
    /** message.max.bytes for this broker. */
    static final int MAX_MESSAGE = 128 << 10;

    static final String KEEP = "keep";
    static final String RAW = "raw";
    static final int RAW_RECORDS = 3;

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static Admin admin;
    static KafkaProducer<String, String> producer;
    static KafkaConsumer<String, String> consumer;
    static final List<String> keepValues = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(
                dir,
                Map.of(
                        ServerConfig.SOCKET_REQUEST_MAX_BYTES, String.valueOf(LIMIT),
                        ServerConfig.MESSAGE_MAX_BYTES, String.valueOf(MAX_MESSAGE),
                        ServerConfig.AUTO_CREATE_TOPICS_ENABLE, "false"));
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(ap);
        admin.createTopics(List.of(new NewTopic(KEEP, 1, (short) 1), new NewTopic(RAW, 1, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * LIMIT));
        producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
        for (int i = 0; i < 100; i++) {
            keep("before-" + i);
        }
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            ProduceResponseData r = w.call(
                    ApiKeys.PRODUCE,
                    RawRequests.PRODUCE_VERSION,
                    RawRequests.produce(RAW, 0, RawRequests.batch("raw-", RAW_RECORDS)));
            assertThat(partitionError(r)).isEqualTo(Errors.NONE);
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(new TopicPartition(KEEP, 0), new TopicPartition(RAW, 0)));
    }

    @AfterAll
    static void stop() throws Exception {
        consumer.close();
        producer.close();
        admin.close();
        broker.close();
    }

    static void keep(String value) throws Exception {
        producer.send(new ProducerRecord<>(KEEP, 0, null, value)).get(30, TimeUnit.SECONDS);
        keepValues.add(value);
    }

    /** After every case: new produce requests are served and every earlier record reads back intact. */
    @AfterEach
    void brokerStillServesAndNothingIsLost(TestInfo test) throws Exception {
        keep("after-" + test.getDisplayName());
        TopicPartition keep = new TopicPartition(KEEP, 0);
        TopicPartition raw = new TopicPartition(RAW, 0);
        consumer.seekToBeginning(Set.of(keep, raw));
        List<String> gotKeep = new ArrayList<>();
        List<String> gotRaw = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((gotKeep.size() < keepValues.size() || gotRaw.size() < RAW_RECORDS) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                (r.topic().equals(KEEP) ? gotKeep : gotRaw).add(r.value());
            }
        }
        assertThat(gotKeep).containsExactlyElementsOf(keepValues);
        assertThat(gotRaw).containsExactly("raw-0", "raw-1", "raw-2");
        assertThat(consumer.endOffsets(List.of(keep, raw)))
                .containsEntry(keep, (long) keepValues.size())
                .containsEntry(raw, (long) RAW_RECORDS);
    }

    static Errors partitionError(ProduceResponseData r) {
        return Errors.forCode(
                r.responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    static byte[] sizeHeader(int size) {
        return ByteBuffer.allocate(4).putInt(size).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    // ---- frame sizes ----

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {LIMIT + 1, Integer.MAX_VALUE, -1, Integer.MIN_VALUE})
    void sizeOverTheLimitOrNegativeClosesOnTheHeaderAlone(int size) throws Exception {
        // Once to warm up (first-use class loading allocates), then measured.
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.sendBytes(sizeHeader(size));
            assertThat(w.closedByBroker()).isTrue();
        }
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.send(ApiKeys.API_VERSIONS, (short) 3, softwareApiVersions()); // the connection works...
            w.receiveFrame();
            var before = EventLoopAllocation.snapshot();
            w.sendBytes(sizeHeader(size)); // ...then only a 4-byte size: no body follows
            assertThat(w.closedByBroker()).isTrue();
            assertThat(EventLoopAllocation.since(before))
                    .as("heap allocated by the event loops for a frame of claimed size %d", size)
                    .isLessThan(LIMIT / 4);
        }
    }

    /** Kafka's rule is size field &lt;= socket.request.max.bytes: a frame of exactly the limit is read. */
    @Test
    void frameOfExactlyTheLimitIsServed() throws Exception {
        ByteBuffer payload = produceOfPayloadSize(LIMIT);
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.send(payload);
            ProduceResponseData r = (ProduceResponseData)
                    KafkaWire.parseResponse(w.receiveFrame(), ApiKeys.PRODUCE, RawRequests.PRODUCE_VERSION, 7);
            assertThat(partitionError(r)).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        }
    }

    /** A produce request (correlation id 7) whose payload is exactly {@code target} bytes. */
    static ByteBuffer produceOfPayloadSize(int target) {
        int value = target - 200;
        for (int attempt = 0; attempt < 10; attempt++) {
            ByteBuffer payload = KafkaWire.payload(
                    ApiKeys.PRODUCE,
                    RawRequests.PRODUCE_VERSION,
                    7,
                    RawRequests.produce(RAW, 0, RawRequests.batchWithValue(value)));
            if (payload.remaining() == target) {
                return payload;
            }
            value += target - payload.remaining();
        }
        throw new AssertionError("could not size a request to " + target + " bytes");
    }

    // ---- garbage and truncation ----

    static Stream<Arguments> garbage() {
        byte[] tlsHello = new byte[64];
        tlsHello[0] = 0x16; // handshake record, TLS 1.0 framing, length 0x0200
        tlsHello[1] = 0x03;
        tlsHello[2] = 0x01;
        tlsHello[3] = 0x02;
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 0xFF);
        return Stream.of(
                Arguments.of("http", "GET / HTTP/1.1\r\nHost: spool\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("tls", tlsHello),
                Arguments.of("api key -1", concat(sizeHeader(ones.length), ones)),
                Arguments.of("empty frame", sizeHeader(0)),
                Arguments.of("frame shorter than a header", concat(sizeHeader(6), new byte[] {0, 18, 0, 3, 0, 0})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void garbageClosesTheConnection(String name, byte[] bytes) throws Exception {
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.sendBytes(bytes);
            assertThat(w.closedByBroker()).isTrue();
        }
    }

    @Test
    void requestCutShortThenHalfClosedClosesAndAppendsNothing() throws Exception {
        byte[] frame = KafkaWire.frame(KafkaWire.payload(
                ApiKeys.PRODUCE,
                RawRequests.PRODUCE_VERSION,
                1,
                RawRequests.produce(RAW, 0, RawRequests.batch("cut-", 10))));
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.sendBytes(Arrays.copyOf(frame, frame.length - 20));
            w.shutdownOutput();
            assertThat(w.closedByBroker()).isTrue();
        }
    }

    @Test
    void requestCutShortThenClosedAppendsNothing() throws Exception {
        byte[] frame = KafkaWire.frame(KafkaWire.payload(
                ApiKeys.PRODUCE,
                RawRequests.PRODUCE_VERSION,
                1,
                RawRequests.produce(RAW, 0, RawRequests.batch("cut-", 10))));
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.sendBytes(Arrays.copyOf(frame, frame.length / 2));
        }
        // The check after each test reads RAW back: still exactly its three records.
    }

    // ---- API keys and versions ----

    static Stream<Arguments> unservedApiVersions() {
        return Stream.of(
                Arguments.of((short) 999, (short) 0, (short) 1),
                Arguments.of(ApiKeys.METADATA.id, (short) 99, (short) 2),
                Arguments.of(ApiKeys.PRODUCE.id, (short) 2, (short) 1),
                Arguments.of(ApiKeys.FETCH.id, (short) 3, (short) 1));
    }

    @ParameterizedTest(name = "api {0} v{1}")
    @MethodSource("unservedApiVersions")
    void unknownApiOrUnsupportedVersionClosesWithoutAResponse(short api, short version, short headerVersion)
            throws Exception {
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.send(KafkaWire.payload(api, version, headerVersion, 1, new MetadataRequestData(), (short) 1));
            assertThat(w.closedByBroker()).isTrue();
        }
    }

    static ApiVersionsRequestData softwareApiVersions() {
        return new ApiVersionsRequestData().setClientSoftwareName("spool-it").setClientSoftwareVersion("1.0");
    }

    /** Kafka's fallback: an ApiVersions v0 response, UNSUPPORTED_VERSION, listing ApiVersions' own range. */
    @Test
    void apiVersionsAtAnUnknownVersionAnswersV0WithItsOwnRange() throws Exception {
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.send(KafkaWire.payload(
                    ApiKeys.API_VERSIONS.id, (short) 99, (short) 2, 42, softwareApiVersions(), (short) 3));
            ApiVersionsResponseData fallback = (ApiVersionsResponseData) w.receive(ApiKeys.API_VERSIONS, (short) 0, 42);
            assertThat(Errors.forCode(fallback.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            assertThat(fallback.apiKeys()).hasSize(1);
            ApiVersionsResponseData.ApiVersion range =
                    fallback.apiKeys().iterator().next();
            assertThat(range.apiKey()).isEqualTo(ApiKeys.API_VERSIONS.id);

            // The client retries on the same connection; the full answer advertises the same range.
            ApiVersionsResponseData full = w.call(ApiKeys.API_VERSIONS, (short) 3, softwareApiVersions());
            assertThat(Errors.forCode(full.errorCode())).isEqualTo(Errors.NONE);
            ApiVersionsResponseData.ApiVersion advertised = full.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(range.minVersion()).isEqualTo(advertised.minVersion()).isZero();
            assertThat(range.maxVersion())
                    .isEqualTo(advertised.maxVersion())
                    .isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
        }
    }

    // ---- lengths that lie ----

    static Stream<Arguments> lyingLengths() {
        ByteBuffer v4 = KafkaWire.payload(ApiKeys.METADATA, (short) 4, 1, null);
        ByteBuffer v12 = KafkaWire.payload(ApiKeys.METADATA, (short) 12, 1, null);
        ByteBuffer produce = KafkaWire.payload(ApiKeys.PRODUCE, RawRequests.PRODUCE_VERSION, 1, null);
        byte[] padding = new byte[24];
        return Stream.of(
                // Metadata v4: topics is an int32-counted array.
                Arguments.of("int32 array count 2^30", concat(bytes(v4), sizeHeader(1 << 30), padding)),
                // Metadata v12: compact array, unsigned varint count + 1 = 2^30 + 1.
                Arguments.of("varint array count 2^30", concat(bytes(v12), varint((1 << 30) + 1), padding)),
                // Produce v12: transactional id null, acks, timeout, then topic count 2^28.
                Arguments.of(
                        "produce topic count 2^28",
                        concat(bytes(produce), new byte[] {0, 0, 1, 0, 0, 0x75, 0x30}, varint((1 << 28) + 1), padding)),
                // Header v1: client id claims 32767 bytes, 3 follow.
                Arguments.of(
                        "client id length", new byte[] {0, 3, 0, 4, 0, 0, 0, 1, 0x7F, (byte) 0xFF, 'a', 'b', 'c'}));
    }

    static byte[] varint(int v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lyingLengths")
    void countsLargerThanTheFrameCloseTheConnection(String name, byte[] payload) throws Exception {
        // Once to warm up (first-use class loading allocates), then measured.
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            w.send(ByteBuffer.wrap(payload));
            assertThat(w.closedByBroker()).isTrue();
        }
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            var before = EventLoopAllocation.snapshot();
            w.send(ByteBuffer.wrap(payload));
            assertThat(w.closedByBroker()).isTrue();
            assertThat(EventLoopAllocation.since(before))
                    .as("heap allocated decoding a request of %d bytes", payload.length)
                    .isLessThan(LIMIT / 4);
        }
    }

    // ---- produce errors ----

    @Test
    void produceWithABadCrcIsCorruptAndAppendsNothing() throws Exception {
        ByteBuffer batch = RawRequests.batch("bad-crc-", 5);
        int last = batch.limit() - 1;
        batch.put(last, (byte) (batch.get(last) ^ 0x01)); // a value byte: covered by the CRC
        assertThat(RecordBatch.magic(batch, 0)).isEqualTo(RecordBatch.MAGIC_V2);
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            ProduceResponseData r =
                    w.call(ApiKeys.PRODUCE, RawRequests.PRODUCE_VERSION, RawRequests.produce(RAW, 0, batch));
            assertThat(partitionError(r)).isEqualTo(Errors.CORRUPT_MESSAGE);
        }
    }

    @Test
    void produceToAnUnknownTopicOrPartitionIsRefusedAndCreatesNothing() throws Exception {
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            ProduceResponseData r = w.call(
                    ApiKeys.PRODUCE,
                    RawRequests.PRODUCE_VERSION,
                    RawRequests.produce("no-such-topic", 0, RawRequests.batch("x", 1)));
            assertThat(partitionError(r)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            r = w.call(
                    ApiKeys.PRODUCE,
                    RawRequests.PRODUCE_VERSION,
                    RawRequests.produce(RAW, 7, RawRequests.batch("x", 1)));
            assertThat(partitionError(r)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

            MetadataResponseData m =
                    w.call(ApiKeys.METADATA, RawRequests.METADATA_VERSION, RawRequests.metadata("no-such-topic"));
            MetadataResponseData.MetadataResponseTopic t = m.topics().find("no-such-topic");
            assertThat(Errors.forCode(t.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(t.partitions()).isEmpty();
        }
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrder(KEEP, RAW);
    }

    @Test
    void batchLargerThanMessageMaxBytesIsTooLarge() throws Exception {
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            ProduceResponseData r = w.call(
                    ApiKeys.PRODUCE,
                    RawRequests.PRODUCE_VERSION,
                    RawRequests.produce(RAW, 0, RawRequests.batchWithValue(MAX_MESSAGE)));
            assertThat(partitionError(r)).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        }
        // The real producer, allowed larger requests, gets the broker's answer as RecordTooLargeException.
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(RAW, 0, null, "v".repeat(2 * MAX_MESSAGE)))
                        .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RecordTooLargeException.class);
    }

    // ---- topic creation ----

    @Test
    void invalidTopicNamesAreRefused() throws Exception {
        List<String> invalid = List.of(
                "", ".", "..", "x".repeat(250), "has space", "slash/ed", "colon:", "\u00fcmlaut", "tab\t", "star*");
        String longest = "y".repeat(249);
        CreateTopicsRequestData.CreatableTopicCollection topics =
                new CreateTopicsRequestData.CreatableTopicCollection();
        for (String name : invalid) {
            topics.add(RawRequests.creatableTopic(name, 1));
        }
        topics.add(RawRequests.creatableTopic(longest, 1));
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            CreateTopicsResponseData r = w.call(
                    ApiKeys.CREATE_TOPICS,
                    RawRequests.CREATE_TOPICS_VERSION,
                    new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000));
            List<String> answered = new ArrayList<>();
            r.topics().forEach(t -> answered.add(t.name()));
            List<String> asked = new ArrayList<>(invalid);
            asked.add(longest);
            assertThat(answered).containsExactlyInAnyOrderElementsOf(asked);
            for (String name : invalid) {
                assertThat(Errors.forCode(r.topics().find(name).errorCode()))
                        .as("topic name '%s'", name)
                        .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
            }
            assertThat(Errors.forCode(r.topics().find(longest).errorCode())).isEqualTo(Errors.NONE);
        }
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrder(KEEP, RAW, longest);
        // The longest legal name is deleted too (its log directory is renamed within the file-name limit).
        admin.deleteTopics(List.of(longest)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrder(KEEP, RAW);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("yyy"));
            }
        });
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {0, -5, Integer.MAX_VALUE})
    void absurdPartitionCountsAreRefused(int partitions) throws Exception {
        String name = "absurd-" + (partitions < 0 ? "minus" + -partitions : String.valueOf(partitions));
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            CreateTopicsResponseData r = w.call(
                    ApiKeys.CREATE_TOPICS,
                    RawRequests.CREATE_TOPICS_VERSION,
                    RawRequests.createTopic(name, partitions));
            assertThat(Errors.forCode(r.topics().find(name).errorCode())).isEqualTo(Errors.INVALID_PARTITIONS);
        }
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrder(KEEP, RAW);
    }
}
