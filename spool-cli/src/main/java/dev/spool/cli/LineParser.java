package dev.spool.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Turns one input line into a record's headers, key and value, with the properties of
 * {@code kafka-console-producer}'s line reader:
 *
 * <pre>
 *   [headers &lt;headers.delimiter&gt;] [key &lt;key.separator&gt;] value
 *   headers = name &lt;headers.key.separator&gt; value ( &lt;headers.separator&gt; name ... )*
 * </pre>
 *
 * {@code parse.key} (false), {@code key.separator} (tab), {@code parse.headers} (false),
 * {@code headers.delimiter} (tab), {@code headers.separator} (','), {@code headers.key.separator}
 * (':'), {@code null.marker} (none: a key, value or header value equal to it becomes null) and
 * {@code ignore.error} (false: a line without a separator it needs is an error; true: the whole line
 * is the value). A header without a key separator has a null value.
 */
final class LineParser {
    /** One parsed line. Null key or value mean absent. */
    record Parsed(List<Header> headers, byte[] key, byte[] value) {}

    private final boolean parseKey;
    private final String keySeparator;
    private final boolean parseHeaders;
    private final String headersDelimiter;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullMarker;
    private final boolean ignoreError;

    LineParser(Map<String, String> props) {
        this.parseKey =
                Boolean.parseBoolean(props.getOrDefault("parse.key", "false").trim());
        this.keySeparator = nonEmpty(props, "key.separator", "\t");
        this.parseHeaders = Boolean.parseBoolean(
                props.getOrDefault("parse.headers", "false").trim());
        this.headersDelimiter = nonEmpty(props, "headers.delimiter", "\t");
        this.headersSeparator = nonEmpty(props, "headers.separator", ",");
        this.headersKeySeparator = nonEmpty(props, "headers.key.separator", ":");
        this.nullMarker = props.get("null.marker");
        this.ignoreError =
                Boolean.parseBoolean(props.getOrDefault("ignore.error", "false").trim());
        if (parseHeaders && headersDelimiter.equals(headersSeparator)) {
            throw new IllegalArgumentException("headers.delimiter and headers.separator may not be equal");
        }
        if (parseHeaders && headersSeparator.equals(headersKeySeparator)) {
            throw new IllegalArgumentException("headers.separator and headers.key.separator may not be equal");
        }
    }

    private static String nonEmpty(Map<String, String> props, String key, String dflt) {
        String v = props.getOrDefault(key, dflt);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("property " + key + " may not be empty");
        }
        return v;
    }

    /** Parses line {@code lineNumber} (1-based, for messages). */
    Parsed parse(String line, long lineNumber) {
        String rest = line;
        List<Header> headers = new ArrayList<>();
        if (parseHeaders) {
            int at = rest.indexOf(headersDelimiter);
            if (at < 0) {
                if (!ignoreError) {
                    throw new IllegalArgumentException(
                            "No headers delimiter found on line number " + lineNumber + ": '" + line + "'");
                }
            } else {
                headers = parseHeaders(rest.substring(0, at));
                rest = rest.substring(at + headersDelimiter.length());
            }
        }
        byte[] key = null;
        if (parseKey) {
            int at = rest.indexOf(keySeparator);
            if (at < 0) {
                if (!ignoreError) {
                    throw new IllegalArgumentException(
                            "No key separator found on line number " + lineNumber + ": '" + line + "'");
                }
            } else {
                key = bytesOrNull(rest.substring(0, at));
                rest = rest.substring(at + keySeparator.length());
            }
        }
        return new Parsed(headers, key, bytesOrNull(rest));
    }

    private List<Header> parseHeaders(String text) {
        List<Header> headers = new ArrayList<>();
        if (text.isEmpty()) {
            return headers;
        }
        int from = 0;
        while (from <= text.length()) {
            int end = text.indexOf(headersSeparator, from);
            if (end < 0) {
                end = text.length();
            }
            String h = text.substring(from, end);
            int sep = h.indexOf(headersKeySeparator);
            String name = sep < 0 ? h : h.substring(0, sep);
            if (nullMarker != null && nullMarker.equals(name)) {
                throw new IllegalArgumentException("header name may not be the null marker '" + nullMarker + "'");
            }
            byte[] value = sep < 0 ? null : bytesOrNull(h.substring(sep + headersKeySeparator.length()));
            headers.add(new RecordHeader(name, value));
            from = end + headersSeparator.length();
        }
        return headers;
    }

    private byte[] bytesOrNull(String s) {
        return nullMarker != null && nullMarker.equals(s) ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
