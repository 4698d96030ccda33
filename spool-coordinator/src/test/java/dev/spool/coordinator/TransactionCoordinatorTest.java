package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.TopicPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transaction state machine with mock time, an in-memory __transaction_state and recorded markers. */
class TransactionCoordinatorTest {
    static final int PARTITIONS = 4;
    static final int MAX_TIMEOUT_MS = 60_000;
    static final long EXPIRATION_MS = 3_600_000L;
    static final long ABORT_CHECK_MS = 1_000L;
    static final long EXPIRE_CHECK_MS = 60_000L;
    static final long RETRY_MS = 100L;
    static final TopicPartition T0 = new TopicPartition("t", 0);
    static final TopicPartition T1 = new TopicPartition("t", 1);

    /** A marker the coordinator wrote. */
    record Marker(TopicPartition partition, long producerId, short epoch, TransactionResult result) {}

    /** Records markers; a partition can be made to fail. */
    static final class RecordingMarkers implements TxnMarkerWriter {
        final List<Marker> written = new ArrayList<>();
        final Map<TopicPartition, Errors> failing = new HashMap<>();

        @Override
        public Errors write(
                TopicPartition partition,
                long producerId,
                short epoch,
                int coordinatorEpoch,
                TransactionResult result) {
            Errors e = failing.getOrDefault(partition, Errors.NONE);
            if (e == Errors.NONE) {
                written.add(new Marker(partition, producerId, epoch, result));
            }
            return e;
        }
    }

    MockClock clock;
    InMemoryCoordinatorLog log;
    RecordingMarkers markers;
    long nextProducerId;
    TransactionCoordinator coordinator;

    @BeforeEach
    void setUp() {
        clock = new MockClock();
        log = new InMemoryCoordinatorLog();
        markers = new RecordingMarkers();
        nextProducerId = 1000;
        coordinator = newCoordinator();
    }

    TransactionCoordinator newCoordinator() {
        TransactionCoordinatorConfig config = new TransactionCoordinatorConfig(
                PARTITIONS, MAX_TIMEOUT_MS, EXPIRATION_MS, ABORT_CHECK_MS, EXPIRE_CHECK_MS, RETRY_MS);
        ProducerIdSource ids = () -> nextProducerId++;
        TransactionCoordinator c = TransactionCoordinator.create(config, log, ids, markers, clock, p -> clock);
        c.startup();
        return c;
    }

    TransactionCoordinator.InitResult init(String id) {
        return init(id, -1, (short) -1);
    }

    TransactionCoordinator.InitResult init(String id, long pid, short epoch) {
        return coordinator.initProducerId(id, 30_000, pid, epoch).join();
    }

    Errors add(String id, TransactionCoordinator.InitResult p, TopicPartition... tps) {
        return coordinator
                .addPartitions(id, p.producerId(), p.producerEpoch(), List.of(tps))
                .join();
    }

    Errors end(String id, TransactionCoordinator.InitResult p, TransactionResult r) {
        return coordinator
                .endTransaction(id, p.producerId(), p.producerEpoch(), r)
                .join();
    }

    DescribeTransactionsResponseData.TransactionState describe(String id) {
        return coordinator.describe(id).join();
    }

    @Test
    void initCreatesTheTopicAndHandsOutEpochZeroThenBumps() {
        TransactionCoordinator.InitResult a = init("tx");
        assertThat(a.error()).isEqualTo(Errors.NONE);
        assertThat(a.producerId()).isEqualTo(1000L);
        assertThat(a.producerEpoch()).isZero();
        assertThat(log.topicExists()).isTrue();
        TransactionCoordinator.InitResult b = init("tx");
        assertThat(b.producerId()).isEqualTo(1000L);
        assertThat(b.producerEpoch()).isEqualTo((short) 1);
        assertThat(describe("tx").transactionState()).isEqualTo("Empty");
        // the record went to Kafka's partition for the id
        assertThat(log.partitions.keySet()).containsExactly(coordinator.partitionFor("tx"));
    }

