package dev.spool.server.handlers;

import dev.spool.common.config.ConfigDef;
import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.ServerConfig;
import dev.spool.server.TopicService;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.LogConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics; broker configs are read-only. */
public final class ConfigHandlers {
    private ConfigHandlers() {}

    /** Kafka's resource type codes. */
    static final byte TOPIC = 2;

    static final byte BROKER = 4;

    /** Kafka's config source codes. */
    static final byte SOURCE_TOPIC = 1;

    static final byte SOURCE_STATIC_BROKER = 4;
    static final byte SOURCE_DEFAULT = 5;

    /** Kafka's config type codes (DescribeConfigs v3+). */
    static final byte TYPE_UNKNOWN = 0;

    static final byte TYPE_BOOLEAN = 1;
    static final byte TYPE_STRING = 2;
    static final byte TYPE_INT = 3;
    static final byte TYPE_LONG = 5;
    static final byte TYPE_DOUBLE = 6;
    static final byte TYPE_LIST = 7;

    /** IncrementalAlterConfigs operations. */
    static final byte OP_SET = 0;

    static final byte OP_DELETE = 1;
    static final byte OP_APPEND = 2;
    static final byte OP_SUBTRACT = 3;

    static final String NO_DYNAMIC_BROKER_CONFIGS =
            "Spool has no dynamic broker configs; set them in server.properties";

    static String unsupportedResource(byte type) {
        return "Resource type " + type + " is not supported";
    }

    /** DescribeConfigs. */
    public static final class Describe extends SimpleHandler<DescribeConfigsRequestData> {
        private final BrokerContext broker;

