package io.larder.server;

import io.larder.spi.ComputeAction;
import io.larder.spi.Counters;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The meta commands beside get, set and delete: {@code ma}, {@code me}, and the Larder extensions {@code mp}, {@code mt}. */
final class MetaExtraCommands {
    private final TextProtocol text;
    private final ServerContext server;
    private final StorageEngine engine;
    private final Tokens t;
    private final MetaFlags f;

    MetaExtraCommands(TextProtocol text, MetaFlags f) {
        this.text = text;
        this.server = text.server;
        this.engine = text.engine;
        this.t = text.t;
        this.f = f;
    }

    // ---- ma --------------------------------------------------------------------------------

    Protocol.Step ma(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        Key key = f.flagsThenKey("bCNJDTMqtcvkO", true, out);
        if (key == null) {
            return Protocol.Step.PROGRESS;
        }
        t.ok = true;
        long compare = f.unsigned('C', 0);
        int vivify = f.int32('N', 0);
        long initial = f.unsigned('J', 0);
        long delta = f.unsigned('D', 1);
        int ttl = f.int32('T', 0);
        if (!t.ok) {
            // memcached 1.6 answers a malformed ma token this way, whichever flag it was
            return TextProtocol.reply(out, "CLIENT_ERROR invalid or duplicate flag");
        }
        boolean up = true;
        if (f.has['M']) {
            char m = f.mode("IiDd+-");
            if (m == '?') {
                return TextProtocol.reply(out, "CLIENT_ERROR invalid mode for ma M token");
            }
            up = m == 'I' || m == 'i' || m == '+';
        }
        final boolean increment = up;
        long[] value = new long[1];
        int[] status = new int[1]; // 0 stored, 1 not found, 2 exists
        boolean[] created = new boolean[1];
        Entry after;
        try {
            after = engine.compute(key, cur -> {
                if (cur == null || cur.placeholder()) {
                    if (!f.has['N']) {
                        status[0] = 1;
                        return ComputeAction.keep();
                    }
                    status[0] = 0;
                    created[0] = true;
                    value[0] = initial;
                    return ComputeAction.store(Counters.format(initial), TextProtocol.expiry(vivify), 0);
                }
                created[0] = false;
                if (f.has['C'] && cur.version() != compare) {
                    status[0] = 2;
                    return ComputeAction.keep();
                }
                long old = Counters.parse(cur.value());
                value[0] = increment ? Counters.increment(old, delta) : Counters.decrement(old, delta);
                status[0] = 0;
                Expiry expiry = f.has['T'] ? TextProtocol.expiry(ttl) : Expiry.ofExpiresAt(cur.expiresAt());
                return ComputeAction.store(Counters.format(value[0]),
                        WriteOptions.expiring(expiry).withFlags(cur.flags()).withTags(cur.tags()));
            });
        } catch (NonNumericValueException e) {
            return TextProtocol.reply(out, "CLIENT_ERROR cannot increment or decrement non-numeric value");
        }
        ByteBuf buf = out.buf();
        if (status[0] == 1) {
            (increment ? server.stats.incrMisses : server.stats.decrMisses).increment();
            f.line(buf, "NF", null, 0, false);
            return Protocol.Step.PROGRESS;
        }
        if (status[0] == 2) {
            f.line(buf, "EX", null, 0, false);
            return Protocol.Step.PROGRESS;
        }
        (increment ? server.stats.incrHits : server.stats.decrHits).increment();
        byte[] number = Counters.format(value[0]);
        // memcached 1.6 keeps a quiet success quiet, except when it made the counter (N on a miss)
        if (f.has['q'] && !created[0]) {
            return Protocol.Step.PROGRESS;
        }
        if (f.has['v']) {
            buf.writeBytes("VA ".getBytes(StandardCharsets.US_ASCII));
            TextProtocol.writeUnsigned(buf, number.length);
            f.returnFlags(buf, after, after.version(), true);
            buf.writeBytes(TextProtocol.CRLF);
            buf.writeBytes(number);
            buf.writeBytes(TextProtocol.CRLF);
        } else {
            f.line(buf, "HD", after, after.version(), true);
        }
        return Protocol.Step.PROGRESS;
    }

    // ---- me --------------------------------------------------------------------------------

    Protocol.Step me(Protocol.Output out) {
        if (t.count < 2) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        Key key = f.flagsThenKey("b", false, out);
        if (key == null) {
            return Protocol.Step.PROGRESS;
        }
        Entry e = engine.get(key);
        if (e == null) {
            return TextProtocol.reply(out, "EN");
        }
        long now = engine.clock().millis();
        ByteBuf buf = out.buf();
        buf.writeBytes("ME ".getBytes(StandardCharsets.US_ASCII)).writeBytes(f.rawKey);
        buf.writeCharSequence(" exp=" + f.ttl(e) + " la=" + (e.lastAccess() == 0 ? 0 : (now - e.lastAccess()) / 1000)
                + " cas=" + e.version() + " fetch=" + (e.hits() > 0 ? "yes" : "no") + " cls=1 size="
                + (e.value().length + f.rawKey.length) + "\r\n", StandardCharsets.US_ASCII);
        return Protocol.Step.PROGRESS;
    }

    // ---- Larder extensions -----------------------------------------------------------------

    /** {@code mp <primary> [I] [q] [b] [O<opaque>]}: removes (or with I marks stale) every variant. */
    Protocol.Step mp(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = f.flags(2, "bIqkO", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        f.base64 = f.has['b'];
        f.rawKey = t.bytes(1);
        byte[] primary = f.rawKey;
        try {
            if (f.base64) {
                primary = Base64.getDecoder().decode(f.rawKey);
            }
            Key.checkPrimary(primary);
        } catch (IllegalArgumentException e) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        if (f.has['I'] && !server.cacheSemantics) {
            return TextProtocol.reply(out, "CLIENT_ERROR stale marks need an engine with cache semantics");
        }
        int n = engine.invalidate(primary, f.has['I'] ? InvalidationMode.MARK_STALE : InvalidationMode.REMOVE);
        if (n > 0 && f.has['q']) {
            return Protocol.Step.PROGRESS;
        }
        f.line(out.buf(), n > 0 ? "HD" : "NF", null, 0, false);
        return Protocol.Step.PROGRESS;
    }

    /** {@code mt <tag> [I] [q] [O<opaque>]}: removes (or with I marks stale) every entry with the tag. */
    Protocol.Step mt(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = f.flags(2, "IqO", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        if (!server.cacheSemantics) {
            return TextProtocol.reply(out, "CLIENT_ERROR tags need an engine with cache semantics");
        }
        String tag = t.string(1);
        f.rawKey = t.bytes(1);
        engine.invalidateTag(tag, f.has['I'] ? InvalidationMode.MARK_STALE : InvalidationMode.REMOVE);
        if (!f.has['q']) {
            f.line(out.buf(), "HD", null, 0, false);
        }
        return Protocol.Step.PROGRESS;
    }
}
