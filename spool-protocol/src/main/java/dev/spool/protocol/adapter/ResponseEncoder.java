package dev.spool.protocol.adapter;

import dev.spool.protocol.record.Varint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Encodes a response (4-byte size, header, body) with kafka-clients' generated classes into a list of
 * chunks: heap {@link ByteBuffer}s for the encoded fields, and, in place of record sets made with
 * {@link #zeroCopyRecords}, their opaque payload (a file slice the network layer sends with
 * {@code sendfile}). Record bytes never enter the heap.
 */
public final class ResponseEncoder {
    private ResponseEncoder() {}

    /** Records that stand for {@code size} bytes held elsewhere (a file slice); written as a chunk of their own. */
    public static Object zeroCopyRecords(Object payload, int size) {
        return new PayloadRecords(payload, size);
    }

    /** Records from a heap buffer (e.g. a small batch built by the broker). */
    public static Object memoryRecords(ByteBuffer batches) {
        return MemoryRecords.readableRecords(batches);
    }

    /** The payload objects and heap buffers that make up one encoded response, in order. */
    public record Chunks(List<Object> parts, int totalBytes) {}

    /** Encodes a response of {@code api} at {@code version} for request {@code correlationId}. */
    public static Chunks encode(ApiKeys api, short version, int correlationId, ApiMessage body) {
        short headerVersion = api.responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ChunkWriter w = new ChunkWriter(Math.min(size + 4, 512));
        w.writeInt(size);
        header.write(w, cache, headerVersion);
        body.write(w, cache, version);
        return new Chunks(w.finish(), size + 4);
    }

    /** Sets the records field value for a generated message (the field's type is internal). */
    public static void setFetchRecords(
            org.apache.kafka.common.message.FetchResponseData.PartitionData partition, Object records) {
        partition.setRecords((BaseRecords) records);
    }

    private static final class PayloadRecords implements BaseRecords {
        final Object payload;
        final int size;

        PayloadRecords(Object payload, int size) {
            this.payload = payload;
            this.size = size;
        }

        @Override
        public int sizeInBytes() {
            return size;
        }

        @Override
        public RecordsSend<? extends BaseRecords> toSend() {
            throw new UnsupportedOperationException("sent by the network layer as a file region");
        }
    }

    /** A {@link Writable} into a growing heap buffer that splits around zero-copy records. */
    private static final class ChunkWriter implements Writable {
        private ByteBuffer buf;
        private int chunkStart;
        private final List<Object> parts = new ArrayList<>(4);

        ChunkWriter(int initial) {
            buf = ByteBuffer.allocate(initial);
        }

        private void ensure(int n) {
            if (buf.remaining() >= n) {
                return;
            }
            int cap = Math.max(buf.capacity() * 2, buf.position() + n);
            ByteBuffer bigger = ByteBuffer.allocate(cap);
            // Bytes before chunkStart already belong to emitted chunks (slices of the old array).
            bigger.position(chunkStart);
            bigger.put(buf.array(), chunkStart, buf.position() - chunkStart);
            buf = bigger;
        }

        private void cut() {
            if (buf.position() > chunkStart) {
                parts.add(ByteBuffer.wrap(buf.array(), chunkStart, buf.position() - chunkStart)
                        .slice());
            }
            chunkStart = buf.position();
        }

        List<Object> finish() {
            cut();
            return parts;
        }

        @Override
        public void writeByte(byte val) {
            ensure(1);
            buf.put(val);
        }

        @Override
        public void writeShort(short val) {
            ensure(2);
            buf.putShort(val);
        }

        @Override
        public void writeInt(int val) {
            ensure(4);
            buf.putInt(val);
        }

        @Override
        public void writeLong(long val) {
            ensure(8);
            buf.putLong(val);
        }

        @Override
        public void writeDouble(double val) {
            ensure(8);
            buf.putDouble(val);
        }

        @Override
        public void writeByteArray(byte[] arr) {
            ensure(arr.length);
            buf.put(arr);
        }

        @Override
        public void writeUnsignedVarint(int i) {
            ensure(5);
            Varint.writeUnsignedVarint(buf, i);
        }

        @Override
        public void writeByteBuffer(ByteBuffer src) {
            ensure(src.remaining());
            buf.put(src.duplicate());
        }

        @Override
        public void writeVarint(int i) {
            ensure(5);
            Varint.writeVarint(buf, i);
        }

        @Override
        public void writeVarlong(long i) {
            ensure(10);
            Varint.writeVarlong(buf, i);
        }

        @Override
        public void writeUuid(Uuid uuid) {
            writeLong(uuid.getMostSignificantBits());
            writeLong(uuid.getLeastSignificantBits());
        }

        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof PayloadRecords) {
                cut();
                parts.add(((PayloadRecords) records).payload);
            } else if (records instanceof MemoryRecords) {
                writeByteBuffer(((MemoryRecords) records).buffer());
            } else {
                throw new IllegalArgumentException("unsupported records type " + records.getClass());
            }
        }
    }
}
