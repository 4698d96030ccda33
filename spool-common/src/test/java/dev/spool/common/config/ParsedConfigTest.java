package dev.spool.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParsedConfigTest {

    private static ParsedConfig config() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("i", 1);
        values.put("l", 2L);
        values.put("b", true);
        values.put("d", 0.25);
        values.put("s", "x");
        values.put("list", List.of("a", "b"));
        values.put("none", null);
        Map<String, String> unknown = new LinkedHashMap<>();
        unknown.put("typo.key", "3");
        return new ParsedConfig(values, unknown);
    }

    @Test
    void typedGettersReturnTheValues() {
        ParsedConfig c = config();
        assertThat(c.getInt("i")).isEqualTo(1);
        assertThat(c.getLong("l")).isEqualTo(2L);
        assertThat(c.getBoolean("b")).isTrue();
        assertThat(c.getDouble("d")).isEqualTo(0.25);
        assertThat(c.getString("s")).isEqualTo("x");
        assertThat(c.getList("list")).containsExactly("a", "b");
        assertThat(c.getString("none")).isNull();
    }

    @Test
    void undeclaredKeyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> config().getInt("typo.key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("typo.key");
    }

    @Test
    void valuesAndUnknownAreReadOnlyViews() {
        ParsedConfig c = config();
        assertThat(c.values()).containsKeys("i", "l", "b", "d", "s", "list", "none");
        assertThat(c.unknown()).containsExactly(Map.entry("typo.key", "3"));
        assertThatThrownBy(() -> c.values().put("i", 5)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.unknown().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
