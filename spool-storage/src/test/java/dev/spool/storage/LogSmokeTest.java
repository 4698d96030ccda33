package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.Time;
import dev.spool.protocol.adapter.KafkaRecords;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSmokeTest {
    @TempDir
    Path dir;

    @Test
    void appendReadReopenRecover() throws Exception {
        LogConfig cfg = config(LogConfig.SEGMENT_BYTES, 1000, LogConfig.INDEX_INTERVAL_BYTES, 100);
        Log log = open(dir, cfg, Time.SYSTEM, LogLoader.LoadParams.FRESH);
        for (int i = 0; i < 50; i++) {
            AppendResult r = log.appendAsLeader(batch("b" + i, 3, 1000 + i), 0);
            assertThat(r.ok()).as(r.message()).isTrue();
            assertThat(r.firstOffset()).isEqualTo(i * 3L);
        }
        assertThat(log.logEndOffset()).isEqualTo(150);
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        List<KafkaRecords.DecodedRecord> recs = KafkaRecords.decode(readAll(log, 0));
        assertThat(recs).hasSize(150);
        for (int i = 0; i < 150; i++) {
            assertThat(recs.get(i).offset()).isEqualTo(i);
        }
        ReadResult mid = log.read(77, 1 << 20, log.logEndOffset(), true);
        assertThat(KafkaRecords.decode(mid.slice().readFully()).get(0).offset()).isEqualTo(75);
        // batch 8 holds timestamps 1008..1010 at offsets 24..26
        assertThat(log.fetchOffsetByTimestamp(1010).offset()).isEqualTo(26);
        log.close();

        // clean reopen
        Log reopened = open(dir, cfg, Time.SYSTEM, new LogLoader.LoadParams(true, 150, 0, 150));
        assertThat(reopened.logEndOffset()).isEqualTo(150);
        assertThat(KafkaRecords.decode(readAll(reopened, 0))).hasSize(150);
        reopened.closeWithoutSealing();

        // unclean reopen: full recovery
        Log recovered = open(dir, cfg, Time.SYSTEM, LogLoader.LoadParams.FRESH);
        assertThat(recovered.logEndOffset()).isEqualTo(150);
        assertThat(KafkaRecords.decode(readAll(recovered, 0))).hasSize(150);
        ByteBuffer more = batch("after", 2, 5000);
        assertThat(recovered.appendAsLeader(more, 0).firstOffset()).isEqualTo(150);
        recovered.close();
    }
}
