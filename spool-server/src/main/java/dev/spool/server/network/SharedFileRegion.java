package dev.spool.server.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A file region over a segment's channel that does not close the channel when released: the segment
 * owns it. Being a {@link DefaultFileRegion}, native transports send it with {@code sendfile}.
 */
final class SharedFileRegion extends DefaultFileRegion {
    SharedFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // The segment owns the channel; nothing to close.
    }
}
