package dev.spool.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/** Small helpers shared by the commands: {@code key=value} options and properties files. */
final class CliSupport {
    private CliSupport() {}

    /**
     * Parses repeated {@code key=value} option values in order (a later key wins). A value may itself
     * contain '='; a missing '=' or an empty key is a usage error naming the option.
     */
    static Map<String, String> keyValues(CommandLine cl, String option, List<String> items) {
        Map<String, String> out = new LinkedHashMap<>();
        if (items == null) {
            return out;
        }
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(
                        cl, "Invalid value '" + item + "' for " + option + ": expected key=value");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1));
        }
        return out;
    }

    /** Reads a Java properties file into a string map; a missing file is an error naming it. */
    static Map<String, String> loadProperties(Path file) throws IOException {
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

    /** Client properties: a properties file (if given), then {@code key=value} overrides. */
    static Map<String, Object> clientProps(
            CommandLine cl, String bootstrap, Path configFile, String option, List<String> overrides)
            throws IOException {
        Map<String, Object> props = new LinkedHashMap<>();
        if (configFile != null) {
            props.putAll(loadProperties(configFile));
        }
        props.putAll(keyValues(cl, option, overrides));
        props.put("bootstrap.servers", bootstrap);
        return props;
    }
}
