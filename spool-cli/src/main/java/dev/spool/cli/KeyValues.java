package dev.spool.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Key-value input of the commands: properties files and {@code key=value} items. Kept free of picocli
 * so that {@code spool server}'s fast path ({@link ServerLaunch}) can use it. Stateless.
 */
final class KeyValues {
    private KeyValues() {}

    /**
     * One {@code key=value} item split at its first '=' (the value may contain more), the key trimmed;
     * null when there is no '=' or the key is empty.
     */
    static Map.Entry<String, String> split(String item) {
        int eq = item.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        return Map.entry(item.substring(0, eq).trim(), item.substring(eq + 1));
    }

    /** Reads a Java properties file into a string map; a missing file is an error naming it. */
    static Map<String, String> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "properties file not found");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name).trim());
        }
        return out;
    }
}
