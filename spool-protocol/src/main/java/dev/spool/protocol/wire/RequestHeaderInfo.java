package dev.spool.protocol.wire;

import org.apache.kafka.common.protocol.ApiKeys;

/** The parts of a request header every handler needs. */
public record RequestHeaderInfo(ApiKeys api, short apiVersion, int correlationId, String clientId) {}
