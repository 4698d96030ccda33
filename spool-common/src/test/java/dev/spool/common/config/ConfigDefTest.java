package dev.spool.common.config;

import static dev.spool.common.config.ConfigDef.Type.BOOLEAN;
import static dev.spool.common.config.ConfigDef.Type.DOUBLE;
import static dev.spool.common.config.ConfigDef.Type.INT;
import static dev.spool.common.config.ConfigDef.Type.LIST;
import static dev.spool.common.config.ConfigDef.Type.LONG;
import static dev.spool.common.config.ConfigDef.Type.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class ConfigDefTest {

    /** One key of each type, with Kafka-like defaults given as strings. */
    private static ConfigDef allTypes() {
        return new ConfigDef()
                .define("b", BOOLEAN, "true", "a boolean")
                .define("i", INT, "4096", "an int")
                .define("l", LONG, "604800000", "a long")
                .define("d", DOUBLE, "0.5", "a double")
                .define("s", STRING, "CreateTime", "a string")
                .define("list", LIST, "a,b", "a list");
    }

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void missingKeysTakeTheirParsedDefaults() {
        ParsedConfig c = allTypes().parse(Map.of());
        assertThat(c.getBoolean("b")).isTrue();
        assertThat(c.getInt("i")).isEqualTo(4096);
        assertThat(c.getLong("l")).isEqualTo(604800000L);
        assertThat(c.getDouble("d")).isEqualTo(0.5);
        assertThat(c.getString("s")).isEqualTo("CreateTime");
        assertThat(c.getList("list")).containsExactly("a", "b");
        assertThat(c.unknown()).isEmpty();
    }

    @Test
    void defaultsMayBeGivenAsTypedValues() {
        ConfigDef def = new ConfigDef()
                .define("i", INT, 7, "int")
                .define("l", LONG, 7, "long from an Integer")
                .define("b", BOOLEAN, false, "bool")
                .define("list", LIST, List.of("x"), "list");
        ParsedConfig c = def.parse(Map.of());
        assertThat(c.getInt("i")).isEqualTo(7);
        assertThat(c.getLong("l")).isEqualTo(7L);
        assertThat(c.getBoolean("b")).isFalse();
        assertThat(c.getList("list")).containsExactly("x");
    }

    @Test
    void nullDefaultStaysNullAndSkipsTheValidator() {
        ConfigDef def = new ConfigDef().define("s", STRING, null, ConfigDef.oneOf("a"), "no default");
        assertThat(def.parse(Map.of()).values()).containsEntry("s", null);
        assertThat(def.parse(Map.of("s", "a")).getString("s")).isEqualTo("a");
    }

    @Test
    void givenStringsOverrideDefaultsAndAreTrimmed() {
        ParsedConfig c = allTypes()
                .parse(props(
                        "b",
                        " FALSE ",
                        "i",
                        " -12 ",
                        "l",
                        "9223372036854775807",
                        "d",
                        "1e3",
                        "s",
                        "  LogAppendTime ",
                        "list",
                        " x , y ,z "));
        assertThat(c.getBoolean("b")).isFalse();
        assertThat(c.getInt("i")).isEqualTo(-12);
        assertThat(c.getLong("l")).isEqualTo(Long.MAX_VALUE);
        assertThat(c.getDouble("d")).isEqualTo(1000.0);
        assertThat(c.getString("s")).isEqualTo("LogAppendTime");
        assertThat(c.getList("list")).containsExactly("x", "y", "z");
    }

    @Test
    void booleanAcceptsTrueAndFalseInAnyCase() {
        ConfigDef def = new ConfigDef().define("b", BOOLEAN, "false", "bool");
        assertThat(def.parse(Map.of("b", "TrUe")).getBoolean("b")).isTrue();
        assertThat(def.parse(Map.of("b", "false")).getBoolean("b")).isFalse();
        assertThat(def.parse(Map.of("b", true)).getBoolean("b")).isTrue();
    }

    @Test
    void emptyListStringIsTheEmptyList() {
        ConfigDef def = new ConfigDef().define("list", LIST, "a", "list");
        assertThat(def.parse(Map.of("list", "")).getList("list")).isEmpty();
        assertThat(def.parse(Map.of("list", "   ")).getList("list")).isEmpty();
        assertThat(def.parse(Map.of("list", "one")).getList("list")).containsExactly("one");
    }

    @Test
    void parsedListIsImmutable() {
        List<String> list = allTypes().parse(Map.of("list", "a,b")).getList("list");
        assertThatThrownBy(() -> list.add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void typedValuesAreAcceptedAndIntegerWidensToLong() {
        ParsedConfig c = allTypes().parse(props("b", Boolean.FALSE, "i", 3, "l", 5, "d", 2.5, "list", List.of("q")));
        assertThat(c.getBoolean("b")).isFalse();
        assertThat(c.getInt("i")).isEqualTo(3);
        assertThat(c.getLong("l")).isEqualTo(5L);
        assertThat(c.getDouble("d")).isEqualTo(2.5);
        assertThat(c.getList("list")).containsExactly("q");
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource({
        "b, yes",
        "b, 1",
        "b, ''",
        "i, abc",
        "i, 1.5",
        "i, 2147483648",
        "i, 0x10",
        "i, ''",
        "l, 9223372036854775808",
        "l, 12ms",
        "d, half",
    })
    void badStringValueIsAConfigExceptionNamingKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> allTypes().parse(Map.of(key, value)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageContaining("configuration " + key)
                .hasMessageContaining("Invalid value " + value + " ");
    }

    @Test
    void valueOfTheWrongJavaTypeIsAConfigException() {
        assertThatThrownBy(() -> allTypes().parse(Map.of("i", 5L)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configuration i")
                .hasMessageContaining("Invalid value 5 ");
        assertThatThrownBy(() -> allTypes().parse(Map.of("s", 42)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configuration s")
                .hasMessageContaining("Invalid value 42 ");
        assertThatThrownBy(() -> allTypes().parse(Map.of("b", "true".length())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configuration b");
        assertThatThrownBy(() -> allTypes().parse(Map.of("d", 1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configuration d");
        assertThatThrownBy(() -> allTypes().parse(Map.of("list", "x".toCharArray())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configuration list");
    }

    @Test
    void unparseableDefaultFailsAtDefinition() {
        assertThatThrownBy(() -> new ConfigDef().define("segment.bytes", INT, "lots", "size"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("segment.bytes")
                .hasMessageContaining("lots");
    }

    @Test
    void keyDefinedTwiceIsRejected() {
        ConfigDef def = new ConfigDef().define("k", INT, "1", "doc");
        assertThatThrownBy(() -> def.define("k", LONG, "1", "doc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k");
    }

    @Test
    void keysAreKeptInDeclarationOrderAndCannotBeModified() {
        ConfigDef def = allTypes();
        assertThat(def.keys().keySet()).containsExactly("b", "i", "l", "d", "s", "list");
        ConfigDef.Key i = def.keys().get("i");
        assertThat(i.type()).isEqualTo(INT);
        assertThat(i.defaultValue()).isEqualTo(4096);
        assertThat(i.doc()).isEqualTo("an int");
        assertThatThrownBy(() -> def.keys().remove("i")).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- validators ----

    @Test
    void betweenIsInclusiveAtBothEnds() {
        ConfigDef def = new ConfigDef().define("n", INT, "5", ConfigDef.between(1, 10), "n");
        assertThat(def.parse(Map.of("n", "1")).getInt("n")).isEqualTo(1);
        assertThat(def.parse(Map.of("n", "10")).getInt("n")).isEqualTo(10);
        assertRejected(def, "n", "0", "[1, 10]");
        assertRejected(def, "n", "11", "[1, 10]");
        assertRejected(def, "n", "-2147483648", "[1, 10]");
    }

    @Test
    void betweenWorksOnLongsBeyondIntRange() {
        ConfigDef def = new ConfigDef().define("n", LONG, "0", ConfigDef.between(-1, Long.MAX_VALUE), "n");
        assertThat(def.parse(Map.of("n", "9223372036854775807")).getLong("n")).isEqualTo(Long.MAX_VALUE);
        assertRejected(def, "n", "-2", "[-1, 9223372036854775807]");
    }

    @Test
    void betweenComparesDoublesWithoutTruncating() {
        ConfigDef def = new ConfigDef().define("ratio", DOUBLE, "0.5", ConfigDef.between(0, 1), "ratio");
        assertThat(def.parse(Map.of("ratio", "1.0")).getDouble("ratio")).isEqualTo(1.0);
        assertThat(def.parse(Map.of("ratio", "0")).getDouble("ratio")).isEqualTo(0.0);
        assertRejected(def, "ratio", "1.5", "[0, 1]");
        assertRejected(def, "ratio", "-0.5", "[0, 1]");
        assertRejected(def, "ratio", "NaN", "[0, 1]");
    }

    @Test
    void atLeastIsInclusive() {
        ConfigDef def = new ConfigDef().define("retention.ms", LONG, "604800000", ConfigDef.atLeast(-1), "ms");
        assertThat(def.parse(Map.of("retention.ms", "-1")).getLong("retention.ms"))
                .isEqualTo(-1L);
        assertRejected(def, "retention.ms", "-2", "at least -1");
        assertRejected(def, "retention.ms", "-9223372036854775808", "at least -1");
    }

    @Test
    void atLeastComparesDoublesWithoutTruncating() {
        ConfigDef def = new ConfigDef().define("d", DOUBLE, "1", ConfigDef.atLeast(0), "d");
        assertThat(def.parse(Map.of("d", "0.0")).getDouble("d")).isEqualTo(0.0);
        assertRejected(def, "d", "-0.5", "at least 0");
        assertRejected(def, "d", "NaN", "at least 0");
    }

    @Test
    void oneOfIsCaseSensitiveAndListsTheChoices() {
        ConfigDef def = new ConfigDef()
                .define(
                        "message.timestamp.type",
                        STRING,
                        "CreateTime",
                        ConfigDef.oneOf("CreateTime", "LogAppendTime"),
                        "type");
        assertThat(def.parse(Map.of("message.timestamp.type", "LogAppendTime")).getString("message.timestamp.type"))
                .isEqualTo("LogAppendTime");
        assertThat(def.parse(Map.of("message.timestamp.type", " CreateTime ")).getString("message.timestamp.type"))
                .isEqualTo("CreateTime");
        assertRejected(def, "message.timestamp.type", "createtime", "CreateTime, LogAppendTime");
        assertRejected(def, "message.timestamp.type", "", "CreateTime, LogAppendTime");
    }

    @Test
    void nonEmptyListRejectsTheEmptyList() {
        ConfigDef def = new ConfigDef().define("log.dirs", LIST, "/tmp/a", ConfigDef.nonEmptyList(), "dirs");
        assertThat(def.parse(Map.of("log.dirs", "/a,/b")).getList("log.dirs")).containsExactly("/a", "/b");
        assertRejected(def, "log.dirs", "", "Empty list");
        assertThatThrownBy(() -> def.parse(Map.of("log.dirs", List.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.dirs")
                .hasMessageContaining("Empty list");
    }

    @Test
    void invalidDefaultIsReportedWithTheDefaultValue() {
        ConfigDef def = new ConfigDef().define("n", INT, "0", ConfigDef.atLeast(1), "n");
        assertThatThrownBy(() -> def.parse(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 0 for configuration n");
    }

    @Test
    void validatorSeesThePropertyRawValueInTheMessage() {
        ConfigDef def = new ConfigDef().define("n", INT, "5", ConfigDef.atLeast(1), "n");
        assertThatThrownBy(() -> def.parse(Map.of("n", " -3")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value  -3 for configuration n: Value must be at least 1");
    }

    // ---- unknown keys ----

    @Test
    void unknownKeysAreKeptAsStringsAndNotAmongTheValues() {
        ParsedConfig c = allTypes().parse(props("i", "1", "retention.msx", "5", "other", 3));
        assertThat(c.unknown()).containsOnly(Map.entry("retention.msx", "5"), Map.entry("other", "3"));
        assertThat(c.values()).doesNotContainKeys("retention.msx", "other");
        assertThat(c.values()).containsOnlyKeys("b", "i", "l", "d", "s", "list");
    }

    @Test
    void parseWarningUnknownLogsAWarningNamingEachUnknownKey() {
        Logger logger = (Logger) LoggerFactory.getLogger(ConfigDef.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        boolean additive = logger.isAdditive();
        logger.setAdditive(false); // the expected warning stays out of the build output
        try {
            ParsedConfig c = allTypes().parseWarningUnknown(props("i", "2", "segmnet.bytes", "10"));
            assertThat(c.getInt("i")).isEqualTo(2);
            assertThat(c.unknown()).containsOnlyKeys("segmnet.bytes");
            assertThat(appender.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("segmnet.bytes");
            });
        } finally {
            logger.setAdditive(additive);
            logger.detachAppender(appender);
        }
    }

    private static void assertRejected(ConfigDef def, String key, String value, String reasonPart) {
        assertThatThrownBy(() -> def.parse(Map.of(key, value)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageContaining("Invalid value " + value + " for configuration " + key)
                .hasMessageContaining(reasonPart);
    }
}
