package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.common.TopicPartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OffsetCheckpointFileTest {
    @TempDir
    Path dir;

    private OffsetCheckpointFile file() {
        return new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
    }

    @Test
    void roundTrip() throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        offsets.put(new TopicPartition("orders", 0), 1042L);
        offsets.put(new TopicPartition("orders", 1), 977L);
        offsets.put(new TopicPartition("my.topic-with_dashes", 12), 0L);
        offsets.put(new TopicPartition("__consumer_offsets", 49), Long.MAX_VALUE);
        OffsetCheckpointFile f = file();
        f.write(offsets);
        assertThat(f.read()).isEqualTo(offsets);
        assertThat(Files.readAllLines(f.file(), StandardCharsets.UTF_8))
                .hasSize(6)
                .startsWith("0", "4")
                .contains("orders 0 1042", "orders 1 977");
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1); // no temp file left
        }
    }

    @Test
    void writeReplacesTheContent() throws Exception {
        OffsetCheckpointFile f = file();
        f.write(Map.of(new TopicPartition("a", 0), 1L, new TopicPartition("b", 0), 2L));
        f.write(Map.of(new TopicPartition("a", 0), 5L));
        assertThat(f.read()).isEqualTo(Map.of(new TopicPartition("a", 0), 5L));
    }

    @Test
    void emptyMapRoundTrips() throws Exception {
        OffsetCheckpointFile f = file();
        f.write(Map.of());
        assertThat(f.read()).isEmpty();
        assertThat(Files.readString(f.file())).isEqualTo("0\n0\n");
    }

    @Test
    void absentFileIsEmpty() throws Exception {
        assertThat(file().read()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "0\n",
                "1\n0\n",
                "0\nx\n",
                "0\n2\norders 0 5\n",
                "0\n1\norders 0\n",
                "0\n1\norders 0 5 6\n",
                "0\n1\norders zero 5\n",
                "0\n1\norders 0 five\n",
                "0\n1\norders -1 5\n",
                "0\n-1\n"
            })
    void malformedFileThrowsNamingTheFile(String content) throws Exception {
        OffsetCheckpointFile f = file();
        Files.writeString(f.file(), content);
        assertThatThrownBy(f::read)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(f.file().toString())
                .hasMessageContaining("line");
    }
}
