package dev.spool.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    @Test
    void messageNamesKeyValueAndReason() {
        ConfigException e = new ConfigException("segment.bytes", "-5", "Value must be at least 14");
        assertThat(e.key()).isEqualTo("segment.bytes");
        assertThat(e)
                .isInstanceOf(RuntimeException.class)
                .hasMessage("Invalid value -5 for configuration segment.bytes: Value must be at least 14");
    }

    @Test
    void nonStringValueIsRenderedWithToString() {
        assertThat(new ConfigException("k", 42L, "why")).hasMessage("Invalid value 42 for configuration k: why");
        assertThat(new ConfigException("k", null, "why")).hasMessage("Invalid value null for configuration k: why");
    }
}
