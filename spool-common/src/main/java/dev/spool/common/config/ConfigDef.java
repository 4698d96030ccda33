package dev.spool.common.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares configuration keys (Kafka's names and defaults), their types and validators, and parses
 * string maps into {@link ParsedConfig}s. An unknown key is a warning that names it; a bad value is a
 * {@link ConfigException} naming key and value.
 */
public final class ConfigDef {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDef.class);

    /** The value types a key may have. */
    public enum Type {
        BOOLEAN,
        INT,
        LONG,
        DOUBLE,
        STRING,
        LIST
    }

    /** Checks a parsed value; returns null when fine, otherwise the reason it is not. */
    @FunctionalInterface
    public interface Validator {
        String check(Object value);
    }

    /** One declared key. */
    public record Key(String name, Type type, Object defaultValue, Validator validator, String doc) {}

    private final Map<String, Key> keys = new LinkedHashMap<>();

    /** Declares a key with no validator. */
    public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, null, doc);
    }

    /** Declares a key; {@code defaultValue} may be a string (parsed) or a value of the type. */
    public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalArgumentException("configuration key defined twice: " + name);
        }
        Object parsedDefault = defaultValue == null ? null : parse(name, type, defaultValue);
        keys.put(name, new Key(name, type, parsedDefault, validator, doc));
        return this;
    }

    /** The declared keys, in declaration order. */
    public Map<String, Key> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /**
     * Parses {@code props}: declared keys are typed and validated, missing ones take their default,
     * unknown ones are logged as a warning and kept as strings in {@link ParsedConfig#unknown()}.
     */
    public ParsedConfig parse(Map<String, ?> props) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : keys.values()) {
            Object raw = props.get(key.name());
            Object value = raw == null ? key.defaultValue() : parse(key.name(), key.type(), raw);
            if (value != null && key.validator() != null) {
                String problem = key.validator().check(value);
                if (problem != null) {
                    throw new ConfigException(key.name(), raw == null ? value : raw, problem);
                }
            }
            values.put(key.name(), value);
        }
        Map<String, String> unknown = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : props.entrySet()) {
            if (!keys.containsKey(e.getKey())) {
                unknown.put(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return new ParsedConfig(values, unknown);
    }

    /** Parses and logs a warning naming each unknown key. */
    public ParsedConfig parseWarningUnknown(Map<String, ?> props) {
        ParsedConfig parsed = parse(props);
        for (String name : parsed.unknown().keySet()) {
            LOG.warn("Unknown configuration key '{}' is ignored", name);
        }
        return parsed;
    }

    static Object parse(String name, Type type, Object raw) {
        if (!(raw instanceof String)) {
            return checkInstance(name, type, raw);
        }
        String s = ((String) raw).trim();
        try {
            switch (type) {
                case BOOLEAN:
                    if (s.equalsIgnoreCase("true")) {
                        return Boolean.TRUE;
                    }
                    if (s.equalsIgnoreCase("false")) {
                        return Boolean.FALSE;
                    }
                    throw new ConfigException(name, raw, "Expected value to be either true or false");
                case INT:
                    return Integer.parseInt(s);
                case LONG:
                    return Long.parseLong(s);
                case DOUBLE:
                    return Double.parseDouble(s);
                case STRING:
                    return s;
                case LIST:
                    if (s.isEmpty()) {
                        return List.of();
                    }
                    List<String> out = new ArrayList<>();
                    for (String part : s.split(",", -1)) {
                        out.add(part.trim());
                    }
                    return List.copyOf(out);
                default:
                    throw new IllegalStateException("unknown type " + type);
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "Not a number of type " + type);
        }
    }

    private static Object checkInstance(String name, Type type, Object raw) {
        boolean ok;
        switch (type) {
            case BOOLEAN:
                ok = raw instanceof Boolean;
                break;
            case INT:
                ok = raw instanceof Integer;
                break;
            case LONG:
                if (raw instanceof Integer) {
                    return ((Integer) raw).longValue();
                }
                ok = raw instanceof Long;
                break;
            case DOUBLE:
                ok = raw instanceof Double;
                break;
            case LIST:
                ok = raw instanceof List;
                break;
            case STRING:
                ok = false;
                break;
            default:
                throw new IllegalStateException("unknown type " + type);
        }
        if (!ok) {
            throw new ConfigException(name, raw, "Expected a value of type " + type);
        }
        return raw;
    }

    /** Accepts numbers in [min, max]. */
    public static Validator between(long min, long max) {
        return v -> {
            if (below((Number) v, min) || above((Number) v, max)) {
                return "Value must be in the range [" + min + ", " + max + "]";
            }
            return null;
        };
    }

    /** Accepts numbers &gt;= min. */
    public static Validator atLeast(long min) {
        return v -> below((Number) v, min) ? "Value must be at least " + min : null;
    }

    /** Doubles are compared as doubles (NaN is out of every range), integers exactly. */
    private static boolean below(Number n, long bound) {
        return n instanceof Double ? !(n.doubleValue() >= bound) : n.longValue() < bound;
    }

    private static boolean above(Number n, long bound) {
        return n instanceof Double ? !(n.doubleValue() <= bound) : n.longValue() > bound;
    }

    /** Accepts exactly one of the given strings (case-sensitive, as Kafka's {@code ValidString}). */
    public static Validator oneOf(String... allowed) {
        Set<String> set = Set.copyOf(Arrays.asList(allowed));
        return v -> {
            if (v instanceof String && set.contains(v)) {
                return null;
            }
            return "String must be one of: " + String.join(", ", allowed);
        };
    }

    /** Accepts a non-empty list. */
    public static Validator nonEmptyList() {
        return v -> ((List<?>) v).isEmpty() ? "Empty list" : null;
    }
}
