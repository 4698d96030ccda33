package dev.spool.common.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Typed values of a parsed configuration, plus the unknown keys that were given. */
public final class ParsedConfig {
    private final Map<String, Object> values;
    private final Map<String, String> unknown;

    ParsedConfig(Map<String, Object> values, Map<String, String> unknown) {
        this.values = Collections.unmodifiableMap(values);
        this.unknown = Collections.unmodifiableMap(unknown);
    }

    private Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("configuration key not defined: " + key);
        }
        return values.get(key);
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public long getLong(String key) {
        return (Long) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public double getDouble(String key) {
        return (Double) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) get(key);
    }

    /** Every declared key with its value (default or given). */
    public Map<String, Object> values() {
        return values;
    }

    /** Keys that were given but not declared, with their raw values. */
    public Map<String, String> unknown() {
        return unknown;
    }
}
