package dev.spool.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VarintTest {

    private static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s));
    }

    private static String writtenInt(int value) {
        ByteBuffer buf = ByteBuffer.allocate(10);
        Varint.writeVarint(buf, value);
        return HexFormat.of().formatHex(buf.array(), 0, buf.position());
    }

    private static String writtenLong(long value) {
        ByteBuffer buf = ByteBuffer.allocate(10);
        Varint.writeVarlong(buf, value);
        return HexFormat.of().formatHex(buf.array(), 0, buf.position());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 00",
        "-1, 01",
        "1, 02",
        "63, 7e",
        "-64, 7f",
        "64, 8001",
        "-65, 8101",
        "8191, fe7f",
        "8192, 808001",
        "2147483647, feffffff0f",
        "-2147483648, ffffffff0f",
    })
    void intEncodingsMatchTheZigZagSpec(int value, String hex) {
        assertThat(writtenInt(value)).isEqualTo(hex);
        assertThat(Varint.sizeOfVarint(value)).isEqualTo(hex.length() / 2);
        ByteBuffer in = hex(hex);
        assertThat(Varint.readVarint(in)).isEqualTo(value);
        assertThat(in.hasRemaining()).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 00",
        "-1, 01",
        "1, 02",
        "64, 8001",
        "2147483648, 8080808010",
        "-2147483649, 8180808010",
        "9223372036854775807, feffffffffffffffff01",
        "-9223372036854775808, ffffffffffffffffff01",
    })
    void longEncodingsMatchTheZigZagSpec(long value, String hex) {
        assertThat(writtenLong(value)).isEqualTo(hex);
        assertThat(Varint.sizeOfVarlong(value)).isEqualTo(hex.length() / 2);
        ByteBuffer in = hex(hex);
        assertThat(Varint.readVarlong(in)).isEqualTo(value);
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void sizesChangeAtSevenBitBoundaries() {
        assertThat(Varint.sizeOfVarint(-64)).isEqualTo(1);
        assertThat(Varint.sizeOfVarint(-65)).isEqualTo(2);
        assertThat(Varint.sizeOfVarint((1 << 13) - 1)).isEqualTo(2);
        assertThat(Varint.sizeOfVarint(1 << 13)).isEqualTo(3);
        assertThat(Varint.sizeOfVarint((1 << 20) - 1)).isEqualTo(3);
        assertThat(Varint.sizeOfVarint(1 << 20)).isEqualTo(4);
        assertThat(Varint.sizeOfVarint((1 << 27) - 1)).isEqualTo(4);
        assertThat(Varint.sizeOfVarint(1 << 27)).isEqualTo(5);
        assertThat(Varint.sizeOfVarlong((1L << 62) - 1)).isEqualTo(9);
        assertThat(Varint.sizeOfVarlong(1L << 62)).isEqualTo(10);
        assertThat(Varint.sizeOfVarlong(Integer.MIN_VALUE)).isEqualTo(5);
    }

    @Property
    void intRoundTripsWithTheSizeItClaims(@ForAll int value) {
        ByteBuffer buf = ByteBuffer.allocate(5);
        Varint.writeVarint(buf, value);
        assertThat(buf.position()).isEqualTo(Varint.sizeOfVarint(value));
        buf.flip();
        assertThat(Varint.readVarint(buf)).isEqualTo(value);
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Property
    void longRoundTripsWithTheSizeItClaims(@ForAll long value) {
        ByteBuffer buf = ByteBuffer.allocate(10);
        Varint.writeVarlong(buf, value);
        assertThat(buf.position()).isEqualTo(Varint.sizeOfVarlong(value));
        buf.flip();
        assertThat(Varint.readVarlong(buf)).isEqualTo(value);
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void readsAreRelativeAndConsumeExactlyOneValue() {
        ByteBuffer buf = ByteBuffer.allocate(32);
        buf.put((byte) 0x55);
        Varint.writeVarint(buf, 300);
        Varint.writeVarlong(buf, -1_700_000_000_000L);
        Varint.writeVarint(buf, -1);
        buf.flip().position(1);
        assertThat(Varint.readVarint(buf)).isEqualTo(300);
        assertThat(Varint.readVarlong(buf)).isEqualTo(-1_700_000_000_000L);
        assertThat(Varint.readVarint(buf)).isEqualTo(-1);
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void nonCanonicalPaddedEncodingIsStillRead() {
        // 0 written in five bytes: legal for a reader, as in protobuf.
        assertThat(Varint.readVarint(hex("8080808000"))).isZero();
        assertThat(Varint.readVarlong(hex("80808080808080808000"))).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"808080808000", "ffffffffff01", "ffffffffffffffffffff"})
    void overLongVarintIsRejected(String hex) {
        assertThatThrownBy(() -> Varint.readVarint(hex(hex)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080808080808080808000", "ffffffffffffffffffff01", "ffffffffffffffffffffffff"})
    void overLongVarlongIsRejected(String hex) {
        assertThatThrownBy(() -> Varint.readVarlong(hex(hex)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 bytes");
    }

    @Test
    void overLongVarintIsRejectedAfterReadingAtMostSixBytes() {
        ByteBuffer buf = hex("80808080808080808080");
        assertThatThrownBy(() -> Varint.readVarint(buf)).isInstanceOf(IllegalArgumentException.class);
        assertThat(buf.position()).isLessThanOrEqualTo(6);
    }

    @Test
    void truncatedVarintRunsOutOfBuffer() {
        assertThatThrownBy(() -> Varint.readVarint(hex("8080"))).isInstanceOf(BufferUnderflowException.class);
        assertThatThrownBy(() -> Varint.readVarlong(hex("ff"))).isInstanceOf(BufferUnderflowException.class);
        assertThatThrownBy(() -> Varint.readVarint(hex(""))).isInstanceOf(BufferUnderflowException.class);
    }
}
