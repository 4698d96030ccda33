package dev.spool.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Helpers shared by the record tests: recognisable records, random records, byte surgery on batches. */
final class TestBatches {
    private TestBatches() {}

    /** Plenty for any batch these tests build. */
    static final int MAX_BATCH_BYTES = 1 << 20;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code count} records "k-i" / "tag-i" with timestamps from {@code timestamp} upwards. */
    static List<SimpleRecord> records(String tag, int count, long timestamp) {
        List<SimpleRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new SimpleRecord(timestamp + i, utf8("k-" + i), utf8(tag + "-" + i)));
        }
        return out;
    }

    /** An uncompressed batch of {@link #records}. */
    static ByteBuffer batch(String tag, int count, long timestamp) {
        return BatchBuilder.build(records(tag, count, timestamp));
    }

    /** The batches one after the other in one heap buffer, positioned at 0. */
    static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    static byte[] bytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }

    /** CRC-32C of the batch at {@code pos} computed here, independently of {@link RecordBatch#computeCrc}. */
    static long independentCrc(ByteBuffer buf, int pos) {
        int size = RecordBatch.LOG_OVERHEAD + buf.getInt(pos + 8);
        CRC32C crc = new CRC32C();
        byte[] all = bytes(buf.duplicate().position(0).limit(buf.capacity()));
        crc.update(all, pos + 21, size - 21);
        return crc.getValue();
    }

    /** Start positions of the batches in a buffer of valid batches (from 0), plus its end. */
    static List<Integer> boundaries(ByteBuffer buf) {
        List<Integer> out = new ArrayList<>();
        int pos = 0;
        while (pos < buf.limit()) {
            out.add(pos);
            pos += RecordBatch.sizeInBytes(buf, pos);
        }
        out.add(pos);
        return out;
    }

    /** Asserts that Kafka's decoding of a batch gives back {@code expected} at offsets from {@code baseOffset}. */
    static void assertDecodesTo(
            List<KafkaRecords.DecodedRecord> decoded, List<SimpleRecord> expected, long baseOffset) {
        assertThat(decoded).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            SimpleRecord want = expected.get(i);
            KafkaRecords.DecodedRecord got = decoded.get(i);
            assertThat(got.offset()).as("offset of record %d", i).isEqualTo(baseOffset + i);
            assertThat(got.timestamp()).as("timestamp of record %d", i).isEqualTo(want.timestamp());
            assertThat(got.key()).as("key of record %d", i).isEqualTo(want.key());
            assertThat(got.value()).as("value of record %d", i).isEqualTo(want.value());
            assertThat(got.headers()).as("headers of record %d", i).hasSameSizeAs(want.headers());
            for (int h = 0; h < want.headers().size(); h++) {
                assertThat(got.headers().get(h).key())
                        .isEqualTo(want.headers().get(h).key());
                assertThat(got.headers().get(h).value())
                        .isEqualTo(want.headers().get(h).value());
            }
        }
    }

    // ---- random records for properties ----

    private static Arbitrary<byte[]> nullableBytes(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize).injectNull(0.2);
    }

    /** Header keys: any non-surrogate text, since Kafka decodes them as UTF-8. */
    private static Arbitrary<String> headerKeys() {
        return Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\u07ff')
                .withChars('\u20ac', '\uffef')
                .ofMaxLength(12);
    }

    static Arbitrary<SimpleRecord.Header> headers() {
        return Combinators.combine(headerKeys(), nullableBytes(20)).as(SimpleRecord.Header::new);
    }

    /**
     * Timestamps as producers send them: -1 (none) or a non-negative time, spread from a millisecond
     * apart to far apart so that timestamp deltas take every varlong size.
     */
    static Arbitrary<Long> timestamps() {
        return Arbitraries.oneOf(
                Arbitraries.just(RecordBatch.NO_TIMESTAMP),
                Arbitraries.longs().between(1_700_000_000_000L, 1_700_000_000_100L),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2));
    }

    static Arbitrary<SimpleRecord> simpleRecords() {
        return Combinators.combine(
                        timestamps(),
                        nullableBytes(40),
                        nullableBytes(300),
                        headers().list().ofMaxSize(3))
                .as(SimpleRecord::new);
    }

    /** 1 to {@code max} random records. */
    static Arbitrary<List<SimpleRecord>> recordLists(int max) {
        return simpleRecords().list().ofMinSize(1).ofMaxSize(max);
    }
}
