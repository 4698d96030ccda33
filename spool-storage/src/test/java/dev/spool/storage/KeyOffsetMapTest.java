package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyOffsetMapTest {
    private static ByteBuffer key(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sizeIsBoundedInBytesAndByTheLoadFactor() {
        KeyOffsetMap map = KeyOffsetMap.ofBytes(24_000, 0.9);
        assertThat(map.tableBytes()).isEqualTo(24_000);
        assertThat(map.maxEntries()).isEqualTo(900);
        for (int i = 0; i < 900; i++) {
            assertThat(map.put(key("k" + i), i)).isTrue();
        }
        assertThat(map.size()).isEqualTo(900);
        assertThat(map.put(key("one-more"), 1000)).isFalse();
        assertThat(map.get(key("one-more"))).isEqualTo(-1);
        // A key already held is always updated, full or not.
        assertThat(map.put(key("k7"), 5000)).isTrue();
        assertThat(map.get(key("k7"))).isEqualTo(5000);
        assertThat(map.size()).isEqualTo(900);
    }

    @Test
    void agreesWithAHashMapOnRandomKeysAndKeepsProbesShort() {
        KeyOffsetMap map = KeyOffsetMap.ofBytes(24L * 10_000, 0.9);
        Map<String, Long> model = new HashMap<>();
        Random random = new Random(11);
        for (long offset = 0; offset < 40_000; offset++) {
            String k = "key-" + random.nextInt(8_000);
            assertThat(map.put(key(k), offset)).isTrue();
            model.put(k, offset);
        }
        assertThat(map.size()).isEqualTo(model.size());
        for (Map.Entry<String, Long> e : model.entrySet()) {
            assertThat(map.get(key(e.getKey()))).isEqualTo(e.getValue());
        }
        assertThat(map.get(key("absent"))).isEqualTo(-1);
        assertThat(map.averageProbes()).isLessThan(6.0);
    }

    @Test
    void keysAreReadFromPositionToLimitWithoutConsumingThem() {
        KeyOffsetMap map = KeyOffsetMap.ofEntries(4);
        ByteBuffer buf = ByteBuffer.wrap("xxabcyy".getBytes(StandardCharsets.UTF_8));
        buf.position(2).limit(5);
        map.put(buf, 3);
        assertThat(buf.position()).isEqualTo(2);
        assertThat(map.get(key("abc"))).isEqualTo(3);
        assertThat(map.get(key("ab"))).isEqualTo(-1);
        assertThat(map.get(ByteBuffer.allocate(0))).isEqualTo(-1);
        map.put(ByteBuffer.allocate(0), 9); // an empty key is a key
        assertThat(map.get(ByteBuffer.allocate(0))).isEqualTo(9);
    }

    @Test
    void clearEmptiesAndAFullTableOfOneFreeSlotStillTerminates() {
        KeyOffsetMap map = KeyOffsetMap.ofBytes(48, 1.0); // two slots, one usable
        assertThat(map.maxEntries()).isEqualTo(1);
        assertThat(map.put(key("a"), 0)).isTrue();
        assertThat(map.put(key("b"), 1)).isFalse();
        assertThat(map.get(key("b"))).isEqualTo(-1);
        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(key("a"))).isEqualTo(-1);
        assertThat(map.put(key("b"), 1)).isTrue();
        assertThatThrownBy(() -> map.put(key("c"), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyOffsetMap.ofBytes(1000, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMapForAFewRecordsIsSmallAndOneForManyIsCappedByTheBuffer() {
        KeyOffsetMap small = KeyOffsetMap.forRecords(1000, 134_217_728L, 0.9);
        assertThat(small.maxEntries()).isGreaterThanOrEqualTo(1000);
        assertThat(small.tableBytes()).isLessThan(30_000);
        KeyOffsetMap capped = KeyOffsetMap.forRecords(Long.MAX_VALUE / 2, 2400, 0.9);
        assertThat(capped.tableBytes()).isEqualTo(2400);
        assertThat(capped.maxEntries()).isEqualTo(90);
    }
}
