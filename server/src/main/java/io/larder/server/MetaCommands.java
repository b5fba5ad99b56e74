package io.larder.server;

import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * memcached's meta commands ({@code mg ms md ma mn me}) and the Larder extensions ({@code mp}, a
 * purge of every variant of a primary; {@code mt}, a tag invalidation; the {@code G} flag of
 * {@code ms}, a tag). Leases ({@code N}, {@code R}; {@code W}, {@code X}, {@code Z}) map onto the
 * engine's {@link StorageEngine#lookup}; {@code md ... I} onto {@link StorageEngine#markStale}.
 */
final class MetaCommands {
    private final TextProtocol text;
    private final ServerContext server;
    private final StorageEngine engine;
    private final Tokens t;

    private final MetaFlags f;
    private final MetaExtraCommands extra;
    /** The lease options of an {@code mg} without {@code N}, made once: most reads are plain. */
    private final LeaseOptions plainLease;

    MetaCommands(TextProtocol text) {
        this.text = text;
        this.server = text.server;
        this.engine = text.engine;
        this.t = text.t;
        this.f = new MetaFlags(server, t);
        this.extra = new MetaExtraCommands(text, f);
        this.plainLease = LeaseOptions.of(Duration.ofMillis(server.options.leaseTime().toMillis()))
                .withVivifyOnMiss(false).withAcceptStale(true);
    }

    Protocol.Step command(ByteBuf in, Protocol.Output out) {
        byte c1 = t.line[t.start(0) + 1];
        // memcached checks the key's length before the flags
        if (t.count >= 2 && t.len(1) > KeyCodec.MAX_KEY_BYTES && "gsdae".indexOf(c1) >= 0) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        switch (c1) {
            case 'n':
                return t.count == 1 ? TextProtocol.reply(out, "MN") : text.error(out);
            case 'g':
                return mg(out);
            case 's':
                return ms(out);
            case 'd':
                return md(out);
            case 'a':
                return extra.ma(out);
            case 'e':
                return extra.me(out);
            case 'p':
                return server.options.extensions() ? extra.mp(out) : text.error(out);
            case 't':
                return server.options.extensions() ? extra.mt(out) : text.error(out);
            default:
                return text.error(out);
        }
    }

    // ---- mg --------------------------------------------------------------------------------

    private Protocol.Step mg(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = f.flags(2, "bcfhklOqstuvNRTE", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        if (f.has['E']) {
            return TextProtocol.reply(out, "CLIENT_ERROR E flag not supported: the engine chooses versions (CAS)");
        }
        Key key = f.key(1);
        if (key == null) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int vivify = f.int32('N', 0);
        int recache = f.int32('R', 0);
        int touch = f.int32('T', 0);
        if (!t.ok) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad token in command line format");
        }
        server.stats.cmdGet.increment();
        Entry e;
        boolean won = false;
        boolean taken = false;
        long cas = 0;
        if (server.cacheSemantics) {
            long leaseMillis = f.has['N'] && vivify > 0 ? vivify * 1000L : server.options.leaseTime().toMillis();
            LeaseOptions lease = f.has['N'] ? LeaseOptions.of(Duration.ofMillis(leaseMillis)).withVivifyOnMiss(true)
                    .withAcceptStale(true) : plainLease;
            if (f.has['R'] && recache > 0) {
                // memcached counts whole seconds left: it wins when fewer than R whole seconds remain
                lease = lease.withRecacheBelow(Duration.ofMillis((recache - 1) * 1000L + 1));
            }
            Lookup found = engine.lookup(key, lease);
            switch (found.status()) {
                case MISS:
                    e = null;
                    break;
                case WON:
                    won = true;
                    e = found.entry() != null ? found.entry()
                            : new Entry(new byte[0], found.token(), engine.clock().millis() + leaseMillis, 0, 0);
                    break;
                case TAKEN:
                    taken = true;
                    e = found.entry() != null ? found.entry() : placeholder(key);
                    break;
                default:
                    e = found.entry();
                    // someone else holds a lease on it: memcached says so to every reader
                    taken = e != null && e.leased();
                    break;
            }
            if (e != null) {
                cas = won ? found.token() : e.version();
            }
        } else {
            if (f.has['N'] || f.has['R']) {
                return TextProtocol.reply(out, "CLIENT_ERROR leases need an engine with cache semantics");
            }
            e = engine.get(key);
            cas = e == null ? 0 : e.version();
        }
        f.ttlBefore = Long.MIN_VALUE;
        if (e != null && f.has['T']) {
            f.ttlBefore = won && e.storedAt() == 0 ? -1 : f.ttl(e);
        }
        if (e != null && f.has['T'] && !e.placeholder() && (e.version() != 0)) {
            Entry touched = engine.getAndTouch(key, TextProtocol.expiry(touch));
            if (touched != null) {
                e = new Entry(e.value(), e.version(), touched.expiresAt(), e.flags(), e.storedAt(), e.tags(),
                        e.stale(), false, e.leased(), e.hits(), e.lastAccess());
            }
        }
        ByteBuf buf = out.buf();
        if (e == null) {
            server.stats.getMisses.increment();
            if (!f.has['q']) {
                f.line(buf, "EN", null, 0, false);
            }
            return Protocol.Step.PROGRESS;
        }
        server.stats.getHits.increment();
        if (f.has['v']) {
            buf.writeCharSequence("VA ", StandardCharsets.US_ASCII);
            TextProtocol.writeUnsigned(buf, e.value().length);
        } else {
            buf.writeCharSequence("HD", StandardCharsets.US_ASCII);
        }
        f.returnFlags(buf, e, cas, true);
        if (won) {
            buf.writeCharSequence(e.stale() ? " X W" : " W", StandardCharsets.US_ASCII);
        } else if (taken) {
            buf.writeCharSequence(e.stale() ? " Z X" : " Z", StandardCharsets.US_ASCII);
        } else if (e.stale()) {
            buf.writeCharSequence(" X", StandardCharsets.US_ASCII);
        }
        buf.writeBytes(TextProtocol.CRLF);
        if (f.has['v']) {
            buf.writeBytes(e.value());
            buf.writeBytes(TextProtocol.CRLF);
        }
        return Protocol.Step.PROGRESS;
    }

