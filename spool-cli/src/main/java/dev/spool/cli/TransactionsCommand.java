package dev.spool.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool transactions list|describe|describe-producers|abort}: transaction administration through
 * kafka-clients' {@link Admin}, printing the columns {@code kafka-transactions.sh} prints.
 * {@code describe-producers} lists a partition's active producers (DescribeProducers). {@code abort} has
 * that tool's semantics: it writes an ABORT marker for a hanging transaction on one partition
 * (WriteTxnMarkers to the partition's leader), named by its start offset (the producer is found by
 * DescribeProducers) or by producer id, epoch and coordinator epoch.
 */
@Command(
        name = "transactions",
        mixinStandardHelpOptions = true,
        description = "List and describe transactions and a partition's producers; abort a hanging transaction.",
        subcommands = {
            TransactionsCommand.ListTxns.class,
            TransactionsCommand.Describe.class,
            TransactionsCommand.DescribeProducers.class,
            TransactionsCommand.Abort.class
        })
final class TransactionsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    SpoolCli parent;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing a transactions command: list, describe, describe-producers or abort");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List transactional ids.")
    static final class ListTxns extends TopicsCommand.AdminCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only these states (e.g. Ongoing); repeatable.")
        List<String> states = new ArrayList<>();

        @Option(names = "--producer-id", paramLabel = "ID", description = "Only these producer ids; repeatable.")
        List<Long> producerIds = new ArrayList<>();

        @Option(
                names = "--duration-filter",
                paramLabel = "MS",
                description = "Only transactions running longer than this many milliseconds.")
        Long durationMs;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            ListTransactionsOptions options = new ListTransactionsOptions();
            List<TransactionState> parsed = new ArrayList<>();
            for (String s : states) {
                TransactionState st = TransactionState.parse(s);
                if (st == TransactionState.UNKNOWN) {
                    throw new CommandLine.ParameterException(cl, "Unknown transaction state '" + s + "'");
                }
                parsed.add(st);
            }
            options.filterStates(parsed).filterProducerIds(producerIds);
            if (durationMs != null) {
                options.filterOnDuration(durationMs);
            }
            Collection<TransactionListing> listed =
                    admin.listTransactions(options).all().get();
            List<TransactionListing> sorted = new ArrayList<>(listed);
            sorted.sort((a, b) -> a.transactionalId().compareTo(b.transactionalId()));
            PrintWriter out = cl.getOut();
            out.printf(Locale.ROOT, "%-30s %-15s %-20s%n", "TransactionalId", "ProducerId", "TransactionState");
            for (TransactionListing t : sorted) {
                out.printf(Locale.ROOT, "%-30s %-15d %-20s%n", t.transactionalId(), t.producerId(), t.state());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe a transactional id.")
    static final class Describe extends TopicsCommand.AdminCommand {
        @CommandLine.ParentCommand
        TransactionsCommand parent;

        @Option(names = "--transactional-id", required = true, paramLabel = "ID")
        String transactionalId;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            TransactionDescription d = admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId)
                    .get();
            PrintWriter out = cl.getOut();
            out.printf(
                    Locale.ROOT,
                    "%-14s %-30s %-11s %-14s %-17s %-21s %-30s %-22s %s%n",
                    "CoordinatorId",
                    "TransactionalId",
                    "ProducerId",
                    "ProducerEpoch",
                    "TransactionState",
                    "TransactionTimeoutMs",
                    "CurrentTransactionStartTimeMs",
                    "TransactionDurationMs",
                    "TopicPartitions");
            String start = d.transactionStartTimeMs().isPresent()
                    ? String.valueOf(d.transactionStartTimeMs().getAsLong())
                    : "None";
            String duration = d.transactionStartTimeMs().isPresent()
                    ? String.valueOf(Math.max(
                            0,
                            parent.parent.time().milliseconds()
                                    - d.transactionStartTimeMs().getAsLong()))
                    : "None";
            List<String> partitions = d.topicPartitions().stream()
                    .sorted((a, b) -> a.topic().equals(b.topic())
                            ? Integer.compare(a.partition(), b.partition())
                            : a.topic().compareTo(b.topic()))
                    .map(TopicPartition::toString)
                    .toList();
            out.printf(
                    Locale.ROOT,
                    "%-14d %-30s %-11d %-14d %-17s %-21d %-30s %-22s %s%n",
                    d.coordinatorId(),
                    transactionalId,
                    d.producerId(),
                    d.producerEpoch(),
                    d.state(),
                    d.transactionTimeoutMs(),
                    start,
                    duration,
                    String.join(",", partitions));
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "describe-producers",
            mixinStandardHelpOptions = true,
            description = "Describe the active producers of a partition (DescribeProducers).")
    static final class DescribeProducers extends TopicsCommand.AdminCommand {
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;

        @Option(names = "--partition", required = true, paramLabel = "N")
        int partition;

        @Option(
                names = "--broker-id",
                paramLabel = "ID",
                description = "Ask this broker instead of the partition's leader.")
        Integer brokerId;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            TopicPartition tp = new TopicPartition(topic, partition);
            DescribeProducersOptions options = new DescribeProducersOptions();
            if (brokerId != null) {
                options.brokerId(brokerId);
            }
            List<ProducerState> producers = admin.describeProducers(List.of(tp), options)
                    .partitionResult(tp)
                    .get()
                    .activeProducers();
            PrintWriter out = cl.getOut();
            String format = "%-15s %-14s %-23s %-13s %-14s %s%n";
            out.printf(
                    Locale.ROOT,
                    format,
                    "ProducerId",
                    "ProducerEpoch",
                    "LatestCoordinatorEpoch",
                    "LastSequence",
                    "LastTimestamp",
                    "CurrentTransactionStartOffset");
            for (ProducerState p : producers) {
                out.printf(
                        Locale.ROOT,
                        format,
                        p.producerId(),
                        p.producerEpoch(),
                        p.coordinatorEpoch().orElse(-1),
                        p.lastSequence(),
                        p.lastTimestamp(),
                        p.currentTransactionStartOffset().isPresent()
                                ? String.valueOf(
                                        p.currentTransactionStartOffset().getAsLong())
                                : "None");
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "abort",
            mixinStandardHelpOptions = true,
            description = "Abort a hanging transaction on one partition (writes an ABORT marker there). Name it by"
                    + " --start-offset, or by --producer-id, --producer-epoch and --coordinator-epoch.")
    static final class Abort extends TopicsCommand.AdminCommand {
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;

        @Option(names = "--partition", required = true, paramLabel = "N")
        int partition;

        @Option(
                names = "--start-offset",
                paramLabel = "OFFSET",
                description = "The first offset of the transaction on the partition (its producer is found by"
                        + " DescribeProducers).")
        Long startOffset;

        @Option(names = "--producer-id", paramLabel = "ID")
        Long producerId;

        @Option(names = "--producer-epoch", paramLabel = "EPOCH")
        Short producerEpoch;

        @Option(names = "--coordinator-epoch", paramLabel = "EPOCH")
        Integer coordinatorEpoch;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            TopicPartition tp = new TopicPartition(topic, partition);
            AbortTransactionSpec spec = startOffset != null ? findByStartOffset(admin, tp) : fromIds(cl, tp);
            admin.abortTransaction(spec).all().get();
            cl.getOut()
                    .printf(
                            Locale.ROOT,
                            "Aborted the transaction of producer %d (epoch %d) on %s%n",
                            spec.producerId(),
                            spec.producerEpoch(),
                            tp);
            cl.getOut().flush();
            return 0;
        }

        private AbortTransactionSpec fromIds(CommandLine cl, TopicPartition tp) {
            if (producerId == null) {
                throw new CommandLine.ParameterException(
                        cl,
                        "The transaction to abort must be named by --start-offset or by --producer-id,"
                                + " --producer-epoch and --coordinator-epoch");
            }
            if (producerEpoch == null || coordinatorEpoch == null) {
                throw new CommandLine.ParameterException(
                        cl, "--producer-id needs --producer-epoch and --coordinator-epoch");
            }
            // A producer that never saw a marker shows coordinator epoch -1; 0 is at most any real one.
            return new AbortTransactionSpec(tp, producerId, producerEpoch, Math.max(0, coordinatorEpoch));
        }

        private AbortTransactionSpec findByStartOffset(Admin admin, TopicPartition tp) throws Exception {
            List<ProducerState> producers = admin.describeProducers(List.of(tp))
                    .partitionResult(tp)
                    .get()
                    .activeProducers();
            for (ProducerState p : producers) {
                if (p.currentTransactionStartOffset().isPresent()
                        && p.currentTransactionStartOffset().getAsLong() == startOffset) {
                    return new AbortTransactionSpec(
                            tp,
                            p.producerId(),
                            (short) p.producerEpoch(),
                            p.coordinatorEpoch().orElse(0));
                }
            }
            throw new IllegalArgumentException(
                    "Could not find any open transactions starting at offset " + startOffset + " on partition " + tp);
        }
    }
}
