package dev.spool.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicPartitionTest {

    @Test
    void dirNameIsTopicDashPartition() {
        assertThat(new TopicPartition("orders", 0).dirName()).isEqualTo("orders-0");
        assertThat(new TopicPartition("__consumer_offsets", 49).dirName()).isEqualTo("__consumer_offsets-49");
        assertThat(new TopicPartition("orders", 7)).hasToString("orders-7");
    }

    @ParameterizedTest
    @CsvSource({
        "orders, 0",
        "my-topic, 3",
        "a-b-c-1, 12",
        "ends-with-dash-, 1",
        "-starts-with-dash, 0",
        "123, 4",
        "dotted.name_x, 2147483647",
        "__cluster_metadata, 0",
    })
    void roundTripsThroughTheDirectoryName(String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        assertThat(TopicPartition.fromDirName(tp.dirName())).isEqualTo(tp);
    }

    @Property
    void roundTripsForAnyLegalTopicName(
            @ForAll("legalTopics") String topic, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        assertThat(TopicPartition.fromDirName(tp.dirName())).isEqualTo(tp);
    }

    @Provide
    Arbitrary<String> legalTopics() {
        // Kafka's legal topic characters: ASCII letters, digits, '.', '_' and '-'.
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('A', 'Z')
                .withCharRange('0', '9')
                .withChars('.', '_', '-')
                .ofMinLength(1)
                .ofMaxLength(249);
    }

    @Property
    void anythingParsedNamesThePartitionDirectoryItCameFrom(@ForAll String name) {
        TopicPartition tp = TopicPartition.fromDirName(name);
        if (tp != null) {
            assertThat(tp.partition()).isNotNegative();
            assertThat(name).startsWith(tp.topic() + "-");
            String digits = name.substring(tp.topic().length() + 1);
            assertThat(digits).matches("[0-9]+");
            assertThat(Integer.parseInt(digits)).isEqualTo(tp.partition());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "orders",
                "orders-",
                "-0",
                "-",
                "orders-x",
                "orders-1a",
                "orders-+1",
                "orders--1x",
                "orders- 1",
                "orders-1 ",
                "orders-2147483648",
                "orders-99999999999999999999",
                "orders-0.5e1c0b1d9a6f4c3e8d2b7a6f5e4d3c2b-delete",
                "orders-0.5e1c0b1d9a6f4c3e8d2b7a6f5e4d3c2b-future",
                "orders-0.5e1c0b1d9a6f4c3e8d2b7a6f5e4d3c2b-stray",
                "orders-\u0663", // ARABIC-INDIC DIGIT THREE: a digit to Character.isDigit, not a partition
                "orders-\uff11", // FULLWIDTH DIGIT ONE
            })
    void nonPartitionDirectoryNamesGiveNull(String name) {
        assertThat(TopicPartition.fromDirName(name)).isNull();
    }

    @Test
    void theLastDashSeparatesThePartition() {
        assertThat(TopicPartition.fromDirName("orders--1")).isEqualTo(new TopicPartition("orders-", 1));
        assertThat(TopicPartition.fromDirName("a-1-2")).isEqualTo(new TopicPartition("a-1", 2));
    }

    @Test
    void constructorRejectsNullTopicAndNegativePartition() {
        assertThatThrownBy(() -> new TopicPartition(null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TopicPartition("orders", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1")
                .hasMessageContaining("orders");
    }
}
