package dev.spool.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record walk must judge the same bytes the same way in heap and direct buffers, small or large records. */
class BatchValidatorBufferKindsTest {

    private static ByteBuffer batch(int records, int valueSize) {
        List<SimpleRecord> list = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            list.add(new SimpleRecord(
                    1_000 + i, ("k" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[valueSize]));
        }
        return BatchBuilder.build(list);
    }

    private static ByteBuffer direct(ByteBuffer heap) {
        ByteBuffer d = ByteBuffer.allocateDirect(heap.remaining() + 7);
        d.position(7); // not at offset 0
        d.put(heap.duplicate());
        return d.position(7);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 2_000})
    void heapAndDirectBuffersAgree(int valueSize) {
        ByteBuffer good = batch(20, valueSize);
        assertThat(BatchValidator.validate(good.duplicate(), Integer.MAX_VALUE).ok())
                .isTrue();
        assertThat(BatchValidator.validate(direct(good), Integer.MAX_VALUE).ok())
                .isTrue();

        // Record 3's key length grows by one: its fields overrun it. Fix the CRC so only the walk can tell.
        ByteBuffer bad = batch(20, valueSize);
        int p = RecordBatch.RECORDS_OFFSET;
        for (int i = 0; i < 3; i++) {
            int length = Varint.readVarint(bad.duplicate().position(p));
            p += Varint.sizeOfVarint(length) + length;
        }
        int length = Varint.readVarint(bad.duplicate().position(p));
        int keyLengthAt = p + Varint.sizeOfVarint(length) + 1 + 1 + 1; // attributes, ts delta, offset delta
        bad.put(keyLengthAt, (byte) (bad.get(keyLengthAt) + 2)); // zig-zag: +2 is one more byte
        RecordBatch.writeCrc(bad, 0);
        BatchValidator.Result heap = BatchValidator.validate(bad.duplicate(), Integer.MAX_VALUE);
        BatchValidator.Result dir = BatchValidator.validate(direct(bad), Integer.MAX_VALUE);
        assertThat(heap.error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(dir.error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(dir.message()).isEqualTo(heap.message()).contains("record 3");
    }
}
