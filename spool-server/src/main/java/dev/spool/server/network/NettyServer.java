package dev.spool.server.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener: native epoll when available (NIO otherwise), one event loop per core, and per
 * connection an idle timer, the Kafka frame decoder (size checked against the limit before any
 * allocation) and a {@link KafkaConnectionHandler}.
 */
public final class NettyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);

    /** Size of the length prefix of every Kafka frame. */
    static final int LENGTH_FIELD_BYTES = 4;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    /** Settings of the listener. */
    public record Settings(String host, int port, int maxRequestBytes, long idleMs, int threads) {}

    private NettyServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel) {
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds the listener. {@code onBound} gets the bound port before the first connection is accepted
     * (auto-read of the server channel starts after it returns).
     */
    public static NettyServer start(Settings settings, HandlerRegistry registry, IntConsumer onBound)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, factory);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(settings.threads(), factory);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (settings.idleMs() > 0) {
                                ch.pipeline()
                                        .addLast(new IdleStateHandler(0, 0, settings.idleMs(), TimeUnit.MILLISECONDS));
                            }
                            ch.pipeline()
                                    .addLast(new LengthFieldBasedFrameDecoder(
                                            maxFrameBytes(settings.maxRequestBytes()),
                                            0,
                                            LENGTH_FIELD_BYTES,
                                            0,
                                            LENGTH_FIELD_BYTES,
                                            true))
                                    .addLast(new KafkaConnectionHandler(registry));
                        }
                    });
            Channel ch = b.bind(settings.host(), settings.port()).sync().channel();
            onBound.accept(((InetSocketAddress) ch.localAddress()).getPort());
            ch.config().setAutoRead(true);
            LOG.info("Listening on {} ({})", ch.localAddress(), epoll ? "epoll" : "nio");
            return new NettyServer(boss, workers, ch);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * The decoder's limit counts the whole frame, Kafka's ({@code socket.request.max.bytes}) only the
     * size field's value: a request of exactly the limit is allowed, so a frame may be 4 bytes more.
     */
    static int maxFrameBytes(int maxRequestBytes) {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxRequestBytes + LENGTH_FIELD_BYTES);
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
