package dev.spool.common;

import java.util.Objects;

/** A topic name and partition number; its directory name is {@code topic-partition}, as in Kafka. */
public record TopicPartition(String topic, int partition) {

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition + " for topic " + topic);
        }
    }

    /** The log directory name. */
    public String dirName() {
        return topic + "-" + partition;
    }

    /** Parses a log directory name; the partition follows the last '-'. Returns null if it is not one. */
    public static TopicPartition fromDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String digits = name.substring(dash + 1);
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return new TopicPartition(name.substring(0, dash), Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return dirName();
    }
}
