package dev.spool.server.network;

import io.netty.channel.Channel;
import java.net.SocketAddress;
import org.apache.kafka.common.protocol.ApiKeys;

/** What a handler knows about the request beyond its body: header fields and the connection. */
public record RequestContext(ApiKeys api, short apiVersion, int correlationId, String clientId, Channel channel) {

    public SocketAddress clientAddress() {
        return channel.remoteAddress();
    }
}
