package dev.spool.server;

import dev.spool.common.Time;
import dev.spool.coordinator.ConsumerGroupConfig;
import dev.spool.coordinator.GroupCoordinator;
import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.server.handlers.AddOffsetsToTxnHandler;
import dev.spool.server.handlers.AddPartitionsToTxnHandler;
import dev.spool.server.handlers.ApiVersionsHandler;
import dev.spool.server.handlers.ClusterHandlers;
import dev.spool.server.handlers.ConfigHandlers;
import dev.spool.server.handlers.ConsumerGroupDescribeHandler;
import dev.spool.server.handlers.ConsumerGroupHeartbeatHandler;
import dev.spool.server.handlers.CreateTopicsHandler;
import dev.spool.server.handlers.DeleteGroupsHandler;
import dev.spool.server.handlers.DescribeGroupsHandler;
import dev.spool.server.handlers.DescribeProducersHandler;
import dev.spool.server.handlers.EndTxnHandler;
import dev.spool.server.handlers.FetchHandler;
import dev.spool.server.handlers.FindCoordinatorHandler;
import dev.spool.server.handlers.HeartbeatHandler;
import dev.spool.server.handlers.InitProducerIdHandler;
import dev.spool.server.handlers.JoinGroupHandler;
import dev.spool.server.handlers.LeaveGroupHandler;
import dev.spool.server.handlers.ListGroupsHandler;
import dev.spool.server.handlers.ListOffsetsHandler;
import dev.spool.server.handlers.MetadataHandler;
import dev.spool.server.handlers.OffsetCommitHandler;
import dev.spool.server.handlers.OffsetDeleteHandler;
import dev.spool.server.handlers.OffsetFetchHandler;
import dev.spool.server.handlers.ProduceHandler;
import dev.spool.server.handlers.SyncGroupHandler;
import dev.spool.server.handlers.TopicAdminHandlers;
import dev.spool.server.handlers.TransactionAdminHandlers;
import dev.spool.server.handlers.TxnOffsetCommitHandler;
import dev.spool.server.handlers.WriteTxnMarkersHandler;
import dev.spool.server.network.ApiHandler;
import dev.spool.server.network.HandlerRegistry;
import dev.spool.server.network.NettyServer;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node broker, the composition root: metadata quorum, log manager, topic service, the API
 * handlers and the Netty listener. {@link #start} returns once the listener accepts connections;
 * {@link #close} shuts down cleanly (flush, checkpoints, clean-shutdown marker).
 */
public final class SpoolServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolServer.class);

    private final LocalMetadataQuorum quorum;
    private final TopicService topics;
    private final LogManager logManager;
    private final GroupCoordinator groupCoordinator;
    private final TransactionCoordinator transactionCoordinator;
    private final NettyServer network;
    private final ServerConfig.Listener advertised;

    private SpoolServer(
            LocalMetadataQuorum quorum,
            TopicService topics,
            LogManager logManager,
            GroupCoordinator groupCoordinator,
            TransactionCoordinator transactionCoordinator,
            NettyServer network,
            ServerConfig.Listener advertised) {
        this.quorum = quorum;
        this.topics = topics;
        this.logManager = logManager;
        this.groupCoordinator = groupCoordinator;
        this.transactionCoordinator = transactionCoordinator;
        this.network = network;
        this.advertised = advertised;
    }

    public static SpoolServer start(ServerConfig config, Time time) throws IOException, InterruptedException {
        String clusterId = MetaProperties.ensure(config.logDirs(), config.nodeId(), config.clusterId());
        LogManager logManager = LogManager.start(
                new LogManager.Config(
                        config.logDirs(),
                        config.defaultLogConfig(),
                        config.retentionCheckIntervalMs(),
                        1_000L,
                        60_000L,
                        config.cleanerBackoffMs(),
                        config.cleanerState(),
                        config.cleanerConfig()),
                time);
        logManager.scheduleProducerExpiration(
                config.producerIdExpirationMs(), config.producerIdExpirationCheckIntervalMs());
        LocalMetadataQuorum quorum = null;
        TopicService topics = null;
        GroupCoordinator groups = null;
        TransactionCoordinator transactions = null;
        try {
            quorum = LocalMetadataQuorum.open(config.logDirs().get(0), LogEnv.of(time));
            topics = new TopicService(quorum, logManager, config);
            topics.ensureAllLogs();
            ServerConfig.Listener listen = config.listeners().get(0);
            AtomicReference<ServerConfig.Listener> advertised = new AtomicReference<>();
            BrokerContext ctx = new BrokerContext(
                    config, clusterId, topics, logManager, time, new DelayedFetches(), advertised::get);
            ConsumerGroupConfig consumerGroups = config.consumerGroupConfig();
            groups = GroupCoordinator.create(
                    config.groupCoordinatorConfig(),
                    consumerGroups,
                    new OffsetsTopicLog(ctx, config.offsetsTopicSegmentBytes()),
                    new TopicCatalogView(topics),
                    time);
            groups.startup();
            TxnMarkerService txnMarkers = new TxnMarkerService(ctx);
            ProducerIdManager producerIds = new ProducerIdManager(quorum, config.nodeId());
            transactions = TransactionCoordinator.create(
                    config.transactionCoordinatorConfig(),
                    OffsetsTopicLog.transactionState(
                            ctx, config.transactionStateSegmentBytes(), config.transactionStateLoadBufferSize()),
                    producerIds::generate,
                    new LogTxnMarkerWriter(txnMarkers, groups),
                    time);
            transactions.startup();
            AtomicReference<HandlerRegistry> registryRef = new AtomicReference<>();
            List<ApiHandler> handlers = new ArrayList<>(List.of(
                    new ApiVersionsHandler(registryRef::get),
                    new MetadataHandler(ctx),
                    new CreateTopicsHandler(ctx),
                    new ProduceHandler(ctx, transactions),
                    new FetchHandler(ctx),
                    new ListOffsetsHandler(ctx),
                    new TopicAdminHandlers.DeleteTopics(ctx),
                    new TopicAdminHandlers.CreatePartitions(ctx),
                    new ConfigHandlers.Describe(ctx),
                    new ConfigHandlers.Alter(ctx),
                    new ConfigHandlers.IncrementalAlter(ctx),
                    new ClusterHandlers.DescribeCluster(ctx),
                    new ClusterHandlers.DeleteRecords(ctx),
                    new ClusterHandlers.DescribeLogDirs(ctx),
                    new InitProducerIdHandler(producerIds, transactions),
                    new FindCoordinatorHandler(ctx, groups, transactions),
                    new AddPartitionsToTxnHandler(ctx, transactions),
                    new AddOffsetsToTxnHandler(transactions, groups),
                    new EndTxnHandler(transactions),
                    new TxnOffsetCommitHandler(groups),
                    new TransactionAdminHandlers.Describe(transactions),
                    new TransactionAdminHandlers.ListTxns(transactions),
                    new DescribeProducersHandler(ctx),
                    new JoinGroupHandler(groups),
                    new SyncGroupHandler(groups),
                    new HeartbeatHandler(groups),
                    new LeaveGroupHandler(groups),
                    new OffsetCommitHandler(ctx, groups),
                    new OffsetFetchHandler(ctx, groups),
                    new ListGroupsHandler(groups),
                    new DescribeGroupsHandler(groups),
                    new DeleteGroupsHandler(groups),
                    new OffsetDeleteHandler(ctx, groups),
                    new WriteTxnMarkersHandler(txnMarkers, groups)));
            if (consumerGroups.enabled()) {
                handlers.add(new ConsumerGroupHeartbeatHandler(groups));
                handlers.add(new ConsumerGroupDescribeHandler(groups));
            }
            HandlerRegistry registry = new HandlerRegistry(handlers);
            registryRef.set(registry);
            ServerConfig.Listener adv = config.advertisedListeners().get(0);
            // Until bound, a port-0 listener advertises the port it will get; set before accepting.
            NettyServer network = NettyServer.start(
                    new NettyServer.Settings(
                            listen.host(),
                            listen.port(),
                            config.socketRequestMaxBytes(),
                            config.connectionsMaxIdleMs(),
                            Runtime.getRuntime().availableProcessors()),
                    registry,
                    port -> advertised.set(
                            new ServerConfig.Listener(adv.name(), adv.host(), adv.port() == 0 ? port : adv.port())));
            return new SpoolServer(quorum, topics, logManager, groups, transactions, network, advertised.get());
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (transactions != null) {
                transactions.close();
            }
            if (groups != null) {
                groups.close();
            }
            if (topics != null) {
                topics.close();
            }
            if (quorum != null) {
                quorum.close();
            }
            logManager.shutdown();
            throw e;
        }
    }

    /** The port the listener is bound to. */
    public int port() {
        return network.port();
    }

    public ServerConfig.Listener advertised() {
        return advertised;
    }

    /** Clean shutdown: stop accepting, then flush logs, write checkpoints and the clean-shutdown marker. */
    @Override
    public void close() throws IOException {
        network.close();
        transactionCoordinator.close();
        groupCoordinator.close();
        topics.close();
        try {
            quorum.close();
        } finally {
            logManager.shutdown();
        }
        LOG.info("Spool stopped");
    }
}
