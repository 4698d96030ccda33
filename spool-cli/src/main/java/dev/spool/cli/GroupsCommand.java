package dev.spool.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool groups list|describe|delete|reset-offsets}: consumer-group administration through
 * kafka-clients' {@link Admin}, printing what {@code kafka-consumer-groups.sh} prints (describe shows
 * the lag of every partition with a committed offset or an owner).
 */
@Command(
        name = "groups",
        mixinStandardHelpOptions = true,
        description = "List, describe, delete consumer groups and reset their offsets.",
        subcommands = {
            GroupsCommand.ListGroups.class,
            GroupsCommand.Describe.class,
            GroupsCommand.Delete.class,
            GroupsCommand.ResetOffsets.class
        })
final class GroupsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing a groups command: list, describe, delete or reset-offsets");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer groups.")
    static final class ListGroups extends TopicsCommand.AdminCommand {
        @Option(names = "--state", description = "Also print each group's state.")
        boolean state;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            Collection<GroupListing> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups())
                    .all()
                    .get();
            PrintWriter out = cl.getOut();
            List<GroupListing> sorted = new ArrayList<>(groups);
            sorted.sort((a, b) -> a.groupId().compareTo(b.groupId()));
            if (state) {
                out.printf(Locale.ROOT, "%-30s %s%n", "GROUP", "STATE");
            }
            for (GroupListing g : sorted) {
                if (state) {
                    out.printf(
                            Locale.ROOT,
                            "%-30s %s%n",
                            g.groupId(),
                            g.groupState().map(GroupState::toString).orElse("Unknown"));
                } else {
                    out.println(g.groupId());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Committed offsets, log-end offsets, lag and owner of each partition.")
    static final class Describe extends TopicsCommand.AdminCommand {
        @Option(names = "--group", required = true, paramLabel = "GROUP", description = "Repeatable.")
        List<String> groups;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            PrintWriter out = cl.getOut();
            Map<String, ConsumerGroupDescription> described =
                    admin.describeConsumerGroups(groups).all().get();
            for (String group : groups) {
                ConsumerGroupDescription d = described.get(group);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, MemberDescription> owners = new HashMap<>();
                for (MemberDescription m : d.members()) {
                    for (TopicPartition tp : m.assignment().topicPartitions()) {
                        owners.put(tp, m);
                    }
                }
                TreeMap<String, TreeMap<Integer, TopicPartition>> rows = new TreeMap<>();
                for (TopicPartition tp : committed.keySet()) {
                    rows.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), tp);
                }
                for (TopicPartition tp : owners.keySet()) {
                    rows.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), tp);
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                rows.values().forEach(m -> m.values().forEach(tp -> latest.put(tp, OffsetSpec.latest())));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = latest.isEmpty()
                        ? Map.of()
                        : admin.listOffsets(latest).all().get();
                out.printf(
                        Locale.ROOT,
                        "%nConsumer group '%s' (%s, %s protocol, assignor %s)%n",
                        group,
                        d.groupState(),
                        d.type(),
                        d.partitionAssignor().isEmpty() ? "-" : d.partitionAssignor());
                out.printf(
                        Locale.ROOT,
                        "%-20s %-20s %-9s %-15s %-15s %-6s %-40s %-15s %s%n",
                        "GROUP",
                        "TOPIC",
                        "PARTITION",
                        "CURRENT-OFFSET",
                        "LOG-END-OFFSET",
                        "LAG",
                        "CONSUMER-ID",
                        "HOST",
                        "CLIENT-ID");
                for (TreeMap<Integer, TopicPartition> byPartition : rows.values()) {
                    for (TopicPartition tp : byPartition.values()) {
                        OffsetAndMetadata c = committed.get(tp);
                        ListOffsetsResult.ListOffsetsResultInfo end = ends.get(tp);
                        MemberDescription owner = owners.get(tp);
                        String current = c == null ? "-" : String.valueOf(c.offset());
                        String endOffset = end == null ? "-" : String.valueOf(end.offset());
                        String lag =
                                c == null || end == null ? "-" : String.valueOf(Math.max(0, end.offset() - c.offset()));
                        out.printf(
                                Locale.ROOT,
                                "%-20s %-20s %-9d %-15s %-15s %-6s %-40s %-15s %s%n",
                                group,
                                tp.topic(),
                                tp.partition(),
                                current,
                                endOffset,
                                lag,
                                owner == null ? "-" : owner.consumerId(),
                                owner == null ? "-" : owner.host(),
                                owner == null ? "-" : owner.clientId());
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete empty consumer groups.")
    static final class Delete extends TopicsCommand.AdminCommand {
        @Option(names = "--group", required = true, paramLabel = "GROUP", description = "Repeatable.")
        List<String> groups;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            admin.deleteConsumerGroups(groups).all().get();
            cl.getOut()
                    .printf(
                            Locale.ROOT,
                            "Deletion of requested consumer groups (%s) was successful.%n",
                            String.join(
                                    ", ",
                                    groups.stream().map(g -> "'" + g + "'").toList()));
            cl.getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "reset-offsets",
            mixinStandardHelpOptions = true,
            description = "Move an inactive group's committed offsets (a dry run unless --execute).")
    static final class ResetOffsets extends TopicsCommand.AdminCommand {
        @Option(names = "--group", required = true, paramLabel = "GROUP")
        String group;

        @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Every partition of it.")
        String topic;

        @ArgGroup(multiplicity = "1")
        Target target;

        /** Where to move the offsets: exactly one of these. */
        static final class Target {
            @Option(names = "--to-earliest")
            boolean earliest;

            @Option(names = "--to-latest")
            boolean latest;

            @Option(names = "--to-offset", paramLabel = "N")
            Long offset;
        }

        @Option(names = "--execute", description = "Apply; without it only print the plan.")
        boolean execute;

        @Override
        int run(Admin admin, CommandLine cl) throws Exception {
            TopicDescription t =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (TopicPartitionInfo p : t.partitions()) {
                specs.put(
                        new TopicPartition(topic, p.partition()),
                        target.earliest ? OffsetSpec.earliest() : OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> bounds =
                    admin.listOffsets(specs).all().get();
            TreeMap<Integer, Long> plan = new TreeMap<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : bounds.entrySet()) {
                long to = target.offset != null ? target.offset : e.getValue().offset();
                plan.put(e.getKey().partition(), to);
                offsets.put(e.getKey(), new OffsetAndMetadata(to));
            }
            if (execute) {
                admin.alterConsumerGroupOffsets(group, offsets).all().get();
            }
            PrintWriter out = cl.getOut();
            out.printf(Locale.ROOT, "%-20s %-20s %-9s %s%n", "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
            plan.forEach((p, o) -> out.printf(Locale.ROOT, "%-20s %-20s %-9d %d%n", group, topic, p, o));
            out.flush();
            return 0;
        }
    }
}
