package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * A raw Kafka-protocol connection over a plain {@link Socket}: frames requests built with kafka-clients'
 * generated message classes (or arbitrary bytes) and reads response frames. For tests that need to send
 * what no well-behaved client would.
 */
final class KafkaWire implements AutoCloseable {
    static final String CLIENT_ID = "spool-it";
    /** Bound on every blocking read: a broker that neither answers nor closes fails the test. */
    static final int READ_TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCorrelationId = 1;

    private KafkaWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static KafkaWire connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return new KafkaWire(s);
    }

    /** The request payload (header + body, without the size prefix). */
    static ByteBuffer payload(ApiKeys api, short version, int correlationId, ApiMessage body) {
        return payload(api.id, version, api.requestHeaderVersion(version), correlationId, body, version);
    }

    /**
     * A payload whose header says {@code apiKey}/{@code version} but is laid out at {@code headerVersion},
     * with {@code body} written at {@code bodyVersion}; lets a test lie about the version.
     */
    static ByteBuffer payload(
            short apiKey, short version, short headerVersion, int correlationId, ApiMessage body, short bodyVersion) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(apiKey)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId(CLIENT_ID);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + (body == null ? 0 : body.size(cache, bodyVersion));
        ByteBuffer buf = ByteBuffer.allocate(size);
        ByteBufferAccessor w = new ByteBufferAccessor(buf);
        header.write(w, cache, headerVersion);
        if (body != null) {
            body.write(w, cache, bodyVersion);
        }
        return buf.flip();
    }

    /** Size prefix + payload. */
    static byte[] frame(ByteBuffer payload) {
        ByteBuffer f = ByteBuffer.allocate(4 + payload.remaining());
        f.putInt(payload.remaining()).put(payload.duplicate());
        return f.array();
    }

    int nextCorrelationId() {
        return nextCorrelationId++;
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(ByteBuffer payload) throws IOException {
        sendBytes(frame(payload));
    }

    /** Sends a request and returns the correlation id used. */
    int send(ApiKeys api, short version, ApiMessage body) throws IOException {
        int id = nextCorrelationId();
        send(payload(api, version, id, body));
        return id;
    }

    /** Reads one response frame (without its size prefix). */
    ByteBuffer receiveFrame() throws IOException {
        int size = in.readInt();
        assertThat(size).as("response size").isBetween(4, 256 << 20);
        byte[] b = new byte[size];
        in.readFully(b);
        return ByteBuffer.wrap(b);
    }

    /** Reads one response, checks its correlation id and decodes the body of {@code api} at {@code version}. */
    ApiMessage receive(ApiKeys api, short version, int correlationId) throws IOException {
        return parseResponse(receiveFrame(), api, version, correlationId);
    }

    static ApiMessage parseResponse(ByteBuffer frame, ApiKeys api, short version, int correlationId) {
        ByteBufferAccessor r = new ByteBufferAccessor(frame);
        ResponseHeaderData header = new ResponseHeaderData(r, api.responseHeaderVersion(version));
        assertThat(header.correlationId()).as("correlation id").isEqualTo(correlationId);
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newResponse();
        body.read(r, version);
        assertThat(frame.remaining()).as("bytes after the response body").isZero();
        return body;
    }

    /** Sends a request and decodes its response. */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T call(ApiKeys api, short version, ApiMessage body) throws IOException {
        int id = send(api, version, body);
        return (T) receive(api, version, id);
    }

    /**
     * True once the broker has closed the connection: a read sees end of stream or a reset, with no
     * response bytes before it. False if the broker sent bytes; a broker that does neither within
     * {@link #READ_TIMEOUT_MS} throws {@link SocketTimeoutException}.
     */
    boolean closedByBroker() throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true; // connection reset
        }
    }

    /** Half-close: no more bytes from this side. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
