package dev.spool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchesTest {

    @ParameterizedTest
    @ValueSource(ints = {75, 200, 1000, 4097, 10240, 65535, 65536, 100_000, 1 << 20})
    void buildsValidBatchesOfExactlyTheRequestedSize(int size) {
        ByteBuffer batch = Batches.exactSize(size, 1_700_000_000_000L);

        assertThat(batch.isDirect()).isTrue();
        assertThat(batch.position()).isZero();
        assertThat(batch.remaining()).isEqualTo(size);
        assertThat(RecordBatch.sizeInBytes(batch, 0)).isEqualTo(size);
        BatchValidator.Result v = BatchValidator.validate(batch, Integer.MAX_VALUE);
        assertThat(v.ok()).as(v.message()).isTrue();
        assertThat(v.recordCount()).isEqualTo(Batches.recordCount(size));
    }

    @Test
    void fitsEverySizeAcrossVarintBoundaries() {
        for (int size = 75; size <= 600; size++) {
            assertThat(Batches.exactSize(size, 0L).remaining()).isEqualTo(size);
        }
        for (int size = 8000; size <= 8400; size++) {
            assertThat(Batches.exactSize(size, 0L).remaining()).isEqualTo(size);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {10240, 1 << 20})
    void theBenchmarkSizesUseTheDocumentedRecordCounts(int size) {
        assertThat(Batches.recordCount(size)).isEqualTo(size == 10240 ? 100 : 1024);
    }
}
