package dev.spool.coordinator;

/** The states of a KIP-848 consumer group, named as Kafka reports them (ListGroups, ConsumerGroupDescribe). */
public enum ConsumerGroupState {
    /** No members. */
    EMPTY("Empty"),
    /** The group epoch moved past the assignment epoch: a new target assignment is due. */
    ASSIGNING("Assigning"),
    /** Some member has not reached the target assignment yet. */
    RECONCILING("Reconciling"),
    /** Every member holds its target assignment at the assignment epoch. */
    STABLE("Stable"),
    /** Deleted. */
    DEAD("Dead");

    private final String kafkaName;

    ConsumerGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }
}
