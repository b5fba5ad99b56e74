package io.larder.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LarderServer} listens and what it accepts. Immutable; each {@code with} method
 * returns a copy. The defaults are memcached's where memcached has one, except that the server binds
 * to the loopback address unless told otherwise.
 */
public final class ServerOptions {

    /**
     * The most bytes of a request line without its end the server holds (lines other than
     * retrievals); beyond it the connection closes. memcached's limit is 2048 bytes, but it reads
     * 16 KiB at a time and so answers longer complete lines; 8 KiB here answers the same lines
     * whichever way the network splits them.
     */
    public static final int DEFAULT_MAX_LINE_BYTES = 8192;

    private final String host;
    private final int port;
    private final int maxConnections;
    private final int maxItemSize;
    private final int maxRetrievalLineBytes;
    private final int maxPendingOutputBytes;
    private final boolean extensions;
    private final Path credentials;
    private final Duration leaseTime;
    private final int workerThreads;

    private ServerOptions(String host, int port, int maxConnections, int maxItemSize, int maxRetrievalLineBytes,
            int maxPendingOutputBytes, boolean extensions, Path credentials, Duration leaseTime, int workerThreads) {
        this.host = host;
        this.port = port;
        this.maxConnections = maxConnections;
        this.maxItemSize = maxItemSize;
        this.maxRetrievalLineBytes = maxRetrievalLineBytes;
        this.maxPendingOutputBytes = maxPendingOutputBytes;
        this.extensions = extensions;
        this.credentials = credentials;
        this.leaseTime = leaseTime;
        this.workerThreads = workerThreads;
    }

    /**
     * The defaults: 127.0.0.1, port 11211, 1024 connections, items up to 1 MiB (or the engine's
     * limit if lower), retrieval lines up to 64 KiB, 256 KiB of unsent replies per connection before
     * it stops reading, no extensions, no authentication, 30 second leases, as many event-loop
     * threads as processors.
     *
     * @return the defaults
     */
    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", 11211, 1024, 1 << 20, 64 << 10, 256 << 10, false, null,
                Duration.ofSeconds(30), Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * @param host the address to bind ({@code 0.0.0.0} for every interface)
     * @return a copy listening there
     * @throws NullPointerException if {@code host} is null
     */
    public ServerOptions withHost(String host) {
        return new ServerOptions(Objects.requireNonNull(host, "host must not be null"), port, maxConnections,
                maxItemSize, maxRetrievalLineBytes, maxPendingOutputBytes, extensions, credentials, leaseTime,
                workerThreads);
    }

    /**
     * @param port the TCP port, 0 for any free one
     * @return a copy listening there
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    public ServerOptions withPort(int port) {
        check(port >= 0 && port <= 65535, "port must be 0..65535, was " + port);
        return new ServerOptions(host, port, maxConnections, maxItemSize, maxRetrievalLineBytes,
                maxPendingOutputBytes, extensions, credentials, leaseTime, workerThreads);
    }

    /**
     * @param max the most simultaneous connections; further ones are closed at once
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public ServerOptions withMaxConnections(int max) {
        check(max >= 1, "max connections must be at least 1, was " + max);
        return new ServerOptions(host, port, max, maxItemSize, maxRetrievalLineBytes, maxPendingOutputBytes,
                extensions, credentials, leaseTime, workerThreads);
    }

    /**
     * @param max the largest value a client may store (memcached {@code -I}); the engine's own limit
     *        applies too
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code max} is below 1 KiB or above 1 GiB
     */
    public ServerOptions withMaxItemSize(int max) {
        check(max >= 1024 && max <= (1 << 30), "max item size must be 1k..1g, was " + max);
        return new ServerOptions(host, port, maxConnections, max, maxRetrievalLineBytes, maxPendingOutputBytes,
                extensions, credentials, leaseTime, workerThreads);
    }