    /** The lease placeholder under the key (reads never see one; a compute that keeps it does). */
    private Entry placeholder(Key key) {
        Entry p = engine.compute(key, cur -> ComputeAction.keep());
        return p != null ? p : new Entry(new byte[0], 0, 0, 0, 0);
    }

    // ---- ms --------------------------------------------------------------------------------

    private Protocol.Step ms(Protocol.Output out) {
        if (t.count < 3) {
            return t.count < 2 ? text.error(out) : TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int length = t.i32(2);
        if (!t.ok || length < 0 || length > Integer.MAX_VALUE - 2) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        String bad = f.flags(3, "bcCFIkOqTMSEG", false);
        if (bad == null && f.has['E']) {
            bad = "CLIENT_ERROR E flag not supported: the engine chooses versions (CAS)";
        }
        if (bad != null) {
            return text.awaitSwallow(length, bad);
        }
        // decoded once the flags say whether it is f.base64
        Key key = f.key(1);
        if (key == null) {
            return text.awaitSwallow(length, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int flags = (int) f.unsigned('F', 0);
        if (!t.ok) {
            return text.awaitSwallow(length, "CLIENT_ERROR bad command line format");
        }
        int ttl = f.int32('T', 0);
        long compare = f.unsigned('C', 0);
        if (!t.ok) {
            return text.awaitSwallow(length, "CLIENT_ERROR bad token in command line format");
        }
        char mode = 'S';
        if (f.has['M']) {
            mode = f.mode("EAPRSearps");
            if (mode == '?') {
                return text.awaitSwallow(length, "CLIENT_ERROR invalid mode for ms M token");
            }
            mode = Character.toUpperCase(mode);
        }
        WriteOptions options;
        try {
            options = WriteOptions.expiring(TextProtocol.expiry(ttl)).withFlags(flags);
            if (!f.tags.isEmpty()) {
                options = options.withTags(f.tags);
            }
        } catch (IllegalArgumentException e) {
            return text.awaitSwallow(length, "CLIENT_ERROR " + TextProtocol.oneLine(e.getMessage()));
        }
        server.stats.cmdSet.increment();
        if (length > server.maxItemSize) {
            // as memcached: a failed ms leaves no old value behind, whatever its mode
            engine.delete(key);
            return text.awaitSwallow(length, "SERVER_ERROR object too large for cache");
        }
        final Key k = key;
        final char m = mode;
        final WriteOptions o = options;
        final boolean invalidate = f.has['I'];
        return text.awaitData(length, (value, o2) -> finishSet(k, m, o, compare, invalidate, value, o2));
    }

    private Protocol.Step finishSet(Key key, char mode, WriteOptions options, long compare, boolean invalidate,
            ByteBuffer value, Protocol.Output out) {
        Outcome outcome;
        // with a CAS to compare, a missing item is "not found" (the add mode ignores the CAS)
        String notStored = f.has['C'] && (mode == 'S' || mode == 'R') ? "NF" : "NS";
        switch (mode) {
            case 'E':
                outcome = engine.add(key, value, options);
                break;
            case 'R':
                outcome = f.has['C'] ? cas(key, compare, value, options, invalidate) : engine.replace(key, value, options);
                break;
            case 'A':
            case 'P':
                outcome = f.has['C'] ? concatCas(key, compare, value, mode == 'A') : mode == 'A'
                        ? engine.append(key, value) : engine.prepend(key, value);
                break;
            default:
                if (f.has['C']) {
                    outcome = cas(key, compare, value, options, invalidate);
                } else {
                    outcome = Outcome.stored(engine.set(key, value, options));
                }
                break;
        }
        ByteBuf buf = out.buf();
        boolean compared = f.has['C'] && mode != 'E';
        switch (outcome.status()) {
            case STORED:
                if (!f.has['q']) {
                    f.line(buf, "HD", null, outcome.version(), true);
                }
                break;
            case EXISTS:
                f.line(buf, compared ? "EX" : "NS", null, 0, true);
                break;
            default:
                f.line(buf, compared ? notStored : "NS", null, 0, true);
                break;
        }
        return Protocol.Step.PROGRESS;
    }

    private Outcome cas(Key key, long compare, ByteBuffer value, WriteOptions options, boolean invalidate) {
        if (compare <= 0) {
            return engine.read(key, v -> Boolean.TRUE) != null ? Outcome.exists(0) : Outcome.notFound();
        }
        Outcome o = engine.compareAndSet(key, compare, value, options);
        if (invalidate && o.status() == Outcome.Status.EXISTS && o.version() > compare && server.cacheSemantics) {
            // memcached's "I": a write based on an older version is stored, but marked stale
            long version = engine.set(key, value, options);
            Outcome marked = engine.markStale(key, null);
            return marked.isStored() ? marked : Outcome.stored(version);
        }
        return o;
    }

    private Outcome concatCas(Key key, long compare, ByteBuffer part, boolean atEnd) {
        byte[] bytes = new byte[part.remaining()];
        part.duplicate().get(bytes);
        long max = engine.maxValueSize();
        Outcome[] result = {Outcome.notFound()};
        engine.compute(key, current -> {
            if (current == null || current.placeholder()) {
                result[0] = Outcome.notFound();
                return ComputeAction.keep();
            }
            if (current.version() != compare) {
                result[0] = Outcome.exists(current.version());
                return ComputeAction.keep();
            }
            byte[] old = current.value();
            if ((long) old.length + bytes.length > max) {
                throw new io.larder.spi.ValueTooLargeException((long) old.length + bytes.length, max);
            }
            byte[] joined = new byte[old.length + bytes.length];
            System.arraycopy(atEnd ? old : bytes, 0, joined, 0, atEnd ? old.length : bytes.length);
            System.arraycopy(atEnd ? bytes : old, 0, joined, atEnd ? old.length : bytes.length,
                    atEnd ? bytes.length : old.length);
            result[0] = Outcome.stored(0);
            return ComputeAction.store(joined, WriteOptions.expiring(Expiry.ofExpiresAt(current.expiresAt()))
                    .withFlags(current.flags()).withTags(current.tags()));
        });
        if (result[0].isStored()) {
            Entry now = engine.get(key);
            return Outcome.stored(now == null ? 0 : now.version());
        }
        return result[0];
    }

    // ---- md --------------------------------------------------------------------------------

    private Protocol.Step md(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        Key key = f.flagsThenKey("bCIkOqTx", true, out);
        if (key == null) {
            return Protocol.Step.PROGRESS;
        }
        t.ok = true;
        long compare = f.unsigned('C', 0);
        int ttl = f.int32('T', 0);
        if (!t.ok) {
            return TextProtocol.reply(out, "CLIENT_ERROR invalid or duplicate flag");
        }
        Outcome o;
        if (f.has['I']) {
            if (!server.cacheSemantics) {
                return TextProtocol.reply(out, "CLIENT_ERROR stale marks need an engine with cache semantics");
            }
            Expiry grace = f.has['T'] ? TextProtocol.expiry(ttl) : null;
            if (f.has['C']) {
                Outcome[] r = {Outcome.notFound()};
                engine.compute(key, cur -> {
                    if (cur == null || cur.placeholder()) {
                        r[0] = Outcome.notFound();
                        return ComputeAction.keep();
                    }
                    if (cur.version() != compare) {
                        r[0] = Outcome.exists(cur.version());
                        return ComputeAction.keep();
                    }
                    r[0] = Outcome.stored(0);
                    return ComputeAction.markStale(grace);
                });
                o = r[0];
            } else {
                o = engine.markStale(key, grace);
            }
        } else if (f.has['C']) {
            o = compare <= 0 ? (engine.read(key, v -> Boolean.TRUE) != null ? Outcome.exists(0) : Outcome.notFound())
                    : engine.delete(key, compare);
        } else {
            o = engine.delete(key);
        }
        ByteBuf buf = out.buf();
        switch (o.status()) {
            case DELETED:
            case STORED:
                server.stats.deleteHits.increment();
                if (!f.has['q']) {
                    f.line(buf, "HD", null, 0, false);
                }
                break;
            case EXISTS:
                f.line(buf, "EX", null, 0, false);
                break;
            default:
                server.stats.deleteMisses.increment();
                f.line(buf, "NF", null, 0, false);
                break;
        }
        return Protocol.Step.PROGRESS;
    }
}
