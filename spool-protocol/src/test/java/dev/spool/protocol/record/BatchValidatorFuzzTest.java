package dev.spool.protocol.record;

import static dev.spool.protocol.record.TestBatches.MAX_BATCH_BYTES;
import static dev.spool.protocol.record.TestBatches.boundaries;
import static dev.spool.protocol.record.TestBatches.bytes;
import static dev.spool.protocol.record.TestBatches.concat;
import static dev.spool.protocol.record.TestBatches.independentCrc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link BatchValidator} over damaged input: whatever happens to the bytes, validation
 * returns a result instead of throwing, and it accepts only what is still intact.
 */
class BatchValidatorFuzzTest {

    /** A damage done to a buffer of batches. */
    sealed interface Mutation permits Flip, Truncate, Insert {
        byte[] apply(byte[] in);
    }

    /** XOR one byte (at {@code where} modulo the length) with a non-zero mask. */
    record Flip(int where, byte mask) implements Mutation {
        int index(int length) {
            return Math.floorMod(where, length);
        }

        @Override
        public byte[] apply(byte[] in) {
            byte[] out = in.clone();
            out[index(in.length)] ^= mask;
            return out;
        }
    }

    /** Cut the buffer to a shorter length. */
    record Truncate(int where) implements Mutation {
        int newLength(int length) {
            return Math.floorMod(where, length);
        }

        @Override
        public byte[] apply(byte[] in) {
            return Arrays.copyOf(in, newLength(in.length));
        }
    }

    /** Insert bytes at a position from 0 to the length (the end). */
    record Insert(int where, byte[] inserted) implements Mutation {
        int at(int length) {
            return Math.floorMod(where, length + 1);
        }

        @Override
        public byte[] apply(byte[] in) {
            int at = at(in.length);
            byte[] out = new byte[in.length + inserted.length];
            System.arraycopy(in, 0, out, 0, at);
            System.arraycopy(inserted, 0, out, at, inserted.length);
            System.arraycopy(in, at, out, at + inserted.length, in.length - at);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[where=" + where + ", inserted=" + HexFormat.of().formatHex(inserted) + "]";
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> where = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        return Arbitraries.oneOf(
                Combinators.combine(where, Arbitraries.bytes().filter(b -> b != 0))
                        .as(Flip::new),
                where.map(Truncate::new),
                Combinators.combine(
                                where,
                                Arbitraries.bytes()
                                        .array(byte[].class)
                                        .ofMinSize(1)
                                        .ofMaxSize(16))
                        .as(Insert::new));
    }

    /** One valid batch of 1..8 random records with a random codec: ours for none, Kafka's otherwise. */
    private static Arbitrary<ByteBuffer> oneBatch() {
        return Combinators.combine(
                        Arbitraries.integers().between(-1, 4),
                        TestBatches.recordLists(8),
                        Arbitraries.longs().between(0, 1L << 40))
                .as((codec, records, baseOffset) -> codec < 0
                        ? BatchBuilder.build(baseOffset, BatchBuilder.ProducerInfo.NONE, records)
                        : KafkaRecords.build(codec, baseOffset, records));
    }

    @Provide
    Arbitrary<ByteBuffer> batches() {
        return oneBatch().list().ofMinSize(1).ofMaxSize(5).map(l -> concat(l.toArray(ByteBuffer[]::new)));
    }

    private static BatchValidator.Result validate(byte[] bytes) {
        return BatchValidator.validate(ByteBuffer.wrap(bytes), MAX_BATCH_BYTES);
    }

    /** The start of the batch that holds {@code index} (or the end, if {@code index} is the end). */
    private static int batchStartAtOrBefore(List<Integer> bounds, int index) {
        int start = 0;
        for (int b : bounds) {
            if (b <= index) {
                start = b;
            }
        }
        return start;
    }

    @Property(tries = 500)
    void generatedBuffersAreValid(@ForAll("batches") ByteBuffer buf) {
        BatchValidator.Result r = BatchValidator.validate(buf, MAX_BATCH_BYTES);
        assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
        assertThat(r.batchCount()).isEqualTo(boundaries(buf).size() - 1);
    }

