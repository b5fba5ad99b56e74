package io.larder.server;

import io.larder.spi.StorageEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A memcached-compatible server in front of one {@link StorageEngine}: memcached's text, meta and
 * binary protocols over TCP (no UDP), on Netty's native epoll transport where it is available and
 * NIO elsewhere. The engine belongs to the caller: {@link #close()} stops serving and leaves the
 * engine open.
 *
 * <pre>{@code
 * try (StorageEngine engine = Larder.open("heap:?capacity=64m");
 *      LarderServer server = LarderServer.start(engine, ServerOptions.defaults().withPort(0))) {
 *     int port = server.port();   // point a memcached client here
 * }
 * }</pre>
 */
public final class LarderServer implements AutoCloseable {
    private final ServerContext context;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final String transport;

    private LarderServer(ServerContext context, EventLoopGroup boss, EventLoopGroup workers, Channel listener,
            String transport) {
        this.context = context;
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.transport = transport;
    }

    /**
     * Binds and starts serving; logs one line at INFO naming the engine, the address and the
     * protocols.
     *
     * @param engine the engine to serve (left open by {@link #close()})
     * @param options where to listen and what to accept
     * @return the running server
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the credentials file is refused (missing, malformed or
     *         readable by others than its owner)
     * @throws IllegalStateException if the address cannot be bound (the message names it)
     */
    public static LarderServer start(StorageEngine engine, ServerOptions options) {
        Objects.requireNonNull(engine, "engine must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Credentials credentials = options.credentials() == null ? null : Credentials.load(options.credentials());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, factory);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(options.workerThreads(), factory);
        ServerContext[] holder = new ServerContext[1];
        AtomicInteger open = new AtomicInteger();
        int maxOut = options.maxPendingOutputBytes();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(maxOut / 2, maxOut))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ServerContext server = holder[0];
                            if (open.incrementAndGet() > options.maxConnections()) {
                                open.decrementAndGet();
                                server.stats.rejectedConnections.increment();
                                ch.writeAndFlush(Unpooled.copiedBuffer("ERROR Too many open connections\r\n",
                                        StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ch.pipeline().addLast(new Connection(server));
                        }
                    });
            InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
            Channel listener;
            try {
                listener = b.bind(address).syncUninterruptibly().channel();
            } catch (Exception e) {
                throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                        + e.getMessage(), e);
            }
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            holder[0] = new ServerContext(engine, options, credentials, port);
            String transport = epoll ? "epoll" : "nio";
            ServerContext.LOG.log(Level.INFO, "larder-server listening on " + options.host() + ":" + port
                    + " (tcp, " + transport + "), engine " + engine.name() + ", protocols text, meta, binary"
                    + (credentials != null ? ", authentication required" : "")
                    + (options.extensions() ? ", larder extensions on" : ""));
            return new LarderServer(holder[0], boss, workers, listener, transport);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** @return the port the server listens on (the one chosen when asked for port 0) */
    public int port() {
        return context.port;
    }

    /** @return the address the server is bound to */
    public String host() {
        return context.options.host();
    }

    /** @return {@code epoll} or {@code nio} */
    public String transport() {
        return transport;
    }

    /**
     * Stops accepting, closes every connection and waits for the event loops to end. The engine is
     * left open. Idempotent.
     */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
