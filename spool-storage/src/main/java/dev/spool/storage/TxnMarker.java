package dev.spool.storage;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.Varint;
import java.nio.ByteBuffer;

/**
 * Descriptor of a transaction marker, Kafka's end-transaction control record: a control batch
 * (attributes control + transactional, base sequence -1) holding one record whose key and value are
 *
 * <pre>
 *  key:   version int16 (0) | type int16 (0 = abort, 1 = commit)
 *  value: version int16 (0) | coordinatorEpoch int32
 * </pre>
 * Big-endian. Stateless.
 */
final class TxnMarker {
    private TxnMarker() {}

    static final short CURRENT_VERSION = 0;
    static final int KEY_VERSION_OFFSET = 0;
    static final int KEY_TYPE_OFFSET = 2;
    static final int KEY_SIZE = 4;
    static final int VALUE_VERSION_OFFSET = 0;
    static final int VALUE_COORDINATOR_EPOCH_OFFSET = 2;
    static final int VALUE_SIZE = 6;
    static final short TYPE_ABORT = 0;
    static final short TYPE_COMMIT = 1;

    /** A marker batch at {@code offset} (a leader stamps offset and leader epoch on append). */
    static ByteBuffer build(
            long offset, long producerId, short epoch, int coordinatorEpoch, TxnResult result, long timestamp) {
        ByteBuffer key = ByteBuffer.allocate(KEY_SIZE);
        key.putShort(KEY_VERSION_OFFSET, CURRENT_VERSION);
        key.putShort(KEY_TYPE_OFFSET, result == TxnResult.COMMIT ? TYPE_COMMIT : TYPE_ABORT);
        ByteBuffer value = ByteBuffer.allocate(VALUE_SIZE);
        value.putShort(VALUE_VERSION_OFFSET, CURRENT_VERSION);
        value.putInt(VALUE_COORDINATOR_EPOCH_OFFSET, coordinatorEpoch);
        return BatchBuilder.buildControl(offset, producerId, epoch, timestamp, key.array(), value.array());
    }

    /** A parsed marker. */
    record Parsed(TxnResult result, int coordinatorEpoch) {}

    /**
     * Parses the control record of the control batch at {@code pos}, whose whole bytes must lie in
     * {@code buf} (up to its limit). Returns null if it is not an end-transaction marker (another
     * control type, or bytes that do not parse); the batch is then treated as no marker.
     */
    static Parsed parse(ByteBuffer buf, int pos) {
        int end = pos + RecordBatch.sizeInBytes(buf, pos);
        if (end > buf.limit() || RecordBatch.compressionCodec(buf, pos) != 0 || RecordBatch.recordCount(buf, pos) < 1) {
            return null;
        }
        ByteBuffer b = buf.duplicate();
        b.limit(end);
        b.position(pos + RecordBatch.RECORDS_OFFSET);
        try {
            Varint.readVarint(b); // record length
            b.get(); // attributes
            Varint.readVarlong(b); // timestamp delta
            Varint.readVarint(b); // offset delta
            int keyLength = Varint.readVarint(b);
            if (keyLength < KEY_SIZE || keyLength > b.remaining()) {
                return null;
            }
            int keyStart = b.position();
            short type = b.getShort(keyStart + KEY_TYPE_OFFSET);
            b.position(keyStart + keyLength);
            int valueLength = Varint.readVarint(b);
            int coordinatorEpoch = -1;
            if (valueLength >= VALUE_SIZE && valueLength <= b.remaining()) {
                coordinatorEpoch = b.getInt(b.position() + VALUE_COORDINATOR_EPOCH_OFFSET);
            }
            if (type == TYPE_ABORT) {
                return new Parsed(TxnResult.ABORT, coordinatorEpoch);
            }
            if (type == TYPE_COMMIT) {
                return new Parsed(TxnResult.COMMIT, coordinatorEpoch);
            }
            return null;
        } catch (RuntimeException e) {
            return null; // a varint or field past the batch's end
        }
    }
}