        public Describe(BrokerContext broker) {
            super(
                    ApiKeys.DESCRIBE_CONFIGS,
                    ApiKeys.DESCRIBE_CONFIGS.oldestVersion(),
                    ApiKeys.DESCRIBE_CONFIGS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, DescribeConfigsRequestData request) {
            DescribeConfigsResponseData data = new DescribeConfigsResponseData();
            for (DescribeConfigsRequestData.DescribeConfigsResource r : request.resources()) {
                DescribeConfigsResponseData.DescribeConfigsResult result =
                        new DescribeConfigsResponseData.DescribeConfigsResult()
                                .setResourceType(r.resourceType())
                                .setResourceName(r.resourceName());
                if (r.resourceType() == TOPIC) {
                    TopicImage topic = broker.topics().image().topic(r.resourceName());
                    if (topic == null) {
                        result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setErrorMessage("Topic " + r.resourceName() + " does not exist");
                    } else {
                        Map<String, String> all = broker.topics().effectiveTopicConfigs(topic.configs());
                        Map<String, String> defaults = broker.topics().effectiveTopicConfigs(Map.of());
                        for (Map.Entry<String, String> e : all.entrySet()) {
                            addTopicConfig(result, r, request, topic.configs(), defaults, e.getKey(), e.getValue());
                        }
                    }
                } else if (r.resourceType() == BROKER) {
                    if (!r.resourceName().isEmpty() && !r.resourceName().equals(String.valueOf(broker.nodeId()))) {
                        result.setErrorCode(Errors.INVALID_REQUEST.code())
                                .setErrorMessage("Unexpected broker id, expected " + broker.nodeId() + " but received "
                                        + r.resourceName());
                    } else {
                        Map<String, Object> values =
                                new TreeMap<>(broker.config().values());
                        for (Map.Entry<String, Object> e : values.entrySet()) {
                            String value = e.getValue() == null ? null : render(e.getValue());
                            byte source = broker.config().originals().containsKey(e.getKey())
                                    ? SOURCE_STATIC_BROKER
                                    : SOURCE_DEFAULT;
                            add(result, r, request, e.getKey(), value, source, TYPE_UNKNOWN);
                        }
                    }
                } else {
                    result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage(unsupportedResource(r.resourceType()));
                }
                data.results().add(result);
            }
            return data;
        }

        /**
         * One topic config as Kafka describes it: source DYNAMIC_TOPIC_CONFIG for an override,
         * STATIC_BROKER_CONFIG where a broker {@code log.*} key set in the properties gives the default,
         * DEFAULT_CONFIG otherwise; synonyms from the most to the least specific.
         */
        private void addTopicConfig(
                DescribeConfigsResponseData.DescribeConfigsResult result,
                DescribeConfigsRequestData.DescribeConfigsResource r,
                DescribeConfigsRequestData request,
                Map<String, String> overrides,
                Map<String, String> defaults,
                String name,
                String value) {
            if (r.configurationKeys() != null && !r.configurationKeys().contains(name)) {
                return;
            }
            String staticKey = broker.config().staticSynonym(name);
            byte source = overrides.containsKey(name)
                    ? SOURCE_TOPIC
                    : staticKey != null ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT;
            DescribeConfigsResponseData.DescribeConfigsResourceResult c =
                    new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                            .setName(name)
                            .setValue(value)
                            .setConfigSource(source)
                            .setIsSensitive(false)
                            .setReadOnly(false)
                            .setConfigType(topicType(name));
            if (request.includeSynonyms()) {
                if (overrides.containsKey(name)) {
                    c.synonyms().add(synonym(name, overrides.get(name), SOURCE_TOPIC));
                }
                if (staticKey != null) {
                    c.synonyms()
                            .add(synonym(staticKey, broker.config().originals().get(staticKey), SOURCE_STATIC_BROKER));
                }
                List<String> brokerKeys = ServerConfig.TOPIC_SYNONYMS.getOrDefault(name, List.of());
                String defaultName = brokerKeys.isEmpty() ? name : brokerKeys.get(brokerKeys.size() - 1);
                String kafkaDefault = render(LogConfig.DEF.keys().get(name).defaultValue());
                c.synonyms()
                        .add(synonym(
                                defaultName, staticKey == null ? defaults.get(name) : kafkaDefault, SOURCE_DEFAULT));
            }
            result.configs().add(c);
        }

        private static DescribeConfigsResponseData.DescribeConfigsSynonym synonym(
                String name, String value, byte source) {
            return new DescribeConfigsResponseData.DescribeConfigsSynonym()
                    .setName(name)
                    .setValue(value)
                    .setSource(source);
        }

        private static String render(Object v) {
            if (v instanceof List<?> list) {
                return String.join(",", list.stream().map(String::valueOf).toList());
            }
            return String.valueOf(v);
        }

        private static byte topicType(String key) {
            ConfigDef.Key k = LogConfig.DEF.keys().get(key);
            if (k == null) {
                return TYPE_UNKNOWN;
            }
            switch (k.type()) {
                case INT:
                    return TYPE_INT;
                case LONG:
                    return TYPE_LONG;
                case BOOLEAN:
                    return TYPE_BOOLEAN;
                case LIST:
                    return TYPE_LIST;
                case DOUBLE:
                    return TYPE_DOUBLE;
                default:
                    return TYPE_STRING;
            }
        }

        private static void add(
                DescribeConfigsResponseData.DescribeConfigsResult result,
                DescribeConfigsRequestData.DescribeConfigsResource r,
                DescribeConfigsRequestData request,
                String name,
                String value,
                byte source,
                byte type) {
            if (r.configurationKeys() != null && !r.configurationKeys().contains(name)) {
                return;
            }
            DescribeConfigsResponseData.DescribeConfigsResourceResult c =
                    new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                            .setName(name)
                            .setValue(value)
                            .setConfigSource(source)
                            .setIsSensitive(false)
                            .setReadOnly(r.resourceType() == BROKER)
                            .setConfigType(type);
            if (request.includeSynonyms()) {
                c.synonyms()
                        .add(new DescribeConfigsResponseData.DescribeConfigsSynonym()
                                .setName(name)
                                .setValue(value)
                                .setSource(source));
            }
            result.configs().add(c);
        }
    }

