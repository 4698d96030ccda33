package dev.spool.protocol.record;

import static dev.spool.protocol.record.TestBatches.MAX_BATCH_BYTES;
import static dev.spool.protocol.record.TestBatches.bytes;
import static dev.spool.protocol.record.TestBatches.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.GoldenProduceFrames.PartitionRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The byte-exact real-client check: Produce requests captured from kafka-clients, kafkajs and
 * librdkafka (kcat), parsed with kafka-clients' message classes; their record batches must pass our
 * validation with the codec the client used and decode to what the client sent.
 */
class BatchValidatorGoldenTest {

    /** What one captured Produce request carries: 3 records "key-1".."key-3" in one batch. */
    record Golden(
            String file,
            short apiVersion,
            String clientId,
            int codec,
            long producerId,
            short producerEpoch,
            int baseSequence,
            int partitionLeaderEpoch,
            IntFunction<String> value,
            IntFunction<List<SimpleRecord.Header>> headers) {

        @Override
        public String toString() {
            return file;
        }
    }

    private static List<SimpleRecord.Header> headers(String... kv) {
        List<SimpleRecord.Header> out = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new SimpleRecord.Header(kv[i], utf8(kv[i + 1])));
        }
        return out;
    }

    private static Golden javaModern(String file, short version, String codecName, int codec, long producerId) {
        return new Golden(
                file,
                version,
                "golden-producer-" + codecName,
                codec,
                producerId,
                (short) 0,
                0,
                -1,
                n -> "value " + n + " (" + codecName + ") hello golden frames hello golden frames",
                n -> headers("trace-id", "t-" + n, "codec", codecName));
    }

    static Stream<Golden> goldens() {
        return Stream.of(
                javaModern("java-4.4.0/0023-Produce-v13-request.bin", (short) 13, "none", KafkaRecords.NONE, 0),
                javaModern("java-4.4.0/0033-Produce-v13-request.bin", (short) 13, "gzip", KafkaRecords.GZIP, 1),
                javaModern("java-4.4.0/0043-Produce-v13-request.bin", (short) 13, "zstd", KafkaRecords.ZSTD, 2),
                javaModern("java-3.9.1/0025-Produce-v11-request.bin", (short) 11, "none", KafkaRecords.NONE, 0),
                javaModern("java-3.9.1/0035-Produce-v11-request.bin", (short) 11, "gzip", KafkaRecords.GZIP, 1),
                javaModern("java-3.9.1/0045-Produce-v11-request.bin", (short) 11, "zstd", KafkaRecords.ZSTD, 2),
                new Golden(
                        "java-2.8.2/0015-Produce-v9-request.bin",
                        (short) 9,
                        "golden-producer-legacy",
                        KafkaRecords.NONE,
                        -1,
                        (short) -1,
                        -1,
                        -1,
                        n -> "legacy value " + n,
                        n -> headers("trace-id", "t-" + n)),
                new Golden(
                        "kafkajs-2.2.4/0013-Produce-v7-request.bin",
                        (short) 7,
                        "golden-kafkajs",
                        KafkaRecords.NONE,
                        -1,
                        (short) 0,
                        0,
                        0,
                        n -> "kafkajs value " + n,
                        n -> headers("trace-id", "t-" + n)),
                new Golden(
                        "kcat-1.7.1/0011-Produce-v7-request.bin",
                        (short) 7,
                        "rdkafka",
                        KafkaRecords.LZ4,
                        -1,
                        (short) -1,
                        -1,
                        0,
                        n -> "kcat value " + n,
                        n -> headers("trace-id", "kcat")));
    }

    static Stream<Golden> uncompressedGoldens() {
        return goldens().filter(g -> g.codec() == KafkaRecords.NONE);
    }

    private static ByteBuffer recordsOf(Golden g) {
        List<PartitionRecords> partitions = GoldenProduceFrames.partitions(g.file());
        assertThat(partitions).hasSize(1);
        PartitionRecords p = partitions.get(0);
        assertThat(p.apiVersion()).isEqualTo(g.apiVersion());
        assertThat(p.clientId()).isEqualTo(g.clientId());
        assertThat(p.partition()).isZero();
        return p.records();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void realClientBatchPassesValidationWithItsCodec(Golden g) {
        ByteBuffer records = recordsOf(g);
        BatchValidator.Result r = BatchValidator.validate(records, MAX_BATCH_BYTES);
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
        assertThat(r.batchCount()).isEqualTo(1);
        assertThat(r.recordCount()).isEqualTo(3);
        assertThat(r.validBytes()).isEqualTo(records.remaining());
        assertThat(BatchValidator.checkIntact(records, 0, records.limit())).isNull();

        assertThat(RecordBatch.magic(records, 0)).isEqualTo(RecordBatch.MAGIC_V2);
        assertThat(RecordBatch.compressionCodec(records, 0)).isEqualTo(g.codec());
        assertThat(RecordBatch.isLogAppendTime(records, 0)).isFalse();
        assertThat(RecordBatch.isTransactional(records, 0)).isFalse();
        assertThat(RecordBatch.baseOffset(records, 0)).isZero();
        assertThat(RecordBatch.producerId(records, 0)).isEqualTo(g.producerId());
        assertThat(RecordBatch.producerEpoch(records, 0)).isEqualTo(g.producerEpoch());
        assertThat(RecordBatch.baseSequence(records, 0)).isEqualTo(g.baseSequence());
        assertThat(RecordBatch.partitionLeaderEpoch(records, 0)).isEqualTo(g.partitionLeaderEpoch());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void realClientBatchDecodesToTheRecordsTheClientSent(Golden g) {
        ByteBuffer records = recordsOf(g);
        List<KafkaRecords.DecodedRecord> decoded = KafkaRecords.decode(records);
        assertThat(decoded).hasSize(3);
        long maxTimestamp = Long.MIN_VALUE;
        for (int i = 0; i < 3; i++) {
            KafkaRecords.DecodedRecord r = decoded.get(i);
            int n = i + 1;
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.key()).isEqualTo(utf8("key-" + n));
            assertThat(r.value()).isEqualTo(utf8(g.value().apply(n)));
            List<SimpleRecord.Header> want = g.headers().apply(n);
            assertThat(r.headers()).hasSameSizeAs(want);
            for (int h = 0; h < want.size(); h++) {
                assertThat(r.headers().get(h).key()).isEqualTo(want.get(h).key());
                assertThat(r.headers().get(h).value()).isEqualTo(want.get(h).value());
            }
            assertThat(r.timestamp()).isGreaterThan(1_700_000_000_000L);
            maxTimestamp = Math.max(maxTimestamp, r.timestamp());
        }
        assertThat(RecordBatch.maxTimestamp(records, 0)).isEqualTo(maxTimestamp);
        assertThat(RecordBatch.baseTimestamp(records, 0))
                .isEqualTo(decoded.get(0).timestamp());
        assertThat(BatchValidator.validate(records, MAX_BATCH_BYTES).maxTimestamp())
                .isEqualTo(maxTimestamp);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void brokerOffsetAssignmentAndLogAppendTimeKeepTheRealBatchValid(Golden g) {
        ByteBuffer records = recordsOf(g);
        RecordBatch.setBaseOffset(records, 0, 1_000L);
        RecordBatch.setPartitionLeaderEpoch(records, 0, 7);
        RecordBatch.setLogAppendTime(records, 0, 1_800_000_000_000L);

        BatchValidator.Result r = BatchValidator.validate(records, MAX_BATCH_BYTES);
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
        assertThat(RecordBatch.compressionCodec(records, 0)).isEqualTo(g.codec());
        List<KafkaRecords.DecodedRecord> decoded = KafkaRecords.decode(records);
        assertThat(decoded).extracting(KafkaRecords.DecodedRecord::offset).containsExactly(1_000L, 1_001L, 1_002L);
        assertThat(decoded).extracting(KafkaRecords.DecodedRecord::timestamp).containsOnly(1_800_000_000_000L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void everySingleByteDamageUnderTheCrcOfARealBatchIsCaught(Golden g) {
        ByteBuffer records = recordsOf(g);
        for (int i = RecordBatch.CRC_OFFSET; i < records.limit(); i++) {
            ByteBuffer damaged = ByteBuffer.wrap(bytes(records));
            damaged.put(i, (byte) (damaged.get(i) ^ 0x01));
            BatchValidator.Result r = BatchValidator.validate(damaged, MAX_BATCH_BYTES);
            assertThat(r.error()).as("bit flipped in byte %d", i).isNotEqualTo(BatchError.NONE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uncompressedGoldens")
    void ourBuilderReproducesTheRealClientsUncompressedBatchByteForByte(Golden g) {
        ByteBuffer theirs = recordsOf(g);
        List<SimpleRecord> records = new ArrayList<>();
        for (KafkaRecords.DecodedRecord r : KafkaRecords.decode(theirs)) {
            records.add(new SimpleRecord(r.timestamp(), r.key(), r.value(), r.headers()));
        }
        ByteBuffer ours = BatchBuilder.build(
                0L, new BatchBuilder.ProducerInfo(g.producerId(), g.producerEpoch(), g.baseSequence(), false), records);
        RecordBatch.setPartitionLeaderEpoch(ours, 0, g.partitionLeaderEpoch());
        assertThat(bytes(ours)).isEqualTo(bytes(theirs));
    }
}