    @Property(tries = 2000)
    void anyMutationIsReportedNotThrownAndAcceptedOnlyIfIntact(
            @ForAll("batches") ByteBuffer buf, @ForAll("mutations") Mutation mutation) {
        byte[] original = bytes(buf);
        List<Integer> bounds = boundaries(buf);
        byte[] mutated = mutation.apply(original);

        BatchValidator.Result r = validate(mutated); // must not throw

        assertThat(r.error()).isNotNull();
        assertThat(r.validBytes()).isBetween(0, mutated.length);
        if (r.ok()) {
            assertThat(r.validBytes()).isEqualTo(mutated.length);
            ByteBuffer m = ByteBuffer.wrap(mutated);
            for (int pos = 0; pos < mutated.length; pos += RecordBatch.sizeInBytes(m, pos)) {
                assertThat(RecordBatch.crc(m, pos)).isEqualTo(independentCrc(m, pos));
            }
        } else {
            assertThat(r.message()).isNotBlank();
        }

        if (mutation instanceof Flip f) {
            int i = f.index(original.length);
            int start = batchStartAtOrBefore(bounds, i);
            int inBatch = i - start;
            boolean outsideCrc = inBatch < RecordBatch.LENGTH_OFFSET
                    || (inBatch >= RecordBatch.PARTITION_LEADER_EPOCH_OFFSET && inBatch < RecordBatch.MAGIC_OFFSET);
            if (outsideCrc) {
                assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
                assertThat(r.batchCount()).isEqualTo(bounds.size() - 1);
            } else {
                assertThat(r.error())
                        .as("flip at %d (byte %d of its batch)", i, inBatch)
                        .isNotEqualTo(BatchError.NONE);
                assertThat(r.validBytes()).isEqualTo(start);
            }
        } else if (mutation instanceof Truncate t) {
            int length = t.newLength(original.length);
            if (length > 0 && bounds.contains(length)) {
                assertThat(r.error()).as(r.message()).isEqualTo(BatchError.NONE);
                assertThat(r.batchCount()).isEqualTo(bounds.indexOf(length));
            } else {
                assertThat(r.error()).isEqualTo(BatchError.CORRUPT);
                assertThat(r.validBytes()).isEqualTo(batchStartAtOrBefore(bounds, length));
            }
        } else if (mutation instanceof Insert ins) {
            assertThat(r.error()).as("insert cannot leave valid batches").isNotEqualTo(BatchError.NONE);
            // Inserted bytes equal to the ones they push along can leave whole batches unchanged.
            int unchanged = batchStartAtOrBefore(bounds, ins.at(original.length));
            for (int b : bounds) {
                if (b > unchanged && Arrays.equals(mutated, 0, b, original, 0, b)) {
                    unchanged = b;
                }
            }
            assertThat(r.validBytes()).isEqualTo(unchanged);
        }
    }

    @Provide
    Arbitrary<ByteBuffer> uncompressedBatches() {
        return TestBatches.recordLists(8).map(BatchBuilder::build);
    }

    @Property(tries = 2000)
    void recordDamageUnderARepairedCrcIsAcceptedOnlyIfKafkaCanReadTheRecords(
            @ForAll("uncompressedBatches") ByteBuffer batch, @ForAll("mutations") Mutation mutation) {
        // Damage only the records area, then make the CRC right again: what a buggy producer could send.
        byte[] original = bytes(batch);
        byte[] area = Arrays.copyOfRange(original, RecordBatch.RECORDS_OFFSET, original.length);
        byte[] damaged = area.length == 0 ? area : mutation.apply(area);
        ByteBuffer b = ByteBuffer.allocate(RecordBatch.RECORDS_OFFSET + damaged.length);
        b.put(original, 0, RecordBatch.RECORDS_OFFSET).put(damaged).flip();
        b.putInt(RecordBatch.LENGTH_OFFSET, b.limit() - RecordBatch.LOG_OVERHEAD);
        RecordBatch.writeCrc(b, 0);

        BatchValidator.Result r = BatchValidator.validate(b, MAX_BATCH_BYTES);

        if (r.ok()) {
            assertThat(KafkaRecords.decode(b)).hasSize(RecordBatch.recordCount(b, 0));
        } else {
            assertThat(r.error()).as(r.message()).isEqualTo(BatchError.INVALID_RECORD);
        }
    }

