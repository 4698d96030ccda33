package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The console producer's line format. */
class LineParserTest {
    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void byDefaultTheWholeLineIsTheValue() {
        LineParser.Parsed p = new LineParser(Map.of()).parse("a\tb:c", 1);
        assertThat(p.key()).isNull();
        assertThat(s(p.value())).isEqualTo("a\tb:c");
        assertThat(p.headers()).isEmpty();
    }

    @Test
    void keyIsSplitAtTheFirstSeparator() {
        LineParser parser = new LineParser(Map.of("parse.key", "true", "key.separator", "::"));
        LineParser.Parsed p = parser.parse("k::v::w", 1);
        assertThat(s(p.key())).isEqualTo("k");
        assertThat(s(p.value())).isEqualTo("v::w");
        LineParser.Parsed emptyKey = parser.parse("::v", 2);
        assertThat(s(emptyKey.key())).isEmpty();
        assertThatThrownBy(() -> parser.parse("no-separator", 7))
                .hasMessage("No key separator found on line number 7: 'no-separator'");
    }

    @Test
    void headersComeFirstThenKeyThenValue() {
        LineParser parser = new LineParser(Map.of(
                "parse.headers", "true",
                "parse.key", "true",
                "headers.delimiter", "|",
                "headers.separator", ";",
                "headers.key.separator", "=",
                "key.separator", ":"));
        LineParser.Parsed p = parser.parse("a=1;b=x=y;c;d=|key:value", 1);
        assertThat(p.headers()).extracting(Header::key).containsExactly("a", "b", "c", "d");
        assertThat(p.headers()).extracting(h -> s(h.value())).containsExactly("1", "x=y", null, "");
        assertThat(s(p.key())).isEqualTo("key");
        assertThat(s(p.value())).isEqualTo("value");
        assertThat(parser.parse("|k:v", 2).headers()).isEmpty();
        assertThatThrownBy(() -> parser.parse("k:v", 3))
                .hasMessage("No headers delimiter found on line number 3: 'k:v'");
    }

    @Test
    void ignoreErrorTakesTheLineAsValueAndNullMarkerMakesNulls() {
        LineParser lenient = new LineParser(
                Map.of("parse.key", "true", "parse.headers", "true", "ignore.error", "true", "null.marker", "<null>"));
        LineParser.Parsed p = lenient.parse("just a value", 1);
        assertThat(p.key()).isNull();
        assertThat(p.headers()).isEmpty();
        assertThat(s(p.value())).isEqualTo("just a value");

        LineParser.Parsed nulls = lenient.parse("h:<null>\t<null>\t<null>", 2);
        assertThat(nulls.headers().get(0).value()).isNull();
        assertThat(nulls.key()).isNull();
        assertThat(nulls.value()).isNull();
        assertThatThrownBy(() -> lenient.parse("<null>:x\tk\tv", 3)).hasMessageContaining("null marker");
    }

    @Test
    void conflictingOrEmptySeparatorsAreRefused() {
        assertThatThrownBy(() -> new LineParser(Map.of("parse.headers", "true", "headers.delimiter", ",")))
                .hasMessageContaining("headers.delimiter");
        assertThatThrownBy(() -> new LineParser(Map.of("key.separator", ""))).hasMessageContaining("key.separator");
    }
}
