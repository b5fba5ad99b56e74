package io.larder.server;

import io.larder.spi.CounterResult;
import io.larder.spi.Key;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.netty.channel.Channel;

/** The text commands beside retrieval and storage: delete, incr/decr, touch, flush_all, verbosity, stats. */
final class TextOtherCommands {
    private final TextProtocol text;
    private final ServerContext server;
    private final StorageEngine engine;
    private final Tokens t;
    private final Channel channel;

    TextOtherCommands(TextProtocol text, Channel channel) {
        this.text = text;
        this.server = text.server;
        this.engine = text.engine;
        this.t = text.t;
        this.channel = channel;
    }

    // ---- other commands --------------------------------------------------------------------

    Protocol.Step delete(Protocol.Output out) {
        if (t.count < 2 || t.count > 4) {
            return text.error(out);
        }
        if (t.count > 2) {
            boolean holdIsZero = t.is(2, "0");
            text.noreply = t.is(t.count - 1, "noreply");
            boolean valid = (t.count == 3 && (holdIsZero || text.noreply)) || (t.count == 4 && holdIsZero && text.noreply);
            if (!valid) {
                return TextProtocol.reply(out, "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
            }
        } else {
            text.noreply = false;
        }
        Key key = text.keyOrNull(1);
        if (key == null) {
            return text.replyUnlessNoreply(out, "CLIENT_ERROR bad command line format");
        }
        boolean deleted = engine.delete(key).status() == Outcome.Status.DELETED;
        TextProtocol.count(deleted ? server.stats.deleteHits : server.stats.deleteMisses);
        return text.replyUnlessNoreply(out, deleted ? "DELETED" : "NOT_FOUND");
    }

    Protocol.Step counter(Protocol.Output out, boolean up) {
        if (t.count != 3 && t.count != 4) {
            return text.error(out);
        }
        text.noreply = t.is(t.count - 1, "noreply");
        Key key = text.keyOrNull(1);
        if (key == null) {
            return text.replyUnlessNoreply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        long delta = t.u64(2);
        if (!t.ok) {
            return text.replyUnlessNoreply(out, "CLIENT_ERROR invalid numeric delta argument");
        }
        CounterResult r;
        try {
            r = up ? engine.increment(key, delta) : engine.decrement(key, delta);
        } catch (NonNumericValueException e) {
            return text.replyUnlessNoreply(out, "CLIENT_ERROR cannot increment or decrement non-numeric value");
        }
        if (!r.found()) {
            TextProtocol.count(up ? server.stats.incrMisses : server.stats.decrMisses);
            return text.replyUnlessNoreply(out, "NOT_FOUND");
        }
        TextProtocol.count(up ? server.stats.incrHits : server.stats.decrHits);
        return text.replyUnlessNoreply(out, Long.toUnsignedString(r.value()));
    }

    Protocol.Step touch(Protocol.Output out) {
        if (t.count != 3 && t.count != 4) {
            return text.error(out);
        }
        text.noreply = t.is(t.count - 1, "noreply");
        Key key = text.keyOrNull(1);
        if (key == null) {
            return text.replyUnlessNoreply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int exptime = t.i32(2);
        if (!t.ok) {
            return text.replyUnlessNoreply(out, "CLIENT_ERROR invalid exptime argument");
        }
        server.stats.cmdTouch.increment();
        boolean touched = engine.touch(key, TextProtocol.expiry(exptime)).status() == Outcome.Status.TOUCHED;
        TextProtocol.count(touched ? server.stats.touchHits : server.stats.touchMisses);
        return text.replyUnlessNoreply(out, touched ? "TOUCHED" : "NOT_FOUND");
    }

    Protocol.Step flushAll(Protocol.Output out) {
        if (t.count > 3) {
            return text.error(out);
        }
        text.noreply = t.is(t.count - 1, "noreply");
        int delay = 0;
        if (t.count == 3 || (t.count == 2 && !text.noreply)) {
            t.ok = true;
            delay = t.i32(1);
            if (!t.ok) {
                return text.replyUnlessNoreply(out, "CLIENT_ERROR invalid exptime argument");
            }
        }
        server.stats.cmdFlush.increment();
        if (delay > 0) {
            long millis = delay > TextProtocol.THIRTY_DAYS ? delay * 1000L - System.currentTimeMillis() : delay * 1000L;
            channel.eventLoop().parent().schedule(server::flush, Math.max(0, millis),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            server.flush();
        }
        return text.replyUnlessNoreply(out, "OK");
    }

    Protocol.Step verbosity(Protocol.Output out) {
        if (t.count != 2 && t.count != 3) {
            return text.error(out);
        }
        text.noreply = t.is(t.count - 1, "noreply");
        t.ok = true;
        int level = t.i32(1);
        if (t.ok) {
            server.verbosity = level;
        }
        return text.replyUnlessNoreply(out, "OK");
    }

    Protocol.Step stats(Protocol.Output out) {
        if (t.count == 1) {
            StatsReport.general(server, out.buf());
            return Protocol.Step.PROGRESS;
        }
        if (t.is(1, "settings") && t.count == 2) {
            StatsReport.settings(server, out.buf());
            return Protocol.Step.PROGRESS;
        }
        if (t.is(1, "reset") && t.count == 2) {
            return TextProtocol.reply(out, "RESET");
        }
        return text.error(out);
    }
}