    @Property(tries = 3000)
    void theFastWalkProvesOnlyWhatTheGeneralWalkAccepts(
            @ForAll("uncompressedBatches") ByteBuffer batch,
            @ForAll("mutations") Mutation mutation,
            @ForAll boolean direct) {
        byte[] original = bytes(batch);
        byte[] area = Arrays.copyOfRange(original, RecordBatch.RECORDS_OFFSET, original.length);
        byte[] damaged = area.length == 0 ? area : mutation.apply(area);
        int size = RecordBatch.RECORDS_OFFSET + damaged.length;
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        b.put(original, 0, RecordBatch.RECORDS_OFFSET).put(damaged).flip();
        b.putInt(RecordBatch.LENGTH_OFFSET, size - RecordBatch.LOG_OVERHEAD);
        int count = RecordBatch.recordCount(b, 0);

        boolean proven = FastRecordWalk.proven(b, 0, size, count); // must not throw either
        String general = BatchValidator.checkUncompressedRecords(b, 0, count);

        if (proven) {
            assertThat(general)
                    .as("the fast walk proved a batch the general walk refuses")
                    .isNull();
        }
    }

    @Property(tries = 500)
    void producerShapedBatchesAreProvenByTheFastWalk(@ForAll("producerShaped") ByteBuffer batch) {
        // Sizes below 8192 bytes and timestamps within 8 s: every varint has one or two bytes.
        assertThat(FastRecordWalk.proven(batch, 0, batch.remaining(), RecordBatch.recordCount(batch, 0)))
                .isTrue();
    }

    @Provide
    Arbitrary<ByteBuffer> producerShaped() {
        Arbitrary<SimpleRecord> records = Combinators.combine(
                        Arbitraries.longs().between(1_700_000_000_000L, 1_700_000_008_000L),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(100).injectNull(0.3),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(4000).injectNull(0.1),
                        TestBatches.headers().list().ofMaxSize(3))
                .as(SimpleRecord::new);
        return records.list().ofMinSize(1).ofMaxSize(20).map(BatchBuilder::build);
    }

    @Property(tries = 1000)
    void randomBytesNeverThrow(@ForAll @Size(max = 200) byte[] bytes) {
        BatchValidator.Result r = validate(bytes);
        assertThat(r.ok()).isFalse();
    }

    @Property(tries = 1000)
    void randomBytesAfterAPlausibleHeaderNeverThrow(
            @ForAll @Size(max = 300) byte[] tail, @ForAll boolean fixCrc, @ForAll boolean uncompressed) {
        // A header that passes framing and magic, so the CRC check and the record walk see the garbage.
        ByteBuffer b = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + tail.length);
        b.put(bytes(TestBatches.batch("hdr", 1, 1)), 0, RecordBatch.HEADER_SIZE)
                .put(tail)
                .flip();
        b.putInt(RecordBatch.LENGTH_OFFSET, b.limit() - RecordBatch.LOG_OVERHEAD);
        int count = tail.length == 0 ? 1 : 1 + (tail[0] & 0x07);
        b.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        b.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, count - 1);
        b.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) (uncompressed ? 0 : KafkaRecords.GZIP));
        if (fixCrc) {
            RecordBatch.writeCrc(b, 0);
        }
        BatchValidator.Result r = BatchValidator.validate(b, MAX_BATCH_BYTES);
        assertThat(r.error()).isNotNull();
        if (r.ok()) {
            assertThat(fixCrc).isTrue();
            if (uncompressed) {
                assertThat(KafkaRecords.decode(b)).hasSize(count);
            }
        }
    }
}
