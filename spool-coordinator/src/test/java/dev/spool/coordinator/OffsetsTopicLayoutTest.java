package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kafka's __consumer_offsets byte layouts, round trips and hostile input. */
class OffsetsTopicLayoutTest {

    @Test
    void offsetKeyIsKafkasBytes() {
        // version 1, group "g", topic "t", partition 5
        assertThat(HexFormat.of().formatHex(OffsetsTopicLayout.offsetKey("g", "t", 5)))
                .isEqualTo("0001" + "000167" + "000174" + "00000005");
        assertThat(HexFormat.of().formatHex(OffsetsTopicLayout.groupKey("g"))).isEqualTo("0002" + "000167");
    }

    @Test
    void offsetValueV3IsKafkasBytes() {
        byte[] v = OffsetsTopicLayout.offsetValue(new OffsetsTopicLayout.OffsetValue(7, 2, "m", 9, -1));
        assertThat(HexFormat.of().formatHex(v))
                .isEqualTo("0003" + "0000000000000007" + "00000002" + "00016d" + "0000000000000009");
        OffsetsTopicLayout.OffsetValue back = OffsetsTopicLayout.decodeOffsetValue(v);
        assertThat(back).isEqualTo(new OffsetsTopicLayout.OffsetValue(7, 2, "m", 9, -1));
    }

    @Test
    void olderOffsetValueVersionsDecode() {
        // v1: offset, metadata, commit timestamp, expire timestamp
        byte[] v1 =
                HexFormat.of().parseHex("0001" + "0000000000000007" + "0000" + "0000000000000009" + "000000000000000b");
        assertThat(OffsetsTopicLayout.decodeOffsetValue(v1))
                .isEqualTo(new OffsetsTopicLayout.OffsetValue(7, -1, "", 9, 11));
    }

    @Test
    void groupValueRoundTrips() {
        OffsetsTopicLayout.GroupValue v = new OffsetsTopicLayout.GroupValue(
                "consumer",
                4,
                "range",
                "m1",
                123,
                List.of(new OffsetsTopicLayout.MemberValue(
                        "m1", "i1", "c", "/h", 300, 100, new byte[] {1, 2}, new byte[] {3})));
        OffsetsTopicLayout.GroupValue back = OffsetsTopicLayout.decodeGroupValue(OffsetsTopicLayout.groupValue(v));
        assertThat(back.protocolType()).isEqualTo("consumer");
        assertThat(back.generation()).isEqualTo(4);
        assertThat(back.protocol()).isEqualTo("range");
        assertThat(back.leader()).isEqualTo("m1");
        assertThat(back.currentStateTimestamp()).isEqualTo(123);
        OffsetsTopicLayout.MemberValue m = back.members().get(0);
        assertThat(m.groupInstanceId()).isEqualTo("i1");
        assertThat(m.rebalanceTimeoutMs()).isEqualTo(300);
        assertThat(m.subscription()).containsExactly(1, 2);
        assertThat(m.assignment()).containsExactly(3);
    }

    @Test
    void hostileBytesAreRefusedNotAllocated() {
        assertThatThrownBy(() -> OffsetsTopicLayout.decodeKey(new byte[] {0, 1, 0x7f, 0x7f}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OffsetsTopicLayout.decodeKey(new byte[] {0, 9}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OffsetsTopicLayout.decodeKey(new byte[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
        // group value claiming 2^30 members
        byte[] bad = HexFormat.of()
                .parseHex("0003" + "0000" + "00000001" + "ffff" + "ffff" + "0000000000000000" + "40000000");
        assertThatThrownBy(() -> OffsetsTopicLayout.decodeGroupValue(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partitionForIsKafkasMapping() {
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE: Kafka's Utils.abs maps it to 0.
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(GroupCoordinatorConfig.partitionFor("polygenelubricants", 50))
                .isEqualTo(0);
        assertThat(GroupCoordinatorConfig.partitionFor("my-group", 50)).isEqualTo(Math.abs("my-group".hashCode()) % 50);
    }
}