    /**
     * @param max the most bytes of a {@code get}/{@code gets}/{@code gat}/{@code gats} line (other
     *        lines are held to {@link #DEFAULT_MAX_LINE_BYTES}); a longer line closes the connection
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code max} is below 8 KiB or above 16 MiB
     */
    public ServerOptions withMaxRetrievalLineBytes(int max) {
        check(max >= DEFAULT_MAX_LINE_BYTES && max <= (16 << 20), "max retrieval line must be 8k..16m, was " + max);
        return new ServerOptions(host, port, maxConnections, maxItemSize, max, maxPendingOutputBytes, extensions,
                credentials, leaseTime, workerThreads);
    }

    /**
     * @param max unsent reply bytes per connection above which the server stops reading its requests
     *        until the client catches up
     * @return a copy with that limit
     * @throws IllegalArgumentException if {@code max} is below 4 KiB
     */
    public ServerOptions withMaxPendingOutputBytes(int max) {
        check(max >= 4096, "max pending output must be at least 4k, was " + max);
        return new ServerOptions(host, port, maxConnections, maxItemSize, maxRetrievalLineBytes, max, extensions,
                credentials, leaseTime, workerThreads);
    }

    /**
     * @param on whether the Larder extensions (variant keys, purge and tag commands) are enabled
     * @return a copy with the extensions on or off
     */
    public ServerOptions withExtensions(boolean on) {
        return new ServerOptions(host, port, maxConnections, maxItemSize, maxRetrievalLineBytes,
                maxPendingOutputBytes, on, credentials, leaseTime, workerThreads);
    }

    /**
     * @param file a credentials file ({@code user:password} lines, readable by its owner only), or
     *        null for no authentication
     * @return a copy that requires authentication when {@code file} is not null
     */
    public ServerOptions withCredentials(Path file) {
        return new ServerOptions(host, port, maxConnections, maxItemSize, maxRetrievalLineBytes,
                maxPendingOutputBytes, extensions, file, leaseTime, workerThreads);
    }

    /**
     * @param lease how long a lease handed out by {@code mg} lasts when the client names no time
     * @return a copy with that lease time
     * @throws IllegalArgumentException if {@code lease} is not positive
     */
    public ServerOptions withLeaseTime(Duration lease) {
        check(lease != null && !lease.isNegative() && !lease.isZero(), "lease time must be positive");
        return new ServerOptions(host, port, maxConnections, maxItemSize, maxRetrievalLineBytes,
                maxPendingOutputBytes, extensions, credentials, lease, workerThreads);
    }

    /**
     * @param threads event-loop threads serving connections
     * @return a copy with that many
     * @throws IllegalArgumentException if {@code threads} is outside 1..1024
     */
    public ServerOptions withWorkerThreads(int threads) {
        check(threads >= 1 && threads <= 1024, "threads must be 1..1024, was " + threads);
        return new ServerOptions(host, port, maxConnections, maxItemSize, maxRetrievalLineBytes,
                maxPendingOutputBytes, extensions, credentials, leaseTime, threads);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return the address bound */
    public String host() {
        return host;
    }

    /** @return the port asked for (0: any free one) */
    public int port() {
        return port;
    }

    /** @return the connection limit */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return the item size limit */
    public int maxItemSize() {
        return maxItemSize;
    }

    /** @return the retrieval line limit */
    public int maxRetrievalLineBytes() {
        return maxRetrievalLineBytes;
    }

    /** @return the per-connection unsent reply limit */
    public int maxPendingOutputBytes() {
        return maxPendingOutputBytes;
    }

    /** @return whether the Larder extensions are on */
    public boolean extensions() {
        return extensions;
    }

    /** @return the credentials file, or null */
    public Path credentials() {
        return credentials;
    }

    /** @return the default lease time */
    public Duration leaseTime() {
        return leaseTime;
    }

    /** @return event-loop threads */
    public int workerThreads() {
        return workerThreads;
    }
}
