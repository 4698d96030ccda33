package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.common.TopicPartition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The __transaction_state layouts against hand-assembled bytes of Kafka's schemas. */
class TransactionLogLayoutTest {

    @Test
    void keyIsVersionZeroAndTheId() {
        assertThat(HexFormat.of().formatHex(TransactionLogLayout.key("tx"))).isEqualTo("000000027478");
        assertThat(TransactionLogLayout.decodeKey(TransactionLogLayout.key("tx-1")))
                .isEqualTo("tx-1");
    }

    @Test
    void valueV0BytesAndRoundTrip() {
        TransactionLogLayout.TxnValue v = new TransactionLogLayout.TxnValue(
                7L,
                (short) 3,
                60_000,
                TransactionState.ONGOING,
                List.of(new TopicPartition("b", 1), new TopicPartition("a", 2), new TopicPartition("b", 0)),
                200L,
                100L);
        byte[] bytes = TransactionLogLayout.value(v);
        ByteBuffer expected = ByteBuffer.allocate(bytes.length)
                .putShort((short) 0)
                .putLong(7L)
                .putShort((short) 3)
                .putInt(60_000)
                .put((byte) 1)
                .putInt(2)
                .putShort((short) 1)
                .put("a".getBytes(StandardCharsets.UTF_8))
                .putInt(1)
                .putInt(2)
                .putShort((short) 1)
                .put("b".getBytes(StandardCharsets.UTF_8))
                .putInt(2)
                .putInt(0)
                .putInt(1)
                .putLong(200L)
                .putLong(100L);
        assertThat(bytes).isEqualTo(expected.array());
        TransactionLogLayout.TxnValue back = TransactionLogLayout.decodeValue(bytes);
        assertThat(back.partitions())
                .containsExactly(new TopicPartition("a", 2), new TopicPartition("b", 0), new TopicPartition("b", 1));
        assertThat(back.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(back.producerEpoch()).isEqualTo((short) 3);
        assertThat(back.startTimestampMs()).isEqualTo(100L);
    }

    @Test
    void readsTheFlexibleV1Form() {
        // v1: compact array of 1 topic "t" with partition 4, tagged fields with tag 2 (client version 2)
        ByteBuffer b = ByteBuffer.allocate(64)
                .putShort((short) 1)
                .putLong(9L)
                .putShort((short) 0)
                .putInt(1000)
                .put((byte) 2)
                .put((byte) 2) // 1 topic
                .put((byte) 2)
                .put((byte) 't')
                .put((byte) 2) // 1 partition
                .putInt(4)
                .put((byte) 0) // no tagged fields in the entry
                .putLong(5L)
                .putLong(4L)
                .put((byte) 1) // one tagged field
                .put((byte) 2)
                .put((byte) 2)
                .putShort((short) 2);
        byte[] bytes = new byte[b.position()];
        b.flip().get(bytes);
        TransactionLogLayout.TxnValue v = TransactionLogLayout.decodeValue(bytes);
        assertThat(v.state()).isEqualTo(TransactionState.PREPARE_COMMIT);
        assertThat(v.partitions()).containsExactly(new TopicPartition("t", 4));
        assertThat(v.lastUpdateTimestampMs()).isEqualTo(5L);
    }

    @Test
    void malformedRecordsAreRefused() {
        assertThatThrownBy(() -> TransactionLogLayout.decodeKey(new byte[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionLogLayout.decodeKey(new byte[] {0, 0, 0, 9, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] good = TransactionLogLayout.value(
                new TransactionLogLayout.TxnValue(1L, (short) 0, 1, TransactionState.EMPTY, List.of(), 1L, -1L));
        byte[] lying = good.clone();
        ByteBuffer.wrap(lying).putInt(2 + 8 + 2 + 4 + 1, Integer.MAX_VALUE);
        assertThatThrownBy(() -> TransactionLogLayout.decodeValue(lying)).isInstanceOf(IllegalArgumentException.class);
        byte[] badState = good.clone();
        badState[2 + 8 + 2 + 4] = 42;
        assertThatThrownBy(() -> TransactionLogLayout.decodeValue(badState))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionLogLayout.decodeValue(new byte[] {0, 0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
