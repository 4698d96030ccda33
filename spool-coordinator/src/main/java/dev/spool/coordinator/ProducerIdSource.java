package dev.spool.coordinator;

import java.io.IOException;

/**
 * Port: hands out producer ids never used before (the server's producer-id blocks in the metadata
 * log). Thread-safe.
 */
public interface ProducerIdSource {
    long generate() throws IOException;
}
