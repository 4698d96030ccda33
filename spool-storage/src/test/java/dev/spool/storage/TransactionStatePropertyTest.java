package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random interleavings of transactional batches, plain batches, commit and abort markers of three
 * producers, segment rolls, truncations and clean or crashing restarts: after every step the log's
 * last stable offset and aborted-transaction list equal those of a model that replays the log's
 * history with Kafka's rules (a transactional batch opens its producer's transaction, a marker ends
 * it, an abort that ended one is an aborted transaction).
 */
class TransactionStatePropertyTest {
    static final long T0 = 1_700_000_000_000L;
    static final int PRODUCERS = 3;

    /** One appended batch of the model: producer (-1 plain), marker type or data, offsets. */
    record Entry(long producerId, TxnResult marker, long firstOffset, long lastOffset) {}

    /** The model's view: ongoing transactions and aborted ones, from the history. */
    static List<AbortedTxn> modelAborted(List<Entry> history, Map<Long, Long> ongoingOut) {
        Map<Long, Long> ongoing = new HashMap<>();
        List<AbortedTxn> aborted = new ArrayList<>();
        for (Entry e : history) {
            if (e.producerId() < 0) {
                continue;
            }
            if (e.marker() == null) {
                ongoing.putIfAbsent(e.producerId(), e.firstOffset());
                continue;
            }
            Long first = ongoing.remove(e.producerId());
            if (first != null && e.marker() == TxnResult.ABORT) {
                long lso = e.firstOffset() + 1;
                for (long f : ongoing.values()) {
                    lso = Math.min(lso, f);
                }
                aborted.add(new AbortedTxn(e.producerId(), first, e.firstOffset(), lso));
            }
        }
        ongoingOut.putAll(ongoing);
        return aborted;
    }

    static ByteBuffer batch(long pid, int seq, int count, String tag) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SimpleRecord(T0, null, (tag + i).getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(0, new BatchBuilder.ProducerInfo(pid, (short) 0, seq, pid >= 0), records);
    }

    @Property(tries = 60)
    void lsoAndAbortedTransactionsFollowTheModel(
            @ForAll @Size(min = 1, max = 70) List<@IntRange(min = 0, max = 99) Integer> ops) throws IOException {
        Path dir = Files.createTempDirectory("spool-txn-prop");
        MockTime time = new MockTime(T0);
        LogConfig cfg = config(LogConfig.SEGMENT_INDEX_BYTES, 4096, LogConfig.SEGMENT_BYTES, 1024);
        Log log = LogTestSupport.open(dir, cfg, time, LogLoader.LoadParams.FRESH);
        try {
            List<Entry> history = new ArrayList<>();
            int[] nextSeq = new int[PRODUCERS];
            int n = 0;
            for (int op : ops) {
                long pid = 300 + op % PRODUCERS;
                int p = op % PRODUCERS;
                if (op < 40) { // a transactional batch
                    int count = 1 + op % 3;
                    AppendResult r = log.appendAsLeader(batch(pid, nextSeq[p], count, "t" + n++), 0);
                    assertThat(r.ok()).as("txn batch: %s", r.message()).isTrue();
                    nextSeq[p] += count;
                    history.add(new Entry(pid, null, r.firstOffset(), r.lastOffset()));
                } else if (op < 55) { // a plain batch
                    AppendResult r = log.appendAsLeader(batch(-1, -1, 1, "p" + n++), 0);
                    history.add(new Entry(-1, null, r.firstOffset(), r.lastOffset()));
                } else if (op < 80) { // a marker
                    TxnResult result = op % 2 == 0 ? TxnResult.COMMIT : TxnResult.ABORT;
                    AppendResult r = log.appendTxnMarker(pid, (short) 0, 0, result, 0);
                    assertThat(r.ok()).as("marker: %s", r.message()).isTrue();
                    history.add(new Entry(pid, result, r.firstOffset(), r.lastOffset()));
                } else if (op < 86) {
                    log.roll();
                } else if (op < 92 && !history.isEmpty()) { // truncate at a batch boundary
                    Entry cut = history.get(op % history.size());
                    log.truncateTo(cut.firstOffset());
                    history.removeIf(e -> e.firstOffset() >= cut.firstOffset());
                    // Sequences continue from what survived (a follower's view after truncation).
                    for (int q = 0; q < PRODUCERS; q++) {
                        nextSeq[q] = 0;
                        for (Entry e : history) {
                            if (e.producerId() == 300 + q && e.marker() == null) {
                                nextSeq[q] += (int) (e.lastOffset() - e.firstOffset() + 1);
                            }
                        }
                    }
                } else if (op < 96) { // clean restart
                    long end = log.logEndOffset();
                    log.close();
                    log = LogTestSupport.open(dir, cfg, time, new LogLoader.LoadParams(true, end, 0, end));
                } else { // crash after a flush, recovered from a random point
                    long end = log.logEndOffset();
                    log.flush();
                    log.closeWithoutSealing();
                    List<Long> bases = new ArrayList<>(List.of(0L));
                    for (Entry e : history) {
                        bases.add(e.firstOffset());
                    }
                    long recoveryPoint = Math.min(end, bases.get(op % bases.size()));
                    log = LogTestSupport.open(dir, cfg, time, new LogLoader.LoadParams(false, recoveryPoint, 0, end));
                }
                log.updateHighWatermark(log.logEndOffset());
                Map<Long, Long> ongoing = new HashMap<>();
                List<AbortedTxn> aborted = modelAborted(history, ongoing);
                long end =
                        history.isEmpty() ? 0 : history.get(history.size() - 1).lastOffset() + 1;
                assertThat(log.logEndOffset()).isEqualTo(end);
                long lso = end;
                for (long f : ongoing.values()) {
                    lso = Math.min(lso, f);
                }
                assertThat(log.lastStableOffset()).as("LSO after op %d", op).isEqualTo(lso);
                assertThat(log.collectAbortedTransactions(0, end))
                        .as("aborted after op %d", op)
                        .isEqualTo(aborted);
            }
        } finally {
            log.close();
            LogStatefulPropertyTest.deleteRecursively(dir);
        }
    }
}
