package dev.spool.server.network;

import dev.spool.protocol.adapter.ResponseEncoder;
import dev.spool.protocol.wire.MalformedRequestException;
import dev.spool.protocol.wire.RequestDecoder;
import dev.spool.storage.FileSlice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: takes whole request frames (the size prefix already checked and stripped),
 * decodes them, runs their handlers and writes the responses strictly in request order. While a
 * request waits (long-poll fetch) later frames queue and reading stops; reading also stops while the
 * socket is not writable, so a client that does not drain its responses gets no more served.
 *
 * <p>A frame that cannot be decoded, an unknown API key or an unsupported version (other than
 * ApiVersions, which answers with its v0 fallback) closes this connection only.
 *
 * <p>Thread-safety: confined to the channel's event loop.
 */
public final class KafkaConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectionHandler.class);

    /**
     * Responses whose record slices add up to at most this many bytes are copied into one buffer and
     * written with one system call; larger ones go out by {@code sendfile} (zero copy), where the
     * extra calls are small next to the bytes moved.
     */
    public static final int COPY_MAX_FILE_BYTES = 16 * 1024;

    private final HandlerRegistry registry;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private boolean waiting;
    private boolean closed;

    public KafkaConnectionHandler(HandlerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closed) {
            frame.release();
            return;
        }
        queue.add(frame);
        if (!waiting) {
            drain(ctx);
        }
    }

    private void drain(ChannelHandlerContext ctx) {
        // Stop at an unwritable socket too: a client that does not read its responses gets no more served.
        while (!waiting && !closed && ctx.channel().isWritable() && !queue.isEmpty()) {
            ByteBuf frame = queue.poll();
            process(ctx, frame);
        }
        updateAutoRead(ctx);
    }

    private void updateAutoRead(ChannelHandlerContext ctx) {
        boolean read = !waiting && !closed && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void process(ChannelHandlerContext ctx, ByteBuf frame) {
        ByteBuffer buf = frame.nioBuffer();
        boolean released = false;
        try {
            ApiKeys api = RequestDecoder.peekApiKey(buf);
            if (api == null) {
                throw new MalformedRequestException("unknown api key " + buf.getShort(buf.position()));
            }
            short version = RequestDecoder.peekApiVersion(buf);
            int correlationId = RequestDecoder.peekCorrelationId(buf);
            if (!registry.supports(api, version)) {
                if (api == ApiKeys.API_VERSIONS) {
                    writeResponse(ctx, api, (short) 0, correlationId, unsupportedApiVersions());
                    return;
                }
                throw new MalformedRequestException(api + " v" + version + " is not supported");
            }
            RequestHeaderData header = RequestDecoder.decodeHeader(buf, api.requestHeaderVersion(version));
            ApiMessage body = RequestDecoder.decodeBody(buf, api, version);
            RequestContext rc = new RequestContext(api, version, correlationId, header.clientId(), ctx.channel());
            CompletableFuture<ApiMessage> future = registry.get(api).handle(rc, body);
            if (future.isDone()) {
                frame.release();
                released = true;
                complete(ctx, rc, future);
            } else {
                waiting = true;
                frame.release(); // handlers copy what they keep before going asynchronous
                released = true;
                future.whenComplete((r, e) -> ctx.channel().eventLoop().execute(() -> {
                    waiting = false;
                    complete(ctx, rc, future);
                    drain(ctx);
                }));
            }
        } catch (MalformedRequestException e) {
            LOG.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            close(ctx);
        } catch (Exception e) {
            LOG.error(
                    "Request handling failed; closing connection from {}",
                    ctx.channel().remoteAddress(),
                    e);
            close(ctx);
        } finally {
            if (!released) {
                frame.release();
            }
        }
    }

    private void complete(ChannelHandlerContext ctx, RequestContext rc, CompletableFuture<ApiMessage> future) {
        if (closed) {
            return;
        }
        ApiMessage response;
        try {
            response = future.join();
        } catch (RuntimeException e) {
            LOG.error(
                    "{} failed; closing connection from {}",
                    rc.api(),
                    ctx.channel().remoteAddress(),
                    e);
            close(ctx);
            return;
        }
        if (response != null) {
            writeResponse(ctx, rc.api(), rc.apiVersion(), rc.correlationId(), response);
        }
    }

    private void writeResponse(
            ChannelHandlerContext ctx, ApiKeys api, short version, int correlationId, ApiMessage body) {
        ResponseEncoder.Chunks chunks = ResponseEncoder.encode(api, version, correlationId, body);
        if (fileBytes(chunks) <= COPY_MAX_FILE_BYTES) {
            writeCopied(ctx, chunks);
            return;
        }
        for (Object part : chunks.parts()) {
            if (part instanceof ByteBuffer b) {
                ctx.write(Unpooled.wrappedBuffer(b), ctx.voidPromise());
            } else if (part instanceof FileSlice s) {
                ctx.write(new SharedFileRegion(s.channel(), s.position(), s.size()), ctx.voidPromise());
            } else {
                throw new IllegalStateException("unexpected response part " + part);
            }
        }
        ctx.flush();
    }

    private static long fileBytes(ResponseEncoder.Chunks chunks) {
        long bytes = 0;
        for (Object part : chunks.parts()) {
            if (part instanceof FileSlice s) {
                bytes += s.size();
            }
        }
        return bytes;
    }

    /**
     * Writes the whole response as one buffer, small record slices copied in: one {@code write} and
     * one TCP segment, where {@code writev} + {@code sendfile} + {@code write} would wake the client up
     * to three times for one response.
     */
    private void writeCopied(ChannelHandlerContext ctx, ResponseEncoder.Chunks chunks) {
        ByteBuf out = ctx.alloc().directBuffer(chunks.totalBytes());
        try {
            for (Object part : chunks.parts()) {
                if (part instanceof ByteBuffer b) {
                    out.writeBytes(b.duplicate());
                } else if (part instanceof FileSlice s) {
                    copySlice(s, out);
                } else {
                    throw new IllegalStateException("unexpected response part " + part);
                }
            }
        } catch (IOException e) {
            out.release();
            LOG.warn("Could not read records for {}; closing the connection: {}", ctx.channel(), e.toString());
            close(ctx);
            return;
        }
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    private static void copySlice(FileSlice slice, ByteBuf out) throws IOException {
        long position = slice.position();
        int left = slice.size();
        while (left > 0) {
            int n = out.writeBytes(slice.channel(), position, left);
            if (n < 0) {
                throw new EOFException("segment ended " + left + " bytes before the slice did");
            }
            position += n;
            left -= n;
        }
    }

    private ApiVersionsResponseData unsupportedApiVersions() {
        ApiVersionsResponseData data = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        ApiVersionsResponseData.ApiVersion v = new ApiVersionsResponseData.ApiVersion()
                .setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion(registry.get(ApiKeys.API_VERSIONS).minVersion())
                .setMaxVersion(registry.get(ApiKeys.API_VERSIONS).maxVersion());
        data.apiKeys().add(v);
        return data;
    }

    private void close(ChannelHandlerContext ctx) {
        closed = true;
        while (!queue.isEmpty()) {
            queue.poll().release();
        }
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !waiting) {
            drain(ctx); // also turns reading back on
        } else {
            updateAutoRead(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.debug("Closing idle connection from {}", ctx.channel().remoteAddress());
            close(ctx);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        while (!queue.isEmpty()) {
            queue.poll().release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        close(ctx);
    }
}
