package dev.spool.coordinator;

/** The classic group states, named as Kafka reports them in DescribeGroups and ListGroups. */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name on the wire ("Stable", "Empty", ...). */
    public String kafkaName() {
        return kafkaName;
    }

    /** Parses a wire name, case-insensitively; null if unknown. */
    public static GroupState fromKafkaName(String name) {
        for (GroupState s : values()) {
            if (s.kafkaName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
