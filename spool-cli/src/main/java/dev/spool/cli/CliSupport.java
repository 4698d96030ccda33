package dev.spool.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            Map.Entry<String, String> kv = KeyValues.split(item);
            if (kv == null) {
                throw new CommandLine.ParameterException(
                        cl, "Invalid value '" + item + "' for " + option + ": expected key=value");
            }
            out.put(kv.getKey(), kv.getValue());
        }
        return out;
    }

    /** Client properties: a properties file (if given), then {@code key=value} overrides. */
    static Map<String, Object> clientProps(
            CommandLine cl, String bootstrap, Path configFile, String option, List<String> overrides)
            throws IOException {
        Map<String, Object> props = new LinkedHashMap<>();
        if (configFile != null) {
            props.putAll(KeyValues.load(configFile));
        }
        props.putAll(keyValues(cl, option, overrides));
        props.put("bootstrap.servers", bootstrap);
        return props;
    }
}
