package dev.spool.protocol.adapter;

import dev.spool.protocol.record.SimpleRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The one thin adapter over kafka-clients' record classes, which are internal since 4.3 (DESIGN §5).
 * Only what needs decompression or compression goes through here: decoding records for tools and
 * timestamp searches, building compressed batches, and rewriting batches for the log cleaner
 * ({@link #filter}). Never on the produce or fetch path.
 */
public final class KafkaRecords {
    private KafkaRecords() {}

    /** One record as stored, with its absolute offset and effective timestamp. */
    public record DecodedRecord(
            long offset, long timestamp, byte[] key, byte[] value, List<SimpleRecord.Header> headers) {}

    /** Codec ids as in a batch's attributes. */
    public static final int NONE = 0;

    public static final int GZIP = 1;
    public static final int SNAPPY = 2;
    public static final int LZ4 = 3;
    public static final int ZSTD = 4;

    /**
     * No bound on a compressed record's decompressed size beyond what the JVM can allocate: Kafka's
     * default of {@code max.decompressed.message.bytes}.
     */
    public static final int NO_RECORD_BOUND = Integer.MAX_VALUE - 8;

    /** Decodes (and decompresses) every record of every batch in {@code batches}. */
    public static List<DecodedRecord> decode(ByteBuffer batches) {
        return decode(batches, NO_RECORD_BOUND);
    }

    /**
     * As {@link #decode(ByteBuffer)}; a compressed record claiming more than {@code maxRecordBytes} is
     * refused before anything is allocated for it (kafka-clients' InvalidRecordException).
     */
    public static List<DecodedRecord> decode(ByteBuffer batches, int maxRecordBytes) {
        List<DecodedRecord> out = new ArrayList<>();
        MemoryRecords records = MemoryRecords.readableRecords(batches.slice());
        for (MutableRecordBatch batch : records.batches()) {
            try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING, maxRecordBytes)) {
                while (it.hasNext()) {
                    out.add(toDecoded(it.next()));
                }
            }
        }
        return out;
    }

    /** Decodes the records of the single batch at {@code pos} with the given size. */
    public static List<DecodedRecord> decodeBatch(ByteBuffer buf, int pos, int size) {
        return decodeBatch(buf, pos, size, NO_RECORD_BOUND);
    }

    /** As {@link #decodeBatch(ByteBuffer, int, int)}, with a bound as in {@link #decode(ByteBuffer, int)}. */
    public static List<DecodedRecord> decodeBatch(ByteBuffer buf, int pos, int size, int maxRecordBytes) {
        return decode(buf.duplicate().position(pos).limit(pos + size), maxRecordBytes);
    }

    private static DecodedRecord toDecoded(Record r) {
        List<SimpleRecord.Header> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new SimpleRecord.Header(h.key(), h.value()));
        }
        return new DecodedRecord(r.offset(), r.timestamp(), bytes(r.key()), bytes(r.value()), headers);
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Receives a record's offset and key (null if keyless); returns false to stop the walk. */
    @FunctionalInterface
    public interface KeyVisitor {
        boolean visit(long offset, ByteBuffer key);
    }

    /**
     * Walks the records of the single batch at {@code pos} with the given size, decompressing if
     * needed, handing each record's key to {@code visitor} without copying it (the key buffer is only
     * valid during the call). Returns false if the visitor stopped the walk. A compressed record claiming
     * more than {@code maxRecordBytes} is refused before anything is allocated for it (kafka-clients'
     * InvalidRecordException).
     */
    public static boolean forEachKey(ByteBuffer buf, int pos, int size, int maxRecordBytes, KeyVisitor visitor) {
        MemoryRecords records = MemoryRecords.readableRecords(
                buf.duplicate().position(pos).limit(pos + size).slice());
        for (MutableRecordBatch batch : records.batches()) {
            try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING, maxRecordBytes)) {
                while (it.hasNext()) {
                    Record r = it.next();
                    if (!visitor.visit(r.offset(), r.hasKey() ? r.key() : null)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * The index within its batch of the first record of {@code size} bytes of batches at {@code pos}
     * that has no key, or -1 if every record has one. Compressed batches are decompressed as a stream
     * with keys and values skipped, not copied: nothing is allocated for them whatever sizes the
     * records claim. Throws IllegalArgumentException (with the reason) if a batch cannot be read, or holds
     * a record claiming more than {@code maxRecordBytes}.
     */
    public static int firstKeylessRecord(ByteBuffer buf, int pos, int size, int maxRecordBytes) {
        MemoryRecords records = MemoryRecords.readableRecords(
                buf.duplicate().position(pos).limit(pos + size).slice());
        try {
            for (MutableRecordBatch batch : records.batches()) {
                int index = 0;
                try (CloseableIterator<Record> it =
                        batch.skipKeyValueIterator(BufferSupplier.NO_CACHING, maxRecordBytes)) {
                    while (it.hasNext()) {
                        if (!it.next().hasKey()) {
                            return index;
                        }
                        index++;
                    }
                }
            }
        } catch (RuntimeException e) { // KafkaException, or a codec library's own, on a client's bytes
            throw new IllegalArgumentException(String.valueOf(e.getMessage()), e);
        }
        return -1;
    }

    /** Builds one v2 batch with the given codec ({@link #NONE} .. {@link #ZSTD}) and base offset. */
    public static ByteBuffer build(int codec, long baseOffset, List<SimpleRecord> records) {
        Compression compression;
        switch (codec) {
            case NONE:
                compression = Compression.NONE;
                break;
            case GZIP:
                compression = Compression.gzip().build();
                break;
            case SNAPPY:
                compression = Compression.snappy().build();
                break;
            case LZ4:
                compression = Compression.lz4().build();
                break;
            case ZSTD:
                compression = Compression.zstd().build();
                break;
            default:
                throw new IllegalArgumentException("unknown codec " + codec);
        }
        ByteBuffer buf = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                buf, RecordBatch.CURRENT_MAGIC_VALUE, compression, TimestampType.CREATE_TIME, baseOffset);
        for (SimpleRecord r : records) {
            Header[] headers = new Header[r.headers().size()];
            for (int i = 0; i < headers.length; i++) {
                headers[i] = new RecordHeader(
                        r.headers().get(i).key(), r.headers().get(i).value());
            }
            builder.append(r.timestamp(), r.key(), r.value(), headers);
        }
        return builder.build().buffer();
    }

    // ------------------------------------------------------------------------------------------------
    // Filtering (log compaction)

    /** A batch as the filter sees it; {@code marker} tells what a control batch is (NONE for data). */
    public record BatchView(
            long baseOffset,
            long lastOffset,
            long producerId,
            boolean transactional,
            boolean control,
            Marker marker,
            OptionalLong deleteHorizonMs) {
        public boolean hasProducerId() {
            return producerId >= 0;
        }
    }

    /** The kind of a batch's control record: an end-transaction marker, another control type, or none. */
    public enum Marker {
        /** A data batch. */
        NONE,
        COMMIT,
        ABORT,
        /** A control batch with no record left (an earlier cleaning emptied it). */
        EMPTY,
        /** A control batch of another type. */
        OTHER
    }

    /** What the filter does with a batch, decided before its records are looked at. */
    public enum BatchAction {
        /** The whole batch goes; its records are not looked at. */
        DROP,
        /** Its records are filtered; the batch goes if none is kept. */
        DROP_IF_EMPTY,
        /** Its records are filtered; a header-only batch with the same offsets, producer id/epoch and sequence stays if none is kept. */
        KEEP_IF_EMPTY,
        /**
         * A control batch whose transaction has no data left: filtered as {@link #DROP_IF_EMPTY}, and
         * a kept copy carries a delete horizon (now + {@code delete.retention.ms}) unless it has one
         * already, after which the cleaner may drop it (Kafka's cleaner, KIP-534).
         */
        STAMP_MARKER_OF_EMPTY_TXN
    }

    /** Decides, batch by batch and record by record, what a filtered copy keeps. */
    public interface RecordFilter {
        /** Called once per batch, in log order, before {@link #retain} for its records. */
        BatchAction checkBatch(BatchView batch);

        /** True to keep the record at {@code offset}; {@code key} is null for a keyless record. */
        boolean retain(BatchView batch, long offset, ByteBuffer key, boolean tombstone);
    }

    /** A filtered copy of batches, and how many records were read and kept. */
    public record Filtered(ByteBuffer batches, int recordsRead, int recordsRetained) {}

    /**
     * Copies the batches in {@code batches}, keeping the records {@code filter} retains. A kept batch
     * keeps its base and last offset, timestamps, attributes, producer id/epoch/base sequence and
     * compression codec (records are re-compressed with the batch's codec); a batch left with every
     * record is copied byte for byte unless it holds a tombstone, or is a marker the filter calls
     * {@link BatchAction#STAMP_MARKER_OF_EMPTY_TXN}, and has no delete horizon yet, in which case it is
     * rewritten with the delete horizon {@code nowMs + deleteRetentionMs} (KIP-534, as Kafka's cleaner
     * does). The returned buffer is ready to read. A compressed record claiming more than
     * {@code maxRecordBytes} fails the filter (kafka-clients' InvalidRecordException) before anything
     * is allocated for it.
     */
    public static Filtered filter(
            ByteBuffer batches, RecordFilter filter, long nowMs, long deleteRetentionMs, int maxRecordBytes) {
        MemoryRecords records = MemoryRecords.readableRecords(batches.slice());
        MemoryRecords.RecordFilter kafkaFilter = new MemoryRecords.RecordFilter(nowMs, deleteRetentionMs) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
                return switch (filter.checkBatch(view(batch))) {
                    case DROP -> new BatchRetentionResult(BatchRetention.DELETE, false);
                    case DROP_IF_EMPTY -> new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
                    case KEEP_IF_EMPTY -> new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
                    case STAMP_MARKER_OF_EMPTY_TXN -> new BatchRetentionResult(BatchRetention.DELETE_EMPTY, true);
                };
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
                return filter.retain(
                        view(batch), record.offset(), record.hasKey() ? record.key() : null, !record.hasValue());
            }
        };
        ByteBuffer out = ByteBuffer.allocate(Math.max(64, batches.remaining()));
        MemoryRecords.FilterResult result =
                records.filterTo(kafkaFilter, out, BufferSupplier.NO_CACHING, maxRecordBytes);
        ByteBuffer output = result.outputBuffer();
        output.flip();
        return new Filtered(output, result.messagesRead(), result.messagesRetained());
    }

    private static BatchView view(RecordBatch batch) {
        return new BatchView(
                batch.baseOffset(),
                batch.lastOffset(),
                batch.producerId(),
                batch.isTransactional(),
                batch.isControlBatch(),
                marker(batch),
                batch.deleteHorizonMs());
    }

    private static Marker marker(RecordBatch batch) {
        if (!batch.isControlBatch()) {
            return Marker.NONE;
        }
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return Marker.EMPTY;
        }
        Record first = records.next();
        if (!first.hasKey()) {
            return Marker.OTHER;
        }
        try {
            return switch (ControlRecordType.parse(first.key())) {
                case COMMIT -> Marker.COMMIT;
                case ABORT -> Marker.ABORT;
                default -> Marker.OTHER;
            };
        } catch (InvalidRecordException e) {
            return Marker.OTHER; // a key too short to name a type
        }
    }
}
