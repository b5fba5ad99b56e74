package io.larder.server;

import io.larder.spi.EngineStats;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The {@code stats} and {@code stats settings} replies, with memcached's names where it has one. */
final class StatsReport {
    private StatsReport() {
    }

    static void general(ServerContext server, ByteBuf out) {
        ServerStats s = server.stats;
        long now = System.currentTimeMillis();
        EngineStats e = server.engine.stats();
        stat(out, "pid", ProcessHandle.current().pid());
        stat(out, "uptime", (now - s.startedAtMillis) / 1000);
        stat(out, "time", now / 1000);
        stat(out, "version", ServerContext.VERSION);
        stat(out, "pointer_size", 64);
        stat(out, "max_connections", server.options.maxConnections());
        stat(out, "curr_connections", s.currConnections.sum());
        stat(out, "total_connections", s.totalConnections.sum());
        stat(out, "rejected_connections", s.rejectedConnections.sum());
        stat(out, "cmd_get", s.cmdGet.sum());
        stat(out, "cmd_set", s.cmdSet.sum());
        stat(out, "cmd_flush", s.cmdFlush.sum());
        stat(out, "cmd_touch", s.cmdTouch.sum());
        stat(out, "get_hits", s.getHits.sum());
        stat(out, "get_misses", s.getMisses.sum());
        stat(out, "get_expired", s.getExpired.sum());
        stat(out, "delete_misses", s.deleteMisses.sum());
        stat(out, "delete_hits", s.deleteHits.sum());
        stat(out, "incr_misses", s.incrMisses.sum());
        stat(out, "incr_hits", s.incrHits.sum());
        stat(out, "decr_misses", s.decrMisses.sum());
        stat(out, "decr_hits", s.decrHits.sum());
        stat(out, "cas_misses", s.casMisses.sum());
        stat(out, "cas_hits", s.casHits.sum());
        stat(out, "cas_badval", s.casBadval.sum());
        stat(out, "touch_hits", s.touchHits.sum());
        stat(out, "touch_misses", s.touchMisses.sum());
        stat(out, "auth_cmds", s.authCmds.sum());
        stat(out, "auth_errors", s.authErrors.sum());
        stat(out, "bytes_read", s.bytesRead.sum());
        stat(out, "bytes_written", s.bytesWritten.sum());
        stat(out, "limit_maxbytes", e.capacity());
        stat(out, "threads", server.options.workerThreads());
        stat(out, "bytes", e.bytesUsed());
        stat(out, "curr_items", e.entries());
        stat(out, "evictions", e.evictions());
        stat(out, "expired", e.expirations());
        stat(out, "larder_engine", server.engine.name());
        stat(out, "larder_invalidations", e.invalidations());
        stat(out, "larder_background_failures", e.backgroundFailures());
        stat(out, "larder_protocol_errors", s.protocolErrors.sum());
        out.writeBytes(TextProtocol.END);
    }

    static void settings(ServerContext server, ByteBuf out) {
        ServerOptions o = server.options;
        stat(out, "maxbytes", server.engine.stats().capacity());
        stat(out, "maxconns", o.maxConnections());
        stat(out, "tcpport", server.port);
        stat(out, "udpport", 0);
        stat(out, "inter", o.host());
        stat(out, "verbosity", server.verbosity);
        stat(out, "evictions", "on");
        stat(out, "num_threads", o.workerThreads());
        stat(out, "cas_enabled", "yes");
        stat(out, "binding_protocol", "auto-negotiate");
        stat(out, "auth_enabled_sasl", server.credentials != null ? "yes" : "no");
        stat(out, "auth_enabled_ascii", server.credentials != null ? "yes" : "no");
        stat(out, "item_size_max", server.maxItemSize);
        stat(out, "larder_engine", server.engine.name());
        stat(out, "larder_extensions", o.extensions() ? "yes" : "no");
        stat(out, "larder_lease_time", o.leaseTime().toMillis() / 1000);
        stat(out, "larder_max_retrieval_line", o.maxRetrievalLineBytes());
        stat(out, "larder_max_pending_output", o.maxPendingOutputBytes());
        out.writeBytes(TextProtocol.END);
    }

    private static void stat(ByteBuf out, String name, Object value) {
        out.writeCharSequence("STAT " + name + " " + value + "\r\n", StandardCharsets.US_ASCII);
    }
}
