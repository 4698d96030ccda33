package dev.spool.storage;

import dev.spool.common.TopicPartition;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers shared by storage tests: batches with recognisable content, quick log configs. */
public final class LogTestSupport {
    private LogTestSupport() {}

    public static final TopicPartition TP = new TopicPartition("orders", 0);

    /** A batch of {@code count} records "tag-i", timestamps starting at {@code timestamp}. */
    public static ByteBuffer batch(String tag, int count, long timestamp) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SimpleRecord(
                    timestamp + i,
                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                    (tag + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(records);
    }

    /** As {@link #batch}, with its offsets already assigned from {@code baseOffset}. */
    public static ByteBuffer batchAt(long baseOffset, String tag, int count, long timestamp) {
        ByteBuffer b = batch(tag, count, timestamp);
        dev.spool.protocol.record.RecordBatch.setBaseOffset(b, 0, baseOffset);
        return b;
    }

    /** The bytes of several buffers, one after another, in a new buffer. */
    public static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    /** The remaining bytes of {@code buf} as an array (the buffer is not moved). */
    public static byte[] bytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }

    /** The offsets of every record from the log start offset to the log end, in order. */
    public static List<Long> offsets(Log log) throws IOException {
        List<Long> out = new ArrayList<>();
        if (log.logStartOffset() == log.logEndOffset()) {
            return out;
        }
        for (dev.spool.protocol.adapter.KafkaRecords.DecodedRecord r :
                dev.spool.protocol.adapter.KafkaRecords.decode(readAll(log, log.logStartOffset()))) {
            out.add(r.offset());
        }
        return out;
    }

    /** The values of every record from the log start offset, as strings. */
    public static List<String> values(Log log) throws IOException {
        List<String> out = new ArrayList<>();
        if (log.logStartOffset() == log.logEndOffset()) {
            return out;
        }
        for (dev.spool.protocol.adapter.KafkaRecords.DecodedRecord r :
                dev.spool.protocol.adapter.KafkaRecords.decode(readAll(log, log.logStartOffset()))) {
            out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Every regular file under {@code dir} (names relative to it) with the SHA-256 of its bytes. */
    public static java.util.SortedMap<String, String> snapshot(Path dir) throws IOException {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (java.nio.file.Files.isRegularFile(f)) {
                    byte[] digest;
                    try {
                        digest = java.security.MessageDigest.getInstance("SHA-256")
                                .digest(java.nio.file.Files.readAllBytes(f));
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                    out.put(
                            dir.relativize(f).toString(),
                            java.util.HexFormat.of().formatHex(digest));
                }
            }
        }
        return out;
    }

    /** Names of the files in {@code dir}, sorted. */
    public static List<String> fileNames(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** {@code prefix} and {@code i} zero-padded to {@code digits}: equal-length tags give equal-size batches. */
    public static String tag(String prefix, int digits, int i) {
        StringBuilder sb = new StringBuilder(Integer.toString(i));
        while (sb.length() < digits) {
            sb.insert(0, '0');
        }
        return prefix + sb;
    }

    /** A log config from key/value pairs (Kafka topic config names). */
    public static LogConfig config(Object... kv) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return LogConfig.from(Map.copyOf(m));
    }

    /** Opens (or reopens) the log in {@code dir} with the given load parameters. */
    public static Log open(Path dir, LogConfig config, dev.spool.common.Time time, LogLoader.LoadParams params)
            throws IOException {
        return LogLoader.load(dir.resolve(TP.dirName()), TP, config, LogEnv.of(time), params);
    }

    /** Reads the whole log from {@code from} to its end into one buffer of batches. */
    public static ByteBuffer readAll(Log log, long from) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long next = from;
        while (next < log.logEndOffset()) {
            ReadResult r = log.read(next, 1 << 20, log.logEndOffset(), true);
            if (!r.ok() || r.sizeInBytes() == 0) {
                throw new IllegalStateException("read at " + next + " returned " + r);
            }
            ByteBuffer b = r.slice().readFully();
            int pos = 0;
            while (pos < b.limit()) {
                next = dev.spool.protocol.record.RecordBatch.nextOffset(b, pos);
                pos += dev.spool.protocol.record.RecordBatch.sizeInBytes(b, pos);
            }
            out.write(b.array(), 0, b.limit());
        }
        return ByteBuffer.wrap(out.toByteArray());
    }
}
