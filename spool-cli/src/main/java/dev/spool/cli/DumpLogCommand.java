package dev.spool.cli;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spool dump-log}: prints the record batches of {@code .log} segment files, one line per
 * batch as Kafka's {@code DumpLogSegments} does, and with {@code --print-data-log} each record too.
 *
 * <p>The file is memory-mapped read-only, so nothing is allocated from a length read in the file;
 * each batch's framing is checked against the file's end before any field past its header is read.
 * The first bytes that do not frame a batch (a torn or garbage tail) end the dump with a report of
 * where and why; a batch that frames but fails its CRC is printed with {@code isvalid: false} and its
 * records are not decoded. Exit code 0 when every file could be read (corruption is reported, not an
 * error), 1 when one could not.
 */
@Command(
        name = "dump-log",
        mixinStandardHelpOptions = true,
        description = "Print the record batches (and records) of .log segment files.")
final class DumpLogCommand implements Callable<Integer> {
    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d+)\\.log(\\.(deleted|cleaned|swap))?");

    private static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Segment files (NNN.log).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--files", split = ",", paramLabel = "FILE", description = "Segment files, comma-separated.")
    List<Path> moreFiles = new ArrayList<>();

    @Option(
            names = {"--print-data-log", "--deep-iteration"},
            description = "Also print every record: offset, timestamp, sizes, headers, key and payload.")
    boolean printData;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        List<Path> all = new ArrayList<>(files);
        all.addAll(moreFiles);
        if (all.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "Missing a segment file to dump");
        }
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        int status = 0;
        for (Path file : all) {
            var m = SEGMENT_NAME.matcher(file.getFileName().toString());
            if (!m.matches()) {
                err.println("Error: " + file + " is not a .log segment file (NNNNNNNNNNNNNNNNNNNN.log)");
                status = 1;
                continue;
            }
            out.println("Dumping " + file);
            out.println("Log starting offset: " + Long.parseLong(m.group(1)));
            try {
                dump(file, out);
            } catch (NoSuchFileException e) {
                err.println("Error: no such file: " + file);
                status = 1;
            } catch (IOException e) {
                err.println("Error: cannot read " + file + ": " + e.getMessage());
                status = 1;
            }
            out.flush();
        }
        err.flush();
        return status;
    }

    private void dump(Path file, PrintWriter out) throws IOException {
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("file of " + size + " bytes is larger than any segment can be");
            }
            buf = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        int end = buf.limit();
        int pos = 0;
        int invalid = 0;
        while (pos < end) {
            String framing = BatchValidator.checkFraming(buf, pos, end);
            if (framing != null) {
                reportTail(out, file, pos, end, framing);
                return;
            }
            if (RecordBatch.magic(buf, pos) != RecordBatch.MAGIC_V2) {
                reportTail(out, file, pos, end, "record batch magic " + RecordBatch.magic(buf, pos) + " is not 2");
                return;
            }
            boolean valid = BatchValidator.checkIntact(buf, pos, end) == null;
            out.println(batchLine(buf, pos, valid));
            int size = RecordBatch.sizeInBytes(buf, pos);
            if (!valid) {
                invalid++;
            } else if (printData) {
                printRecords(out, buf, pos, size);
            }
            pos += size;
        }
        if (invalid > 0) {
            out.println("Found " + invalid + " batch(es) with a bad CRC in " + file);
        }
    }

    private static void reportTail(PrintWriter out, Path file, int pos, int end, String why) {
        out.println("Found " + (end - pos) + " invalid bytes at the end of " + file.getFileName() + " (position " + pos
                + "): " + why);
    }

    static String batchLine(ByteBuffer buf, int pos, boolean valid) {
        int baseSequence = RecordBatch.baseSequence(buf, pos);
        int codec = RecordBatch.compressionCodec(buf, pos);
        return "baseOffset: " + RecordBatch.baseOffset(buf, pos)
                + " lastOffset: " + RecordBatch.lastOffset(buf, pos)
                + " count: " + RecordBatch.recordCount(buf, pos)
                + " baseSequence: " + baseSequence
                + " lastSequence: " + sequence(baseSequence, RecordBatch.lastOffsetDelta(buf, pos))
                + " producerId: " + RecordBatch.producerId(buf, pos)
                + " producerEpoch: " + RecordBatch.producerEpoch(buf, pos)
                + " partitionLeaderEpoch: " + RecordBatch.partitionLeaderEpoch(buf, pos)
                + " isTransactional: " + RecordBatch.isTransactional(buf, pos)
                + " isControl: " + RecordBatch.isControl(buf, pos)
                + " position: " + pos
                + " " + timestampType(buf, pos) + ": " + RecordBatch.maxTimestamp(buf, pos)
                + " size: " + RecordBatch.sizeInBytes(buf, pos)
                + " magic: " + RecordBatch.magic(buf, pos)
                + " compresscodec: " + (codec < CODECS.length ? CODECS[codec] : "unknown(" + codec + ")")
                + " crc: " + RecordBatch.crc(buf, pos)
                + " isvalid: " + valid;
    }

    private static String timestampType(ByteBuffer buf, int pos) {
        return RecordBatch.isLogAppendTime(buf, pos) ? "LogAppendTime" : "CreateTime";
    }

    /** A record's sequence: the batch's base sequence plus the offset delta, wrapping as Kafka's do. */
    private static int sequence(int baseSequence, long delta) {
        if (baseSequence == RecordBatch.NO_SEQUENCE) {
            return RecordBatch.NO_SEQUENCE;
        }
        long s = baseSequence + delta;
        return (int) (s > Integer.MAX_VALUE ? s - Integer.MAX_VALUE - 1 : s);
    }

    private static void printRecords(PrintWriter out, ByteBuffer buf, int pos, int size) {
        List<KafkaRecords.DecodedRecord> records;
        try {
            records = KafkaRecords.decodeBatch(buf, pos, size);
        } catch (RuntimeException e) {
            out.println("| records could not be decoded: " + e.getMessage());
            return;
        }
        long baseOffset = RecordBatch.baseOffset(buf, pos);
        int baseSequence = RecordBatch.baseSequence(buf, pos);
        boolean control = RecordBatch.isControl(buf, pos);
        String tsType = timestampType(buf, pos);
        for (KafkaRecords.DecodedRecord r : records) {
            StringBuilder sb = new StringBuilder("| offset: ")
                    .append(r.offset())
                    .append(' ')
                    .append(tsType)
                    .append(": ")
                    .append(r.timestamp())
                    .append(" keySize: ")
                    .append(r.key() == null ? -1 : r.key().length)
                    .append(" valueSize: ")
                    .append(r.value() == null ? -1 : r.value().length)
                    .append(" sequence: ")
                    .append(sequence(baseSequence, r.offset() - baseOffset))
                    .append(" headerKeys: [")
                    .append(r.headers().stream().map(SimpleRecord.Header::key).collect(Collectors.joining(",")))
                    .append(']');
            if (control) {
                sb.append(controlRecord(r));
            } else {
                if (r.key() != null) {
                    sb.append(" key: ").append(new String(r.key(), StandardCharsets.UTF_8));
                }
                if (r.value() != null) {
                    sb.append(" payload: ").append(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            out.println(sb);
        }
    }

    /**
     * A control record: key = version int16, type int16 (0 abort, 1 commit); an end-transaction
     * marker's value = version int16, coordinator epoch int32.
     */
    private static String controlRecord(KafkaRecords.DecodedRecord r) {
        if (r.key() == null || r.key().length < 4) {
            return " controlKey: malformed";
        }
        short type = ByteBuffer.wrap(r.key()).getShort(2);
        String name = type == 0 ? "ABORT" : type == 1 ? "COMMIT" : "type(" + type + ")";
        if ((type == 0 || type == 1) && r.value() != null && r.value().length >= 6) {
            return " endTxnMarker: " + name + " coordinatorEpoch: "
                    + ByteBuffer.wrap(r.value()).getInt(2);
        }
        return " controlType: " + name;
    }
}
