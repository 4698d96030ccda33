package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.values;
import static dev.spool.storage.ProducerStateTest.T0;
import static dev.spool.storage.ProducerStateTest.idem;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random interleavings of new batches, retries of any of a producer's last five batches, segment
 * rolls, and clean or crashing restarts, for three producers: the log ends up with every batch
 * exactly once, in the order first sent, and every retry is answered with its batch's original
 * offsets.
 */
class ProducerStatePropertyTest {
    static final int PRODUCERS = 3;

    /** A batch sent: its producer, first sequence, record count, tag, and the offset it got. */
    record Sent(long producerId, int seq, int count, String tag, long offset) {}

    @Property(tries = 60)
    void everyBatchIsStoredExactlyOnce(@ForAll @Size(min = 1, max = 80) List<@IntRange(min = 0, max = 99) Integer> ops)
            throws IOException {
        Path dir = Files.createTempDirectory("spool-idem-prop");
        MockTime time = new MockTime(T0);
        LogConfig cfg = config(LogConfig.SEGMENT_INDEX_BYTES, 4096, LogConfig.SEGMENT_BYTES, 2048);
        Log log = LogTestSupport.open(dir, cfg, time, LogLoader.LoadParams.FRESH);
        try {
            List<List<Sent>> sent = new ArrayList<>();
            int[] nextSeq = new int[PRODUCERS];
            for (int p = 0; p < PRODUCERS; p++) {
                sent.add(new ArrayList<>());
                nextSeq[p] = p == 2 ? Integer.MAX_VALUE - 6 : 0; // one producer wraps its sequence
            }
            List<String> expected = new ArrayList<>();
            int n = 0;
            for (int op : ops) {
                int p = op % PRODUCERS;
                long pid = 100 + p;
                List<Sent> mine = sent.get(p);
                if (op < 55 || mine.isEmpty()) { // a new batch
                    int count = 1 + op % 4;
                    String tag = "p" + p + "n" + n++;
                    AppendResult r = log.appendAsLeader(idem(pid, 0, nextSeq[p], count, tag), 0);
                    assertThat(r.ok()).as("new batch %s: %s", tag, r.message()).isTrue();
                    mine.add(new Sent(pid, nextSeq[p], count, tag, r.firstOffset()));
                    nextSeq[p] = ProducerStateManager.lastSequence(nextSeq[p], count - 1) + 1;
                    if (nextSeq[p] < 0) {
                        nextSeq[p] = 0;
                    }
                    for (int i = 0; i < count; i++) {
                        expected.add(tag + "-" + i);
                    }
                } else if (op < 85) { // a retry of one of the last five
                    int back = op % Math.min(ProducerStateEntry.MAX_BATCHES, mine.size());
                    Sent s = mine.get(mine.size() - 1 - back);
                    long end = log.logEndOffset();
                    AppendResult r = log.appendAsLeader(idem(pid, 0, s.seq(), s.count(), s.tag()), 0);
                    assertThat(r.ok()).isTrue();
                    assertThat(r.firstOffset()).as("retry of %s", s.tag()).isEqualTo(s.offset());
                    assertThat(log.logEndOffset()).isEqualTo(end);
                } else if (op < 90) {
                    log.roll();
                } else if (op < 95) { // clean restart
                    log.flush();
                    log.close();
                    log = LogTestSupport.open(dir, cfg, time, new LogLoader.LoadParams(true, log.logEndOffset(), 0, 0));
                } else { // crash: no snapshot at the end, full recovery
                    log.flush();
                    log.closeWithoutSealing();
                    log = LogTestSupport.open(dir, cfg, time, new LogLoader.LoadParams(false, 0, 0, 0));
                }
            }
            assertThat(values(log)).containsExactlyElementsOf(expected);
        } finally {
            log.close();
            LogStatefulPropertyTest.deleteRecursively(dir);
        }
    }
}
