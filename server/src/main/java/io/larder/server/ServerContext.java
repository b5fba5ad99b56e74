package io.larder.server;

import io.larder.spi.Capability;
import io.larder.spi.StorageEngine;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/** What every connection of one server shares: the engine, the options, the counters. */
final class ServerContext {
    static final System.Logger LOG = System.getLogger("io.larder.server");
    static final String VERSION = "1.6.0-larder";
    private static final long WARN_EVERY_MILLIS = 10_000;

    final StorageEngine engine;
    final ServerOptions options;
    final ServerStats stats = new ServerStats();
    final KeyCodec keys;
    final Credentials credentials;
    final int maxItemSize;
    final boolean cacheSemantics;
    final int port;
    private final AtomicLong lastWarning = new AtomicLong();
    private final AtomicLong suppressedWarnings = new AtomicLong();
    volatile int verbosity;

    ServerContext(StorageEngine engine, ServerOptions options, Credentials credentials, int port) {
        this.engine = engine;
        this.options = options;
        this.keys = new KeyCodec(options.extensions());
        this.credentials = credentials;
        this.maxItemSize = (int) Math.min(options.maxItemSize(), engine.maxValueSize());
        this.cacheSemantics = engine.capabilities().contains(Capability.CACHE_SEMANTICS);
        this.port = port;
    }

    /** {@code flush_all}: everything stored so far goes. */
    void flush() {
        try {
            engine.clear();
        } catch (RuntimeException e) {
            warn("flush_all failed", e);
        }
    }

    /** Logs a failure, at most one every ten seconds, counting the ones left out. */
    void warn(String what, Throwable cause) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
            long skipped = suppressedWarnings.getAndSet(0);
            LOG.log(Level.WARNING, what + (skipped > 0 ? " (" + skipped + " similar failures not logged)" : ""), cause);
        } else {
            suppressedWarnings.incrementAndGet();
        }
    }
}
