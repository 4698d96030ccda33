package dev.spool.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool transactions list|describe|abort}: transaction administration through kafka-clients'
 * {@link Admin}, printing the columns {@code kafka-transactions.sh} prints. {@code abort} has that
 * tool's semantics: it writes an ABORT marker for a hanging transaction on one partition
 * (WriteTxnMarkers to the partition's leader), given the producer id, epoch and coordinator epoch.
 */
@Command(
        name = "transactions",
        mixinStandardHelpOptions = true,
        description = "List and describe transactions; abort a hanging transaction on a partition.",
        subcommands = {
            TransactionsCommand.ListTxns.class,
            TransactionsCommand.Describe.class,
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
                spec.commandLine(), "Missing a transactions command: list, describe or abort");
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
            name = "abort",
            mixinStandardHelpOptions = true,
            description = "Abort a hanging transaction on one partition (writes an ABORT marker there).")
    static final class Abort extends TopicsCommand.AdminCommand {
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;

        @Option(names = "--partition", required = true, paramLabel = "N")
        int partition;

        @Option(names = "--producer-id", required = true, paramLabel = "ID")
        long producerId;

        @Option(names = "--producer-epoch", required = true, paramLabel = "EPOCH")
        short producerEpoch;

        @Option(names = "--coordinator-epoch", required = true, paramLabel = "EPOCH")
        int coordinatorEpoch;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            TopicPartition tp = new TopicPartition(topic, partition);
            admin.abortTransaction(new AbortTransactionSpec(tp, producerId, producerEpoch, coordinatorEpoch))
                    .all()
                    .get();
            cl.getOut()
                    .printf(
                            Locale.ROOT,
                            "Aborted the transaction of producer %d (epoch %d) on %s%n",
                            producerId,
                            producerEpoch,
                            tp);
            cl.getOut().flush();
            return 0;
        }
    }
}
