package io.larder.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;

/**
 * One client connection: gathers its bytes, picks the protocol from the first byte (0x80 is binary,
 * anything else text, as memcached does), runs requests in order, and writes replies. It stops
 * reading while the client is slow to take its replies (the channel is not writable), so a slow
 * reader costs bounded memory however much it pipelines.
 */
final class Connection extends ChannelInboundHandlerAdapter implements Protocol.Output {
    private static final int CHUNK = 16 << 10;

    private final ServerContext server;
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private ByteBuf out;
    private Protocol protocol;
    private boolean closing;

    Connection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        in = ctx.alloc().buffer(1024);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        server.stats.currConnections.increment();
        server.stats.totalConnections.increment();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.stats.currConnections.decrement();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (in != null) {
            in.release();
            in = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        try {
            if (closing || in == null) {
                return;
            }
            server.stats.bytesRead.add(data.readableBytes());
            in.writeBytes(data);
        } finally {
            data.release();
        }
        process();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !closing) {
            process();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset or a broken pipe is the client leaving; anything else is logged once in a while
        if (!(cause instanceof IOException)) {
            server.warn("connection failed", cause);
        }
        ctx.close();
    }

    private void process() {
        if (in == null) {
            return;
        }
        if (protocol == null) {
            if (!in.isReadable()) {
                return;
            }
            protocol = in.getByte(in.readerIndex()) == (byte) 0x80 ? new BinaryProtocol(server, ctx.channel())
                    : new TextProtocol(server, ctx.channel());
        }
        boolean paused = false;
        while (!closing) {
            if (!ctx.channel().isWritable()) {
                paused = true;
                break;
            }
            Protocol.Step step;
            try {
                step = protocol.step(in, this);
            } catch (RuntimeException e) {
                server.warn("request failed", e);
                step = Protocol.Step.CLOSE;
            }
            if (out != null && out.readableBytes() >= CHUNK) {
                handOver();
            }
            if (step == Protocol.Step.CLOSE) {
                closing = true;
            } else if (step == Protocol.Step.NEED_MORE) {
                break;
            }
        }
        if (in != null) {
            in.discardSomeReadBytes();
        }
        handOver();
        if (closing) {
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.flush();
        ctx.channel().config().setAutoRead(!paused);
    }

    @Override
    public ByteBuf buf() {
        if (out == null) {
            out = ctx.alloc().buffer(1024);
        }
        return out;
    }

    @Override
    public boolean congested() {
        // Replies gather until a chunk is full: a buffer handed over per reply would cost each small
        // get a trip down the pipeline and an entry in the outbound queue. What waits here is at most
        // a chunk and one value, and it counts towards the channel's writability once handed over.
        if (out != null && out.readableBytes() >= CHUNK) {
            handOver();
        }
        return !ctx.channel().isWritable();
    }

    private void handOver() {
        if (out != null && out.isReadable()) {
            server.stats.bytesWritten.add(out.readableBytes());
            // no promise: a failed write reaches exceptionCaught, which closes the connection
            ctx.write(out, ctx.voidPromise());
            out = null;
        }
    }
}
