package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool dump-log} on segments a real broker wrote, and on damaged copies of them. */
class DumpLogCommandTest {
    private static final String BATCH_LINE = "baseOffset: \\d+ lastOffset: \\d+ count: \\d+ baseSequence: -?\\d+ "
            + "lastSequence: -?\\d+ producerId: -?\\d+ producerEpoch: -?\\d+ partitionLeaderEpoch: -?\\d+ isTransactional: false "
            + "isControl: false position: \\d+ CreateTime: \\d+ size: \\d+ magic: 2 compresscodec: \\w+ crc: \\d+ "
            + "isvalid: (true|false)";

    @TempDir
    Path dir;

    /** Produces through the CLI into a real broker, stops it, and returns the partition's first segment. */
    private Path brokerSegment() throws Exception {
        Path logDir = dir.resolve("broker");
        try (EmbeddedSpool broker = EmbeddedSpool.start(logDir, Map.of())) {
            String b = broker.bootstrap();
            assertThat(Cli.run("topics", "create", "--bootstrap-server", b, "--topic", "d")
                            .exitCode())
                    .isZero();
            // --sync: one record per batch, so the segment holds three batches.
            Cli.Result r = Cli.runWithInput(
                    "h:1\tk1\tone\n\tk2\ttwo\n\tk3\tthree\n",
                    "produce",
                    "--bootstrap-server",
                    b,
                    "--topic",
                    "d",
                    "--sync",
                    "--property",
                    "parse.key=true",
                    "--property",
                    "parse.headers=true");
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
        return logDir.resolve("d-0").resolve("00000000000000000000.log");
    }

    private static List<String> lines(String s) {
        return Arrays.asList(s.split("\n"));
    }

    @Test
    void dumpsBatchesAndRecordsOfABrokerSegment() throws Exception {
        Path segment = brokerSegment();
        Cli.Result r = Cli.run("dump-log", "--print-data-log", segment.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = lines(r.out());
        assertThat(lines.get(0)).isEqualTo("Dumping " + segment);
        assertThat(lines.get(1)).isEqualTo("Log starting offset: 0");
        assertThat(lines).hasSize(2 + 3 * 2);
        long position = 0;
        for (int i = 0; i < 3; i++) {
            String batch = lines.get(2 + 2 * i);
            assertThat(batch).matches(BATCH_LINE);
            assertThat(batch)
                    .startsWith("baseOffset: " + i + " lastOffset: " + i + " count: 1 ")
                    // spool produce is idempotent by default (acks=all): sequence i, one producer id
                    .contains(" baseSequence: " + i + " lastSequence: " + i + " ")
                    .contains(" position: " + position + " ")
                    .endsWith("compresscodec: none crc: " + crcAt(segment, position) + " isvalid: true");
            position += Long.parseLong(batch.replaceAll(".* size: (\\d+) .*", "$1"));
        }
        assertThat(position).isEqualTo(Files.size(segment));
        assertThat(lines.get(3))
                .matches("\\| offset: 0 CreateTime: \\d+ keySize: 2 valueSize: 3 sequence: 0 headerKeys: \\[h\\] "
                        + "key: k1 payload: one");
        assertThat(lines.get(5))
                .matches("\\| offset: 1 CreateTime: \\d+ keySize: 2 valueSize: 3 .* key: k2 payload: two");
        assertThat(lines.get(7)).endsWith("headerKeys: [] key: k3 payload: three");

        // Without --print-data-log: batch lines only.
        Cli.Result batchesOnly = Cli.run("dump-log", "--files", segment.toString());
        assertThat(lines(batchesOnly.out())).hasSize(5).allSatisfy(l -> assertThat(l)
                .doesNotStartWith("|"));
    }

    private static long crcAt(Path segment, long position) throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(segment));
        return RecordBatch.crc(buf, (int) position);
    }

