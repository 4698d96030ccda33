package dev.spool.common.config;

/** A configuration value that cannot be used; the message names the key and the bad value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, Object value, String reason) {
        super("Invalid value " + value + " for configuration " + key + ": " + reason);
        this.key = key;
    }

    /** The configuration key that was rejected. */
    public String key() {
        return key;
    }
}
