package dev.spool.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spool topics create|list|describe|delete|alter}: topic administration through kafka-clients'
 * {@link Admin}, printing what {@code kafka-topics.sh} prints.
 */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create, list, describe, alter and delete topics.",
        subcommands = {
            TopicsCommand.Create.class,
            TopicsCommand.ListTopics.class,
            TopicsCommand.Describe.class,
            TopicsCommand.Delete.class,
            TopicsCommand.Alter.class
        })
final class TopicsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing a topics command: create, list, describe, delete or alter");
    }

    /** Options every topics command takes. */
    static final class AdminOptions {
        @Option(
                names = "--bootstrap-server",
                required = true,
                paramLabel = "HOST:PORT",
                description = "Broker(s) to connect to.")
        String bootstrap;

        @Option(names = "--command-config", paramLabel = "FILE", description = "Admin client properties file.")
        Path commandConfig;

        Admin admin(CommandLine cl) throws IOException {
            return Admin.create(CliSupport.clientProps(cl, bootstrap, commandConfig, "--command-config", List.of()));
        }
    }

    /** A topics subcommand: opens an {@link Admin}, runs, closes it. */
    abstract static class AdminCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Override
        public final Integer call() throws Exception {
            try (Admin a = admin.admin(spec.commandLine())) {
                return run(a, spec.commandLine());
            }
        }

        abstract int run(Admin admin, CommandLine cl) throws Exception;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create extends AdminCommand {
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;

        @Option(names = "--partitions", paramLabel = "N", description = "Default: the broker's num.partitions.")
        Integer partitions;

        @Option(
                names = "--replication-factor",
                paramLabel = "N",
                description = "Default: the broker's default.replication.factor.")
        Short replicationFactor;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A topic config; repeatable.")
        List<String> configs = new ArrayList<>();

        @Option(names = "--if-not-exists", description = "Succeed quietly if the topic exists.")
        boolean ifNotExists;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            NewTopic nt = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
                    .configs(CliSupport.keyValues(cl, "--config", configs));
            try {
                admin.createTopics(List.of(nt)).all().get();
            } catch (ExecutionException e) {
                if (ifNotExists && e.getCause() instanceof TopicExistsException) {
                    return 0;
                }
                throw e;
            }
            cl.getOut().println("Created topic " + topic + ".");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names, one per line, sorted.")
    static final class ListTopics extends AdminCommand {
        @Option(names = "--topic", paramLabel = "REGEX", description = "Only names matching this regular expression.")
        String topic;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            Pattern filter = topic == null ? null : Pattern.compile(topic);
            for (String name : new TreeSet<>(admin.listTopics().names().get())) {
                if (filter == null || filter.matcher(name).matches()) {
                    cl.getOut().println(name);
                }
            }
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Describe a topic's partitions and configs (all topics without --topic).")
    static final class Describe extends AdminCommand {
        @Option(names = "--topic", paramLabel = "TOPIC")
        String topic;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            Collection<String> names = topic != null
                    ? List.of(topic)
                    : new TreeSet<>(admin.listTopics().names().get());
            if (names.isEmpty()) {
                return 0;
            }
            Map<String, TopicDescription> descriptions;
            try {
                descriptions = admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new IllegalArgumentException("Topic '" + topic + "' does not exist");
                }
                throw e;
            }
            List<ConfigResource> resources = names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                    .collect(Collectors.toList());
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get();
            for (String name : names) {
                TopicDescription d = descriptions.get(name);
                Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                printTopic(cl, d, c);
            }
            return 0;
        }

        private static void printTopic(CommandLine cl, TopicDescription d, Config config) {
            List<TopicPartitionInfo> partitions = d.partitions();
            int rf = partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
            String configs = config == null
                    ? ""
                    : config.entries().stream()
                            .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                            .map(e -> e.name() + "=" + (e.isSensitive() ? "<sensitive>" : e.value()))
                            .sorted()
                            .collect(Collectors.joining(","));
            cl.getOut()
                    .println("Topic: " + d.name() + "\tTopicId: " + d.topicId() + "\tPartitionCount: "
                            + partitions.size() + "\tReplicationFactor: " + rf + "\tConfigs: " + configs);
            for (TopicPartitionInfo p : partitions) {
                cl.getOut()
                        .println("\tTopic: " + d.name() + "\tPartition: " + p.partition() + "\tLeader: "
                                + (p.leader() == null || p.leader().isEmpty()
                                        ? "none"
                                        : String.valueOf(p.leader().id()))
                                + "\tReplicas: " + ids(p.replicas()) + "\tIsr: " + ids(p.isr()));
            }
        }

        private static String ids(List<Node> nodes) {
            return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(","));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic.")
    static final class Delete extends AdminCommand {
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;

        @Option(names = "--if-exists", description = "Succeed quietly if the topic does not exist.")
        boolean ifExists;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            try {
                admin.deleteTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (ifExists && e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return 0;
                }
                throw e;
            }
            cl.getOut().println("Deleted topic " + topic + ".");
            return 0;
        }
    }

    @Command(
            name = "alter",
            mixinStandardHelpOptions = true,
            description = "Add partitions (--partitions) or set/remove topic configs (--config, --delete-config).")
    static final class Alter extends AdminCommand {
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;

        @Option(names = "--partitions", paramLabel = "N", description = "The new (larger) partition count.")
        Integer partitions;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Set a topic config; repeatable.")
        List<String> configs = new ArrayList<>();

        @Option(names = "--delete-config", paramLabel = "KEY", description = "Remove a topic config; repeatable.")
        List<String> deleteConfigs = new ArrayList<>();

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            Map<String, String> set = CliSupport.keyValues(cl, "--config", configs);
            if (partitions == null && set.isEmpty() && deleteConfigs.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "alter needs --partitions, --config or --delete-config");
            }
            if (partitions != null) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                        .all()
                        .get();
                cl.getOut().println("Increased partition count of " + topic + " to " + partitions + ".");
            }
            if (!set.isEmpty() || !deleteConfigs.isEmpty()) {
                List<AlterConfigOp> ops = new ArrayList<>();
                set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                for (String k : deleteConfigs) {
                    ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE));
                }
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                admin.incrementalAlterConfigs(Map.of(res, ops)).all().get();
                cl.getOut().println("Updated config of topic " + topic + ".");
            }
            return 0;
        }
    }
}
