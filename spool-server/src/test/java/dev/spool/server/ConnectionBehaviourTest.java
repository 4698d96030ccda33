package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection-level behaviour over a raw socket: pipelined responses in order, idle connections closed. */
class ConnectionBehaviourTest {
    @TempDir
    Path dir;

    static byte[] frame(ApiKeys api, short version, int correlationId, ApiMessage body) {
        short hv = api.requestHeaderVersion(version);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(api.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId("raw");
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, hv) + body.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor w = new ByteBufferAccessor(buf);
        header.write(w, cache, hv);
        body.write(w, cache, version);
        return buf.array();
    }

    /** Reads one response frame and returns its correlation id. */
    static int readCorrelationId(DataInputStream in) throws IOException {
        int size = in.readInt();
        assertThat(size).isBetween(4, 1 << 20);
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body).getInt();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Socket s = new Socket("127.0.0.1", broker.port())) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 30; i++) {
                if (i % 3 == 1) {
                    out.write(frame(ApiKeys.METADATA, (short) 12, i, new MetadataRequestData().setTopics(null)));
                } else {
                    out.write(frame(
                            ApiKeys.API_VERSIONS,
                            (short) 3,
                            i,
                            new ApiVersionsRequestData()
                                    .setClientSoftwareName("raw")
                                    .setClientSoftwareVersion("1")));
                }
            }
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < 30; i++) {
                assertThat(readCorrelationId(in)).isEqualTo(i);
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of(ServerConfig.CONNECTIONS_MAX_IDLE_MS, "300"));
                Socket s = new Socket("127.0.0.1", broker.port())) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write(frame(ApiKeys.API_VERSIONS, (short) 0, 7, new ApiVersionsRequestData()));
            assertThat(readCorrelationId(in)).isEqualTo(7);
            s.setSoTimeout(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    return in.read() == -1;
                } catch (EOFException e) {
                    return true;
                }
            });
        }
    }
}
