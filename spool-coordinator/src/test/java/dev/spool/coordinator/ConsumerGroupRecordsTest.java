package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.coordinator.ConsumerGroupRecords.CurrentAssignment;
import dev.spool.coordinator.ConsumerGroupRecords.MemberMetadata;
import dev.spool.coordinator.ConsumerGroupRecords.MemberState;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The consumer-group record layouts: Kafka's bytes, round trips, and malformed input refused. */
class ConsumerGroupRecordsTest {
    static final Uuid T = new Uuid(0x0102030405060708L, 0x090a0b0c0d0e0f10L);

    @Test
    void keysAndValuesHaveKafkasBytes() {
        // ConsumerGroupMetadataKey: type 3, then group as int16-length string
        assertThat(HexFormat.of().formatHex(ConsumerGroupRecords.key(ConsumerGroupRecords.GROUP_METADATA, "g")))
                .isEqualTo("0003" + "0001" + "67");
        // ConsumerGroupCurrentMemberAssignmentKey: type 8, group, member
        assertThat(HexFormat.of()
                        .formatHex(ConsumerGroupRecords.key(ConsumerGroupRecords.CURRENT_ASSIGNMENT, "g", "m")))
                .isEqualTo("0008" + "0001" + "67" + "0001" + "6d");
        // ConsumerGroupMetadataValue v0: epoch, then tagged field 0 (metadata hash, 8 bytes)
        assertThat(HexFormat.of().formatHex(ConsumerGroupRecords.groupMetadataValue(5, 1L)))
                .isEqualTo("0000" + "00000005" + "01" + "00" + "08" + "0000000000000001");
        // ConsumerGroupTargetAssignmentMemberValue v0: compact array of (uuid, compact int32 array, no tags)
        assertThat(HexFormat.of().formatHex(ConsumerGroupRecords.targetMemberValue(Map.of(T, Set.of(1, 2)))))
                .isEqualTo("0000" + "02" + "0102030405060708090a0b0c0d0e0f10" + "03" + "00000001" + "00000002" + "00"
                        + "00");
    }

    /** Bytes Apache Kafka 4.4's own generated record classes write for the same values. */
    @Test
    void valuesAreByteForByteWhatKafkaWrites() {
        MemberMetadata md = new MemberMetadata(
                "inst", null, "client", "/10.0.0.1", List.of("a", "b"), "orders-.*", 30_000, "range");
        assertThat(HexFormat.of().formatHex(ConsumerGroupRecords.memberMetadataValue(md)))
                .isEqualTo("000005696e73740007636c69656e740a2f31302e302e302e3103026102620a6f72646572732d2e2a"
                        + "000075300672616e676500");
        CurrentAssignment a = new CurrentAssignment(
                7, 6, MemberState.UNREVOKED_PARTITIONS, Map.of(T, Set.of(3, 0)), Map.of(T, Set.of(5)));
        assertThat(HexFormat.of().formatHex(ConsumerGroupRecords.currentAssignmentValue(a)))
                .isEqualTo("00000000000700000006010201020304050607080" + "90a0b0c0d0e0f10030000000000000003000201"
                        + "02030405060708090a0b0c0d0e0f1002000000050000");
        assertThat(HexFormat.of().formatHex(ConsumerGroupRecords.targetMetadataValue(4, 123L)))
                .isEqualTo("000000000004010008000000000000007b");
    }

    @Test
    void valuesRoundTrip() {
        MemberMetadata md = new MemberMetadata(
                "inst", null, "client", "/10.0.0.1", List.of("a", "b"), "orders-.*", 30_000, "range");
        assertThat(ConsumerGroupRecords.decodeMemberMetadata(ConsumerGroupRecords.memberMetadataValue(md)))
                .isEqualTo(md);
        CurrentAssignment a = new CurrentAssignment(
                7, 6, MemberState.UNREVOKED_PARTITIONS, Map.of(T, Set.of(0, 3)), Map.of(T, Set.of(5)));
        assertThat(ConsumerGroupRecords.decodeCurrentAssignment(ConsumerGroupRecords.currentAssignmentValue(a)))
                .isEqualTo(a);
        assertThat(ConsumerGroupRecords.decodeGroupMetadata(ConsumerGroupRecords.groupMetadataValue(9, -5L)))
                .isEqualTo(new ConsumerGroupRecords.GroupMetadata(9, -5L));
        assertThat(ConsumerGroupRecords.decodeTargetMetadata(ConsumerGroupRecords.targetMetadataValue(4, 123L)))
                .isEqualTo(4);
        assertThat(ConsumerGroupRecords.decodeKey(
                        ConsumerGroupRecords.key(ConsumerGroupRecords.MEMBER_METADATA, "grp", "mem")))
                .isEqualTo(new ConsumerGroupRecords.Key(ConsumerGroupRecords.MEMBER_METADATA, "grp", "mem"));
        assertThat(ConsumerGroupRecords.isConsumerGroupKey(OffsetsTopicLayout.groupKey("g")))
                .isFalse();
        assertThat(ConsumerGroupRecords.isConsumerGroupKey(OffsetsTopicLayout.offsetKey("g", "t", 0)))
                .isFalse();
    }

    @Test
    void everyTruncationOrLyingLengthIsRefusedNotAllocated() {
        CurrentAssignment a = new CurrentAssignment(1, 0, MemberState.STABLE, Map.of(T, Set.of(0, 1, 2)), Map.of());
        byte[] good = ConsumerGroupRecords.currentAssignmentValue(a);
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThatThrownBy(() -> ConsumerGroupRecords.decodeCurrentAssignment(cut))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] lying = good.clone();
        lying[11] = 0x7f; // the assigned-partitions count
        assertThatThrownBy(() -> ConsumerGroupRecords.decodeCurrentAssignment(lying))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] version = good.clone();
        version[1] = 9;
        assertThatThrownBy(() -> ConsumerGroupRecords.decodeCurrentAssignment(version))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsumerGroupRecords.decodeKey(new byte[] {0, 5, 0, 9, 'x'}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
