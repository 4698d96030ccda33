package dev.spool.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Prints consumed records as {@code kafka-console-consumer}'s default formatter does. Fields, each
 * followed by {@code key.separator} (tab) when a later one follows, in this order:
 * {@code print.timestamp} ({@code CreateTime:ts}), {@code print.partition} ({@code Partition:p}),
 * {@code print.offset} ({@code Offset:o}), {@code print.headers} ({@code k:v,k2:v2} or
 * {@code NO_HEADERS}), {@code print.key}, {@code print.value} (default on); then
 * {@code line.separator}. Absent keys, values and header values print as {@code null.literal}.
 */
final class RecordFormatter {
    private final boolean printTimestamp;
    private final boolean printPartition;
    private final boolean printOffset;
    private final boolean printHeaders;
    private final boolean printKey;
    private final boolean printValue;
    private final String keySeparator;
    private final String lineSeparator;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullLiteral;

    RecordFormatter(Map<String, String> props) {
        printTimestamp = flag(props, "print.timestamp", false);
        printPartition = flag(props, "print.partition", false);
        printOffset = flag(props, "print.offset", false);
        printHeaders = flag(props, "print.headers", false);
        printKey = flag(props, "print.key", false);
        printValue = flag(props, "print.value", true);
        keySeparator = props.getOrDefault("key.separator", "\t");
        lineSeparator = props.getOrDefault("line.separator", "\n");
        headersSeparator = props.getOrDefault("headers.separator", ",");
        headersKeySeparator = props.getOrDefault("headers.key.separator", ":");
        nullLiteral = props.getOrDefault("null.literal", "null");
    }

    private static boolean flag(Map<String, String> props, String key, boolean dflt) {
        return Boolean.parseBoolean(
                props.getOrDefault(key, String.valueOf(dflt)).trim());
    }

    void print(PrintWriter out, ConsumerRecord<byte[], byte[]> r) {
        List<String> fields = new ArrayList<>(6);
        if (printTimestamp) {
            fields.add(
                    r.timestamp() == ConsumerRecord.NO_TIMESTAMP
                            ? "NO_TIMESTAMP"
                            : r.timestampType().name + ":" + r.timestamp());
        }
        if (printPartition) {
            fields.add("Partition:" + r.partition());
        }
        if (printOffset) {
            fields.add("Offset:" + r.offset());
        }
        if (printHeaders) {
            StringBuilder h = new StringBuilder();
            for (Header header : r.headers()) {
                if (h.length() > 0) {
                    h.append(headersSeparator);
                }
                h.append(header.key()).append(headersKeySeparator).append(text(header.value()));
            }
            fields.add(h.length() == 0 ? "NO_HEADERS" : h.toString());
        }
        if (printKey) {
            fields.add(text(r.key()));
        }
        if (printValue) {
            fields.add(text(r.value()));
        }
        out.print(String.join(keySeparator, fields));
        out.print(lineSeparator);
    }

    private String text(byte[] bytes) {
        return bytes == null ? nullLiteral : new String(bytes, StandardCharsets.UTF_8);
    }
}
