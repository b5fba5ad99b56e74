package io.larder.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** memcached's binary protocol. */
final class BinaryProtocol implements Protocol {
    private final ServerContext server;

    BinaryProtocol(ServerContext server, Channel channel) {
        this.server = server;
    }

    @Override
    public Step step(ByteBuf in, Output out) {
        return Step.CLOSE;
    }
}