    @Test
    void garbageTailIsReportedAfterTheValidBatches() throws Exception {
        Path segment = brokerSegment();
        long validSize = Files.size(segment);
        Path copy = dir.resolve("00000000000000000000.log");
        Files.copy(segment, copy);
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        // A length field that claims far more than the file holds: must be refused, not allocated.
        ByteBuffer.wrap(garbage).putLong(0, 3).putInt(8, Integer.MAX_VALUE - 5);
        Files.write(copy, garbage, StandardOpenOption.APPEND);

        Cli.Result r = Cli.run("dump-log", "--print-data-log", copy.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = lines(r.out());
        assertThat(lines.stream().filter(l -> l.startsWith("baseOffset:")))
                .hasSize(3)
                .allSatisfy(l -> assertThat(l).endsWith("isvalid: true"));
        assertThat(lines.stream().filter(l -> l.startsWith("| offset:"))).hasSize(3);
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("Found 300 invalid bytes at the end of 00000000000000000000.log (position " + validSize
                        + "): record batch length " + (Integer.MAX_VALUE - 5) + " runs past the 288 bytes available");
    }

    @Test
    void tornLastBatchAndShortTailAreReported() throws Exception {
        Path segment = brokerSegment();
        byte[] bytes = Files.readAllBytes(segment);
        Path torn = dir.resolve("00000000000000000005.log");
        Files.write(torn, Arrays.copyOf(bytes, bytes.length - 10));
        Cli.Result r = Cli.run("dump-log", torn.toString());
        assertThat(r.exitCode()).isZero();
        List<String> lines = lines(r.out());
        assertThat(lines.get(1)).isEqualTo("Log starting offset: 5");
        assertThat(lines.stream().filter(l -> l.startsWith("baseOffset:"))).hasSize(2);
        assertThat(lines.get(lines.size() - 1))
                .contains("invalid bytes at the end")
                .contains("runs past");

        Path shortTail = dir.resolve("00000000000000000007.log");
        Files.write(shortTail, Arrays.copyOf(bytes, bytes.length + 7)); // seven zero bytes: not even a header
        List<String> shortLines =
                lines(Cli.run("dump-log", shortTail.toString()).out());
        assertThat(shortLines.stream().filter(l -> l.startsWith("baseOffset:"))).hasSize(3);
        assertThat(shortLines.get(shortLines.size() - 1))
                .isEqualTo("Found 7 invalid bytes at the end of 00000000000000000007.log (position " + bytes.length
                        + "): truncated batch: 7 bytes left, header needs 12");
    }

    @Test
    void aBatchWithABadCrcIsMarkedInvalidAndTheRestStillDumped() throws Exception {
        Path segment = brokerSegment();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[RecordBatch.RECORDS_OFFSET + 3] ^= 0x40; // inside the first batch's records
        Path flipped = dir.resolve("00000000000000000000.log");
        Files.write(flipped, bytes);
        Cli.Result r = Cli.run("dump-log", "--print-data-log", flipped.toString());
        assertThat(r.exitCode()).isZero();
        List<String> batches =
                lines(r.out()).stream().filter(l -> l.startsWith("baseOffset:")).toList();
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0)).endsWith("isvalid: false");
        assertThat(batches.get(1)).endsWith("isvalid: true");
        assertThat(lines(r.out()).stream().filter(l -> l.startsWith("| offset:")))
                .hasSize(2);
        assertThat(r.out()).contains("Found 1 batch(es) with a bad CRC");
    }

    @Test
    void compressedBatchesAreDecoded() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int[] codecs = {KafkaRecords.GZIP, KafkaRecords.LZ4, KafkaRecords.ZSTD, KafkaRecords.SNAPPY};
        long offset = 0;
        for (int codec : codecs) {
            List<SimpleRecord> records = List.of(
                    new SimpleRecord(1_700_000_000_000L, "a".getBytes(StandardCharsets.UTF_8), bytes("v" + offset)),
                    new SimpleRecord(1_700_000_000_001L, null, bytes("v" + (offset + 1))));
            ByteBuffer batch = KafkaRecords.build(codec, offset, records);
            file.write(batch.array(), batch.arrayOffset() + batch.position(), batch.remaining());
            offset += 2;
        }
        Path seg = dir.resolve("00000000000000000000.log");
        Files.write(seg, file.toByteArray());
        Cli.Result r = Cli.run("dump-log", "--print-data-log", seg.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = lines(r.out());
        assertThat(lines.stream().filter(l -> l.startsWith("baseOffset:")))
                .extracting(l -> l.replaceAll(".*compresscodec: (\\w+) .*", "$1"))
                .containsExactly("gzip", "lz4", "zstd", "snappy");
        assertThat(lines.get(2))
                .matches(BATCH_LINE)
                .contains(" CreateTime: 1700000000001 ")
                .contains("count: 2");
        assertThat(lines.get(3))
                .isEqualTo("| offset: 0 CreateTime: 1700000000000 keySize: 1 valueSize: 2 sequence: -1 headerKeys: [] "
                        + "key: a payload: v0");
        assertThat(lines.get(4))
                .isEqualTo("| offset: 1 CreateTime: 1700000000001 keySize: -1 valueSize: 2 sequence: -1 headerKeys: [] "
                        + "payload: v1");
        assertThat(lines.get(lines.size() - 1)).endsWith("payload: v7");
    }

    @Test
    void unreadableInputsAreErrors() throws Exception {
        Cli.Result missing =
                Cli.run("dump-log", dir.resolve("00000000000000000000.log").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");

        Path index = dir.resolve("00000000000000000000.index");
        Files.write(index, new byte[16]);
        Cli.Result notALog = Cli.run("dump-log", index.toString());
        assertThat(notALog.exitCode()).isEqualTo(1);
        assertThat(notALog.err()).contains("is not a .log segment file");

        Path empty = Files.createFile(dir.resolve("00000000000000000042.log"));
        Cli.Result emptyDump = Cli.run("dump-log", empty.toString());
        assertThat(emptyDump.exitCode()).isZero();
        assertThat(emptyDump.out()).isEqualTo("Dumping " + empty + "\nLog starting offset: 42\n");

        assertThat(Cli.run("dump-log").exitCode()).isEqualTo(2);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