    @Test
    void badInitRequests() {
        assertThat(coordinator.initProducerId("", 1000, -1, (short) -1).join().error())
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(coordinator.initProducerId("tx", 0, -1, (short) -1).join().error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(coordinator
                        .initProducerId("tx", MAX_TIMEOUT_MS + 1, -1, (short) -1)
                        .join()
                        .error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(log.size()).isZero();
    }

    @Test
    void commitWritesMarkersToEveryPartitionThenCompletes() {
        TransactionCoordinator.InitResult p = init("tx");
        assertThat(add("tx", p, T0)).isEqualTo(Errors.NONE);
        assertThat(add("tx", p, T1, T0)).isEqualTo(Errors.NONE);
        assertThat(describe("tx").transactionState()).isEqualTo("Ongoing");
        assertThat(describe("tx").transactionStartTimeMs()).isEqualTo(clock.milliseconds());
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.NONE);
        assertThat(markers.written)
                .containsExactly(
                        new Marker(T0, p.producerId(), p.producerEpoch(), TransactionResult.COMMIT),
                        new Marker(T1, p.producerId(), p.producerEpoch(), TransactionResult.COMMIT));
        DescribeTransactionsResponseData.TransactionState d = describe("tx");
        assertThat(d.transactionState()).isEqualTo("CompleteCommit");
        assertThat(d.topics()).isEmpty();
        // a retried EndTxn(commit) is fine, an abort now is not
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.NONE);
        assertThat(end("tx", p, TransactionResult.ABORT)).isEqualTo(Errors.INVALID_TXN_STATE);
        // the next transaction starts from CompleteCommit
        assertThat(add("tx", p, T1)).isEqualTo(Errors.NONE);
        assertThat(end("tx", p, TransactionResult.ABORT)).isEqualTo(Errors.NONE);
        assertThat(markers.written.get(2))
                .isEqualTo(new Marker(T1, p.producerId(), p.producerEpoch(), TransactionResult.ABORT));
        assertThat(describe("tx").transactionState()).isEqualTo("CompleteAbort");
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void endTxnWithoutATransactionIsInvalidTxnState() {
        TransactionCoordinator.InitResult p = init("tx");
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(end("tx", p, TransactionResult.ABORT)).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void wrongProducerIdOrEpoch() {
        TransactionCoordinator.InitResult p = init("tx");
        TransactionCoordinator.InitResult otherId = new TransactionCoordinator.InitResult(Errors.NONE, 42L, (short) 0);
        TransactionCoordinator.InitResult oldEpoch =
                new TransactionCoordinator.InitResult(Errors.NONE, p.producerId(), (short) (p.producerEpoch() - 1));
        assertThat(add("unknown", p, T0)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add("tx", otherId, T0)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add("tx", oldEpoch, T0)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(end("unknown", p, TransactionResult.COMMIT)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(end("tx", otherId, TransactionResult.COMMIT)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add("", p, T0)).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(end("", p, TransactionResult.COMMIT)).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(describe("unknown").errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
    }

    @Test
    void aNewProducerFencesTheOldOneAndAbortsItsTransaction() {
        TransactionCoordinator.InitResult old = init("tx");
        assertThat(add("tx", old, T0)).isEqualTo(Errors.NONE);
        // the new instance's InitProducerId aborts the open transaction and asks it to retry
        assertThat(init("tx").error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(markers.written)
                .containsExactly(new Marker(T0, old.producerId(), (short) 1, TransactionResult.ABORT));
        assertThat(describe("tx").transactionState()).isEqualTo("CompleteAbort");
        TransactionCoordinator.InitResult fresh = init("tx");
        assertThat(fresh.error()).isEqualTo(Errors.NONE);
        assertThat(fresh.producerId()).isEqualTo(old.producerId());
        assertThat(fresh.producerEpoch()).isEqualTo((short) 2);
        // the old producer is fenced
        assertThat(add("tx", old, T0)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(end("tx", old, TransactionResult.COMMIT)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(add("tx", fresh, T0)).isEqualTo(Errors.NONE);
    }

    @Test
    void kip360RecoveryWithTheCurrentIdAndEpochBumps() {
        TransactionCoordinator.InitResult p = init("tx");
        TransactionCoordinator.InitResult bumped = init("tx", p.producerId(), p.producerEpoch());
        assertThat(bumped.error()).isEqualTo(Errors.NONE);
        assertThat(bumped.producerEpoch()).isEqualTo((short) (p.producerEpoch() + 1));
        // a retry of that request (its answer lost) gets the same epoch, not another bump
        TransactionCoordinator.InitResult retry = init("tx", p.producerId(), p.producerEpoch());
        assertThat(retry.producerEpoch()).isEqualTo(bumped.producerEpoch());
        // another producer id, or an older epoch, is fenced
        assertThat(init("tx", 4242L, (short) 0).error()).isEqualTo(Errors.PRODUCER_FENCED);
        TransactionCoordinator.InitResult again = init("tx", bumped.producerId(), bumped.producerEpoch());
        assertThat(again.producerEpoch()).isEqualTo((short) (bumped.producerEpoch() + 1));
        assertThat(init("tx", p.producerId(), p.producerEpoch()).error()).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void anExhaustedEpochGetsANewProducerId() {
        TransactionCoordinator.InitResult p = init("tx");
        // the state at the last usable epoch, as a long-lived id reaches it, then a reload
        log.partitions
                .get(coordinator.partitionFor("tx"))
                .add(new CoordinatorRecord(
                        TransactionLogLayout.key("tx"),
                        TransactionLogLayout.value(new TransactionLogLayout.TxnValue(
                                p.producerId(),
                                TransactionMetadata.MAX_EPOCH,
                                30_000,
                                TransactionState.EMPTY,
                                List.of(),
                                clock.milliseconds(),
                                -1L))));
        coordinator.close();
        coordinator = newCoordinator();
        TransactionCoordinator.InitResult next = init("tx");
        assertThat(next.producerId()).isNotEqualTo(p.producerId());
        assertThat(next.producerEpoch()).isZero();
    }

    @Test
    void concurrentTransactionsWhileMarkersAreRetried() {
        TransactionCoordinator.InitResult p = init("tx");
        add("tx", p, T0, T1);
        markers.failing.put(T1, Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.NONE);
        assertThat(describe("tx").transactionState()).isEqualTo("PrepareCommit");
        assertThat(add("tx", p, T0)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(init("tx").error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(end("tx", p, TransactionResult.ABORT)).isEqualTo(Errors.INVALID_TXN_STATE);
        clock.advance(RETRY_MS);
        assertThat(describe("tx").transactionState()).isEqualTo("PrepareCommit");
        markers.failing.clear();
        clock.advance(RETRY_MS);
        assertThat(describe("tx").transactionState()).isEqualTo("CompleteCommit");
        // T0's marker was written once, T1's after the retry
        assertThat(markers.written).extracting(Marker::partition).containsExactly(T0, T1);
    }

    @Test
    void aDeletedPartitionIsDroppedFromTheMarkers() {
        TransactionCoordinator.InitResult p = init("tx");
        add("tx", p, T0, T1);
        markers.failing.put(T1, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        end("tx", p, TransactionResult.ABORT);
        assertThat(describe("tx").transactionState()).isEqualTo("CompleteAbort");
    }

    @Test
    void aRestartInPrepareCommitResendsTheMarkers() {
        TransactionCoordinator.InitResult p = init("tx");
        add("tx", p, T0, T1);
        markers.failing.put(T0, Errors.NOT_LEADER_OR_FOLLOWER);
        markers.failing.put(T1, Errors.NOT_LEADER_OR_FOLLOWER);
        end("tx", p, TransactionResult.COMMIT);
        coordinator.close();
        markers.failing.clear();
        markers.written.clear();
        coordinator = newCoordinator();
        assertThat(markers.written)
                .containsExactly(
                        new Marker(T0, p.producerId(), p.producerEpoch(), TransactionResult.COMMIT),
                        new Marker(T1, p.producerId(), p.producerEpoch(), TransactionResult.COMMIT));
        assertThat(describe("tx").transactionState()).isEqualTo("CompleteCommit");
    }

    @Test
    void replayRebuildsTheSameState() {
        TransactionCoordinator.InitResult a = init("a");
        TransactionCoordinator.InitResult b = init("b");
        init("c");
        add("a", a, T0);
        end("a", a, TransactionResult.COMMIT);
        add("b", b, T0, T1);
        List<DescribeTransactionsResponseData.TransactionState> before =
                List.of(describe("a"), describe("b"), describe("c"));
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(List.of(describe("a"), describe("b"), describe("c"))).isEqualTo(before);
        // and it carries on: b is still ongoing with its epoch
        assertThat(end("b", b, TransactionResult.COMMIT)).isEqualTo(Errors.NONE);
    }

    @Test
    void timedOutTransactionsAreFencedAndAborted() {
        TransactionCoordinator.InitResult p = init("tx");
        add("tx", p, T0);
        clock.advance(30_000); // start + timeout is not yet < now
        assertThat(describe("tx").transactionState()).isEqualTo("Ongoing");
        clock.advance(ABORT_CHECK_MS);
        DescribeTransactionsResponseData.TransactionState d = describe("tx");
        assertThat(d.transactionState()).isEqualTo("CompleteAbort");
        assertThat(d.producerEpoch()).isEqualTo((short) (p.producerEpoch() + 1));
        assertThat(markers.written)
                .containsExactly(
                        new Marker(T0, p.producerId(), (short) (p.producerEpoch() + 1), TransactionResult.ABORT));
        assertThat(end("tx", p, TransactionResult.COMMIT)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void idleTransactionalIdsExpire() {
        TransactionCoordinator.InitResult p = init("idle");
        clock.advance(EXPIRATION_MS - 10_000);
        init("recent");
        clock.advance(10_000 + EXPIRE_CHECK_MS);
        assertThat(describe("idle").errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        assertThat(describe("recent").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(add("idle", p, T0)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        // the tombstone survives a reload
        coordinator.close();
        coordinator = newCoordinator();
        assertThat(describe("idle").errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        // a new InitProducerId starts afresh with a new producer id
        assertThat(init("idle").producerId()).isNotEqualTo(p.producerId());
    }

    @Test
    void verifyOnlyChecksMembershipInTheOngoingTransaction() {
        TransactionCoordinator.InitResult p = init("tx");
        add("tx", p, T0);
        Map<TopicPartition, Errors> r = coordinator
                .verifyPartitions("tx", p.producerId(), p.producerEpoch(), List.of(T0, T1))
                .join();
        assertThat(r).containsEntry(T0, Errors.NONE).containsEntry(T1, Errors.TRANSACTION_ABORTABLE);
        assertThat(coordinator
                        .verifyPartitions("tx", p.producerId(), (short) 9, List.of(T0))
                        .join())
                .containsEntry(T0, Errors.PRODUCER_FENCED);
        // verification adds nothing
        assertThat(describe("tx").topics()).hasSize(1);
        assertThat(describe("tx").topics().iterator().next().partitions()).containsExactly(0);
    }

    @Test
    void failedAppendChangesNothing() {
        TransactionCoordinator.InitResult p = init("tx");
        log.failAppends = true;
        assertThat(add("tx", p, T0)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(init("tx").error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        log.failAppends = false;
        assertThat(describe("tx").transactionState()).isEqualTo("Empty");
        assertThat(describe("tx").producerEpoch()).isEqualTo(p.producerEpoch());
    }

    @Test
    void producerIdsUnavailableIsRetriable() {
        TransactionCoordinator c = TransactionCoordinator.create(
                new TransactionCoordinatorConfig(PARTITIONS, MAX_TIMEOUT_MS, EXPIRATION_MS, 1000, 1000, 100),
                log,
                () -> {
                    throw new IOException("metadata log down");
                },
                markers,
                clock,
                p -> clock);
        assertThat(c.initProducerId("tx", 1000, -1, (short) -1).join().error())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    }

    @Test
    void listFiltersByStateProducerIdDurationAndPattern() {
        TransactionCoordinator.InitResult a = init("app-a");
        init("app-b");
        init("other");
        add("app-a", a, T0);
        clock.advance(5_000);
        assertThat(names(new TransactionCoordinator.ListFilter(Set.of(), Set.of(), -1, null)))
                .containsExactlyInAnyOrder("app-a", "app-b", "other");
        ListTransactionsResponseData ongoing = coordinator
                .list(new TransactionCoordinator.ListFilter(Set.of("Ongoing", "Bogus"), Set.of(), -1, null))
                .join();
        assertThat(ongoing.transactionStates())
                .extracting(ListTransactionsResponseData.TransactionState::transactionalId)
                .containsExactly("app-a");
        assertThat(ongoing.unknownStateFilters()).containsExactly("Bogus");
        assertThat(names(new TransactionCoordinator.ListFilter(Set.of(), Set.of(a.producerId()), -1, null)))
                .containsExactly("app-a");
        assertThat(names(new TransactionCoordinator.ListFilter(Set.of(), Set.of(), 5_000, null)))
                .containsExactly("app-a");
        assertThat(names(new TransactionCoordinator.ListFilter(Set.of(), Set.of(), 6_000, null)))
                .isEmpty();
        assertThat(names(new TransactionCoordinator.ListFilter(Set.of(), Set.of(), -1, "app-.*")))
                .containsExactlyInAnyOrder("app-a", "app-b");
        assertThat(coordinator
                        .list(new TransactionCoordinator.ListFilter(Set.of(), Set.of(), -1, "("))
                        .join()
                        .errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    }

    List<String> names(TransactionCoordinator.ListFilter f) {
        return coordinator.list(f).join().transactionStates().stream()
                .map(ListTransactionsResponseData.TransactionState::transactionalId)
                .toList();
    }
}
