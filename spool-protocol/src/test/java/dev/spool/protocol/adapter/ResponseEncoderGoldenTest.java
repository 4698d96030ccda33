package dev.spool.protocol.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Kafka 4.4 responses to real clients (kafka-clients 2.8/3.9/4.4, kcat, kafkajs), decoded and re-encoded by
 * {@link ResponseEncoder}: the bytes on the wire must be identical, size prefix included.
 */
class ResponseEncoderGoldenTest {
    private static final Pattern NAME = Pattern.compile("\\d+-([A-Za-z]+)-v(\\d+)-response\\.bin");

    static Stream<Path> frames() throws Exception {
        Path root = Paths.get(
                ResponseEncoderGoldenTest.class.getResource("/golden-responses").toURI());
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.filter(p -> p.toString().endsWith("-response.bin"))
                    .sorted()
                    .toList();
        }
        assertThat(all).hasSizeGreaterThan(50);
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("frames")
    void reencodesByteForByte(Path file) throws Exception {
        Matcher m = NAME.matcher(file.getFileName().toString());
        assertThat(m.matches()).as(file.toString()).isTrue();
        ApiKeys api =
                ApiKeys.valueOf(m.group(1).replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT));
        short version = Short.parseShort(m.group(2));
        byte[] frame = Files.readAllBytes(file);
        ByteBufferAccessor in = new ByteBufferAccessor(ByteBuffer.wrap(frame));
        ResponseHeaderData header = new ResponseHeaderData(in, api.responseHeaderVersion(version));
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newResponse();
        body.read(in, version);

        ResponseEncoder.Chunks chunks = ResponseEncoder.encode(api, version, header.correlationId(), body);
        ByteBuffer out = ByteBuffer.allocate(chunks.totalBytes());
        for (Object part : chunks.parts()) {
            out.put((ByteBuffer) part);
        }
        ByteBuffer expected =
                ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame);
        assertThat(out.array()).as(file.toString()).isEqualTo(expected.array());
    }
}