    /** AlterConfigs (legacy): replaces a topic's whole set of overrides. */
    public static final class Alter extends SimpleHandler<AlterConfigsRequestData> {
        private final BrokerContext broker;

        public Alter(BrokerContext broker) {
            super(ApiKeys.ALTER_CONFIGS, ApiKeys.ALTER_CONFIGS.oldestVersion(), ApiKeys.ALTER_CONFIGS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, AlterConfigsRequestData request) throws Exception {
            AlterConfigsResponseData data = new AlterConfigsResponseData();
            for (AlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
                AlterConfigsResponseData.AlterConfigsResourceResponse out =
                        new AlterConfigsResponseData.AlterConfigsResourceResponse()
                                .setResourceType(r.resourceType())
                                .setResourceName(r.resourceName());
                if (r.resourceType() != TOPIC) {
                    data.responses()
                            .add(out.setErrorCode(Errors.INVALID_REQUEST.code())
                                    .setErrorMessage(NO_DYNAMIC_BROKER_CONFIGS));
                    continue;
                }
                Map<String, String> changes = new HashMap<>();
                for (AlterConfigsRequestData.AlterableConfig c : r.configs()) {
                    changes.put(c.name(), c.value());
                }
                TopicService.Outcome o =
                        broker.topics().alterTopicConfigs(r.resourceName(), changes, true, request.validateOnly());
                data.responses().add(out.setErrorCode(o.error().code()).setErrorMessage(o.message()));
            }
            return data;
        }
    }

    /** IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT (list keys) on topic overrides. */
    public static final class IncrementalAlter extends SimpleHandler<IncrementalAlterConfigsRequestData> {
        private final BrokerContext broker;

        public IncrementalAlter(BrokerContext broker) {
            super(
                    ApiKeys.INCREMENTAL_ALTER_CONFIGS,
                    ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion(),
                    ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, IncrementalAlterConfigsRequestData request) throws Exception {
            IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
            for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
                IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse out =
                        new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                                .setResourceType(r.resourceType())
                                .setResourceName(r.resourceName());
                if (r.resourceType() != TOPIC) {
                    data.responses()
                            .add(out.setErrorCode(Errors.INVALID_REQUEST.code())
                                    .setErrorMessage(NO_DYNAMIC_BROKER_CONFIGS));
                    continue;
                }
                TopicImage topic = broker.topics().image().topic(r.resourceName());
                if (topic == null) {
                    data.responses()
                            .add(out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                    .setErrorMessage("Topic " + r.resourceName() + " does not exist"));
                    continue;
                }
                Map<String, String> current = broker.topics().effectiveTopicConfigs(topic.configs());
                Map<String, String> changes = new HashMap<>();
                String error = null;
                for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
                    switch (c.configOperation()) {
                        case OP_SET:
                            changes.put(c.name(), c.value());
                            break;
                        case OP_DELETE:
                            changes.put(c.name(), null);
                            break;
                        case OP_APPEND:
                        case OP_SUBTRACT:
                            changes.put(
                                    c.name(),
                                    listOp(current.get(c.name()), c.value(), c.configOperation() == OP_APPEND));
                            break;
                        default:
                            error = "Unknown config operation " + c.configOperation();
                    }
                }
                if (error != null) {
                    data.responses()
                            .add(out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(error));
                    continue;
                }
                TopicService.Outcome o =
                        broker.topics().alterTopicConfigs(r.resourceName(), changes, false, request.validateOnly());
                data.responses().add(out.setErrorCode(o.error().code()).setErrorMessage(o.message()));
            }
            return data;
        }

        private static String listOp(String current, String value, boolean append) {
            Set<String> items = new LinkedHashSet<>();
            if (current != null && !current.isEmpty()) {
                items.addAll(Arrays.asList(current.split(",")));
            }
            List<String> given = value == null ? List.of() : Arrays.asList(value.split(","));
            if (append) {
                items.addAll(given);
            } else {
                items.removeAll(given);
            }
            return String.join(",", new ArrayList<>(items));
        }
    }
}
