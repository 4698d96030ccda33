package dev.spool.storage;

import java.io.IOException;

/**
 * A log that hit an I/O error and was taken offline (Kafka's {@code KAFKA_STORAGE_ERROR}). Nothing
 * partial stays visible; every later call on that log fails with this until it is reopened.
 */
public final class LogOfflineException extends IOException {
    private static final long serialVersionUID = 1L;

    public LogOfflineException(String message, Throwable cause) {
        super(message, cause);
    }
}
