package dev.spool.coordinator;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;
import org.apache.kafka.common.protocol.ByteBufferAccessor;

/** Reads the topics of a consumer-protocol subscription (version-prefixed, as consumers send it). Stateless. */
final class ConsumerProtocolSubscriptions {
    private ConsumerProtocolSubscriptions() {}

    /** The subscribed topics, or an empty list if the bytes are not a readable subscription. */
    static List<String> topics(byte[] metadata) {
        try {
            ByteBuffer b = ByteBuffer.wrap(metadata);
            short version = b.getShort();
            if (version < ConsumerProtocolSubscription.LOWEST_SUPPORTED_VERSION) {
                return List.of();
            }
            short readVersion = (short) Math.min(version, ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION);
            return new ConsumerProtocolSubscription(new ByteBufferAccessor(b), readVersion).topics();
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
