package dev.spool.protocol.wire;

import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;

/**
 * Decodes one request frame (the bytes after the 4-byte size) with kafka-clients' generated message
 * classes. No I/O. A frame that cannot be decoded throws {@link MalformedRequestException}; generated
 * readers check every array and string length against the bytes left before allocating.
 */
public final class RequestDecoder {
    private RequestDecoder() {}

    /** The smallest request header: api key, api version, correlation id, client id length. */
    static final int MIN_HEADER_BYTES = 2 + 2 + 4 + 2;

    /**
     * Reads api key and version without decoding anything else; null if the key is unknown to this
     * build of kafka-clients.
     */
    public static ApiKeys peekApiKey(ByteBuffer frame) throws MalformedRequestException {
        if (frame.remaining() < MIN_HEADER_BYTES) {
            throw new MalformedRequestException("request of " + frame.remaining() + " bytes is shorter than a header");
        }
        short key = frame.getShort(frame.position());
        return ApiKeys.hasId(key) ? ApiKeys.forId(key) : null;
    }

    public static short peekApiVersion(ByteBuffer frame) {
        return frame.getShort(frame.position() + 2);
    }

    public static int peekCorrelationId(ByteBuffer frame) {
        return frame.getInt(frame.position() + 4);
    }

    /** Decodes the header at the given header version; the buffer is left positioned at the body. */
    public static RequestHeaderData decodeHeader(ByteBuffer frame, short headerVersion)
            throws MalformedRequestException {
        try {
            return new RequestHeaderData(new ByteBufferAccessor(frame), headerVersion);
        } catch (RuntimeException e) {
            throw new MalformedRequestException("malformed request header: " + e.getMessage(), e);
        }
    }

    /** Decodes a body of {@code api} at {@code version}; every byte of the frame must be consumed. */
    public static ApiMessage decodeBody(ByteBuffer frame, ApiKeys api, short version) throws MalformedRequestException {
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newRequest();
        try {
            body.read(new ByteBufferAccessor(frame), version);
        } catch (RuntimeException e) {
            throw new MalformedRequestException(api + " v" + version + " request is malformed: " + e.getMessage(), e);
        }
        if (frame.hasRemaining()) {
            throw new MalformedRequestException(
                    api + " v" + version + " request has " + frame.remaining() + " bytes after its body");
        }
        return body;
    }
}
