package io.larder.server;

import io.larder.spi.ComputeAction;
import io.larder.spi.Counters;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * memcached's meta commands ({@code mg ms md ma mn me}) and the Larder extensions ({@code mp}, a
 * purge of every variant of a primary; {@code mt}, a tag invalidation; the {@code G} flag of
 * {@code ms}, a tag). Leases ({@code N}, {@code R}; {@code W}, {@code X}, {@code Z}) map onto the
 * engine's {@link StorageEngine#lookup}; {@code md ... I} onto {@link StorageEngine#markStale}.
 */
final class MetaCommands {
    private static final int MAX_OPAQUE = 32;

    private final TextProtocol text;
    private final ServerContext server;
    private final StorageEngine engine;
    private final Tokens t;

    // the flags of the request being handled
    private final boolean[] has = new boolean[128];
    private final int[] at = new int[128];
    private final StringBuilder order = new StringBuilder();
    private final List<String> tags = new ArrayList<>();
    private byte[] rawKey;
    private boolean base64;
    /** What "t" reports when set: memcached 1.6 reports the time to live from before a "T" update. */
    private long ttlBefore = Long.MIN_VALUE;

    MetaCommands(TextProtocol text) {
        this.text = text;
        this.server = text.server;
        this.engine = text.engine;
        this.t = text.t;
    }

    Protocol.Step command(ByteBuf in, Protocol.Output out) {
        byte c1 = t.line[t.start(0) + 1];
        // memcached checks the key's length before the flags
        if (t.count >= 2 && t.len(1) > KeyCodec.MAX_KEY_BYTES && c1 != 'n' && c1 != 'p' && c1 != 't'
                && (c1 == 'g' || c1 == 's' || c1 == 'd' || c1 == 'a' || c1 == 'e')) {
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
                return ma(out);
            case 'e':
                return me(out);
            case 'p':
                return server.options.extensions() ? mp(out) : text.error(out);
            case 't':
                return server.options.extensions() ? mt(out) : text.error(out);
            default:
                return text.error(out);
        }
    }

    // ---- flags -----------------------------------------------------------------------------

    /** Parses flags from token {@code first}; returns an error line, or null when they are fine. */
    private String flags(int first, String allowed, boolean ma) {
        java.util.Arrays.fill(has, false);
        ttlBefore = Long.MIN_VALUE;
        order.setLength(0);
        tags.clear();
        for (int i = first; i < t.count; i++) {
            int c = t.line[t.start(i)] & 0xFF;
            if (c == 'P' || c == 'L') {
                continue;
            }
            boolean tag = c == 'G' && server.options.extensions() && allowed.indexOf('G') >= 0;
            if (c >= 128 || allowed.indexOf(c) < 0) {
                return ma ? "CLIENT_ERROR invalid or duplicate flag" : "CLIENT_ERROR invalid flag";
            }
            if (tag) {
                if (t.len(i) < 2) {
                    return "CLIENT_ERROR bad token in command line format";
                }
                tags.add(new String(t.line, t.start(i) + 1, t.len(i) - 1, StandardCharsets.UTF_8));
                continue;
            }
            if (has[c]) {
                return ma ? "CLIENT_ERROR invalid or duplicate flag" : "CLIENT_ERROR duplicate flag";
            }
            has[c] = true;
            at[c] = i;
            order.append((char) c);
            if (c == 'O' && t.len(i) - 1 > MAX_OPAQUE) {
                return "CLIENT_ERROR opaque token too long";
            }
        }
        return null;
    }

    private boolean numeric(char flag) {
        return has[flag] && t.len(at[flag]) > 1;
    }

    /** A flag's numeric token (signed, 32-bit like memcached's), or the fallback when absent; sets t.ok. */
    private int int32(char flag, int fallback) {
        if (!has[flag]) {
            return fallback;
        }
        int i = at[flag];
        if (t.len(i) < 2) {
            t.ok = false;
            return 0;
        }
        return (int) signed(t.line, t.start(i) + 1, t.len(i) - 1);
    }

    private long signed(byte[] b, int off, int len) {
        boolean negative = len > 0 && b[off] == '-';
        long v = t.u64(b, negative ? off + 1 : off, negative ? len - 1 : len);
        return negative ? -v : v;
    }

    private long unsigned(char flag, long fallback) {
        if (!has[flag]) {
            return fallback;
        }
        int i = at[flag];
        if (t.len(i) < 2) {
            t.ok = false;
            return 0;
        }
        return t.u64(t.line, t.start(i) + 1, t.len(i) - 1);
    }

    /** Decodes the key token (base64 with the b flag); null if it is not a valid key. */
    private Key key(int i) {
        base64 = has['b'];
        if (t.len(i) > KeyCodec.MAX_KEY_BYTES) {
            return null;
        }
        rawKey = t.bytes(i);
        byte[] k = rawKey;
        if (base64) {
            try {
                k = Base64.getDecoder().decode(rawKey);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        try {
            return server.keys.key(k);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Appends the return flags that echo the request (k, O, b) and those given in {@code values}. */
    private void returnFlags(ByteBuf buf, Entry e, long cas, boolean success) {
        for (int n = 0; n < order.length(); n++) {
            char c = order.charAt(n);
            switch (c) {
                case 'k':
                    buf.writeByte(' ').writeByte('k').writeBytes(rawKey);
                    if (base64) {
                        buf.writeBytes(" b".getBytes(StandardCharsets.US_ASCII));
                    }
                    break;
                case 'O':
                    buf.writeByte(' ').writeBytes(t.line, t.start(at['O']), t.len(at['O']));
                    break;
                case 'c':
                    if (success) {
                        buf.writeByte(' ').writeByte('c');
                        TextProtocol.writeUnsigned(buf, cas);
                    }
                    break;
                case 'f':
                    if (e != null) {
                        buf.writeByte(' ').writeByte('f');
                        TextProtocol.writeUnsigned(buf, e.flags() & 0xFFFF_FFFFL);
                    }
                    break;
                case 's':
                    if (e != null) {
                        buf.writeByte(' ').writeByte('s');
                        TextProtocol.writeUnsigned(buf, e.value().length);
                    }
                    break;
                case 't':
                    if (e != null || success) {
                        buf.writeByte(' ').writeByte('t');
                        long left = ttlBefore != Long.MIN_VALUE ? ttlBefore : ttl(e);
                        buf.writeCharSequence(Long.toString(left), StandardCharsets.US_ASCII);
                    }
                    break;
                case 'h':
                    if (e != null) {
                        // a lease placeholder was fetched once, by the mg that made it (as memcached counts it)
                        buf.writeBytes(e.hits() > 0 || e.placeholder() ? " h1".getBytes(StandardCharsets.US_ASCII)
                                : " h0".getBytes(StandardCharsets.US_ASCII));
                    }
                    break;
                case 'l':
                    if (e != null) {
                        long since = e.lastAccess() == 0 ? 0
                                : Math.max(0, (engine.clock().millis() - e.lastAccess()) / 1000);
                        buf.writeByte(' ').writeByte('l');
                        TextProtocol.writeUnsigned(buf, since);
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private long ttl(Entry e) {
        if (e == null || e.expiresAt() == 0) {
            return -1;
        }
        long left = e.expiresAt() - engine.clock().millis();
        return Math.max(0, (left + 999) / 1000);
    }

    private void line(ByteBuf buf, String code, Entry e, long cas, boolean success) {
        buf.writeCharSequence(code, StandardCharsets.US_ASCII);
        returnFlags(buf, e, cas, success);
        buf.writeBytes(TextProtocol.CRLF);
    }

    // ---- mg --------------------------------------------------------------------------------

    private Protocol.Step mg(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = flags(2, "bcfhklOqstuvNRTE", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        if (has['E']) {
            return TextProtocol.reply(out, "CLIENT_ERROR E flag not supported: the engine chooses versions (CAS)");
        }
        Key key = key(1);
        if (key == null) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int vivify = int32('N', 0);
        int recache = int32('R', 0);
        int touch = int32('T', 0);
        if (!t.ok) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad token in command line format");
        }
        server.stats.cmdGet.increment();
        Entry e;
        boolean won = false;
        boolean taken = false;
        long cas = 0;
        if (server.cacheSemantics) {
            long leaseMillis = has['N'] && vivify > 0 ? vivify * 1000L : server.options.leaseTime().toMillis();
            LeaseOptions lease = LeaseOptions.of(Duration.ofMillis(leaseMillis)).withVivifyOnMiss(has['N'])
                    .withAcceptStale(true);
            if (has['R'] && recache > 0) {
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
            if (has['N'] || has['R']) {
                return TextProtocol.reply(out, "CLIENT_ERROR leases need an engine with cache semantics");
            }
            e = engine.get(key);
            cas = e == null ? 0 : e.version();
        }
        ttlBefore = Long.MIN_VALUE;
        if (e != null && has['T']) {
            ttlBefore = won && e.storedAt() == 0 ? -1 : ttl(e);
        }
        if (e != null && has['T'] && !e.placeholder() && (e.version() != 0)) {
            Entry touched = engine.getAndTouch(key, TextProtocol.expiry(touch));
            if (touched != null) {
                e = new Entry(e.value(), e.version(), touched.expiresAt(), e.flags(), e.storedAt(), e.tags(),
                        e.stale(), false, e.leased(), e.hits(), e.lastAccess());
            }
        }
        ByteBuf buf = out.buf();
        if (e == null) {
            server.stats.getMisses.increment();
            if (!has['q']) {
                line(buf, "EN", null, 0, false);
            }
            return Protocol.Step.PROGRESS;
        }
        server.stats.getHits.increment();
        if (has['v']) {
            buf.writeBytes("VA ".getBytes(StandardCharsets.US_ASCII));
            TextProtocol.writeUnsigned(buf, e.value().length);
        } else {
            buf.writeBytes("HD".getBytes(StandardCharsets.US_ASCII));
        }
        returnFlags(buf, e, cas, true);
        if (won) {
            buf.writeBytes(e.stale() ? " X W".getBytes(StandardCharsets.US_ASCII)
                    : " W".getBytes(StandardCharsets.US_ASCII));
        } else if (taken) {
            buf.writeBytes(e.stale() ? " Z X".getBytes(StandardCharsets.US_ASCII)
                    : " Z".getBytes(StandardCharsets.US_ASCII));
        } else if (e.stale()) {
            buf.writeBytes(" X".getBytes(StandardCharsets.US_ASCII));
        }
        buf.writeBytes(TextProtocol.CRLF);
        if (has['v']) {
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
        String bad = flags(3, "bcCFIkOqTMSEG", false);
        if (bad == null && has['E']) {
            bad = "CLIENT_ERROR E flag not supported: the engine chooses versions (CAS)";
        }
        if (bad != null) {
            return text.awaitSwallow(length, bad);
        }
        // decoded once the flags say whether it is base64
        Key key = key(1);
        if (key == null) {
            return text.awaitSwallow(length, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int flags = (int) unsigned('F', 0);
        if (!t.ok) {
            return text.awaitSwallow(length, "CLIENT_ERROR bad command line format");
        }
        int ttl = int32('T', 0);
        long compare = unsigned('C', 0);
        if (!t.ok) {
            return text.awaitSwallow(length, "CLIENT_ERROR bad token in command line format");
        }
        char mode = 'S';
        if (has['M']) {
            mode = t.len(at['M']) == 2 ? (char) t.line[t.start(at['M']) + 1] : '?';
            if ("EAPRSearps".indexOf(mode) < 0) {
                return text.awaitSwallow(length, "CLIENT_ERROR invalid mode for ms M token");
            }
            mode = Character.toUpperCase(mode);
        }
        WriteOptions options;
        try {
            options = WriteOptions.expiring(TextProtocol.expiry(ttl)).withFlags(flags);
            if (!tags.isEmpty()) {
                options = options.withTags(tags);
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
        final boolean invalidate = has['I'];
        return text.awaitData(length, (value, o2) -> finishSet(k, m, o, compare, invalidate, value, o2));
    }

    private Protocol.Step finishSet(Key key, char mode, WriteOptions options, long compare, boolean invalidate,
            ByteBuffer value, Protocol.Output out) {
        Outcome outcome;
        // with a CAS to compare, a missing item is "not found" (the add mode ignores the CAS)
        String notStored = has['C'] && (mode == 'S' || mode == 'R') ? "NF" : "NS";
        switch (mode) {
            case 'E':
                outcome = engine.add(key, value, options);
                break;
            case 'R':
                outcome = has['C'] ? cas(key, compare, value, options, invalidate) : engine.replace(key, value, options);
                break;
            case 'A':
            case 'P':
                outcome = has['C'] ? concatCas(key, compare, value, mode == 'A') : mode == 'A'
                        ? engine.append(key, value) : engine.prepend(key, value);
                break;
            default:
                if (has['C']) {
                    outcome = cas(key, compare, value, options, invalidate);
                } else {
                    outcome = Outcome.stored(engine.set(key, value, options));
                }
                break;
        }
        ByteBuf buf = out.buf();
        boolean compared = has['C'] && mode != 'E';
        switch (outcome.status()) {
            case STORED:
                if (!has['q']) {
                    line(buf, "HD", null, outcome.version(), true);
                }
                break;
            case EXISTS:
                line(buf, compared ? "EX" : "NS", null, 0, true);
                break;
            default:
                line(buf, compared ? notStored : "NS", null, 0, true);
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
        String bad = flags(2, "bCIkOqTx", true);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        Key key = key(1);
        if (key == null) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        long compare = unsigned('C', 0);
        int ttl = int32('T', 0);
        if (!t.ok) {
            return TextProtocol.reply(out, "CLIENT_ERROR invalid or duplicate flag");
        }
        Outcome o;
        if (has['I']) {
            if (!server.cacheSemantics) {
                return TextProtocol.reply(out, "CLIENT_ERROR stale marks need an engine with cache semantics");
            }
            Expiry grace = has['T'] ? TextProtocol.expiry(ttl) : null;
            if (has['C']) {
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
        } else if (has['C']) {
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
                if (!has['q']) {
                    line(buf, "HD", null, 0, false);
                }
                break;
            case EXISTS:
                line(buf, "EX", null, 0, false);
                break;
            default:
                server.stats.deleteMisses.increment();
                line(buf, "NF", null, 0, false);
                break;
        }
        return Protocol.Step.PROGRESS;
    }

    // ---- ma --------------------------------------------------------------------------------

    private Protocol.Step ma(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = flags(2, "bCNJDTMqtcvkO", true);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        Key key = key(1);
        if (key == null) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        long compare = unsigned('C', 0);
        int vivify = int32('N', 0);
        long initial = unsigned('J', 0);
        long delta = unsigned('D', 1);
        int ttl = int32('T', 0);
        if (!t.ok) {
            // memcached 1.6 answers a malformed ma token this way, whichever flag it was
            return TextProtocol.reply(out, "CLIENT_ERROR invalid or duplicate flag");
        }
        boolean up = true;
        if (has['M']) {
            char m = t.len(at['M']) == 2 ? (char) t.line[t.start(at['M']) + 1] : '?';
            if ("IiDd+-".indexOf(m) < 0) {
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
                    if (!has['N']) {
                        status[0] = 1;
                        return ComputeAction.keep();
                    }
                    status[0] = 0;
                    created[0] = true;
                    value[0] = initial;
                    return ComputeAction.store(Counters.format(initial), TextProtocol.expiry(vivify), 0);
                }
                created[0] = false;
                if (has['C'] && cur.version() != compare) {
                    status[0] = 2;
                    return ComputeAction.keep();
                }
                long old = Counters.parse(cur.value());
                value[0] = increment ? Counters.increment(old, delta) : Counters.decrement(old, delta);
                status[0] = 0;
                Expiry expiry = has['T'] ? TextProtocol.expiry(ttl) : Expiry.ofExpiresAt(cur.expiresAt());
                return ComputeAction.store(Counters.format(value[0]),
                        WriteOptions.expiring(expiry).withFlags(cur.flags()).withTags(cur.tags()));
            });
        } catch (NonNumericValueException e) {
            return TextProtocol.reply(out, "CLIENT_ERROR cannot increment or decrement non-numeric value");
        }
        ByteBuf buf = out.buf();
        if (status[0] == 1) {
            (increment ? server.stats.incrMisses : server.stats.decrMisses).increment();
            line(buf, "NF", null, 0, false);
            return Protocol.Step.PROGRESS;
        }
        if (status[0] == 2) {
            line(buf, "EX", null, 0, false);
            return Protocol.Step.PROGRESS;
        }
        (increment ? server.stats.incrHits : server.stats.decrHits).increment();
        byte[] number = Counters.format(value[0]);
        // memcached 1.6 keeps a quiet success quiet, except when it made the counter (N on a miss)
        if (has['q'] && !created[0]) {
            return Protocol.Step.PROGRESS;
        }
        if (has['v']) {
            buf.writeBytes("VA ".getBytes(StandardCharsets.US_ASCII));
            TextProtocol.writeUnsigned(buf, number.length);
            returnFlags(buf, after, after.version(), true);
            buf.writeBytes(TextProtocol.CRLF);
            buf.writeBytes(number);
            buf.writeBytes(TextProtocol.CRLF);
        } else {
            line(buf, "HD", after, after.version(), true);
        }
        return Protocol.Step.PROGRESS;
    }

    // ---- me --------------------------------------------------------------------------------

    private Protocol.Step me(Protocol.Output out) {
        if (t.count < 2) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        String bad = flags(2, "b", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        Key key = key(1);
        if (key == null) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        Entry e = engine.get(key);
        if (e == null) {
            return TextProtocol.reply(out, "EN");
        }
        long now = engine.clock().millis();
        ByteBuf buf = out.buf();
        buf.writeBytes("ME ".getBytes(StandardCharsets.US_ASCII)).writeBytes(rawKey);
        buf.writeCharSequence(" exp=" + ttl(e) + " la=" + (e.lastAccess() == 0 ? 0 : (now - e.lastAccess()) / 1000)
                + " cas=" + e.version() + " fetch=" + (e.hits() > 0 ? "yes" : "no") + " cls=1 size="
                + (e.value().length + rawKey.length) + "\r\n", StandardCharsets.US_ASCII);
        return Protocol.Step.PROGRESS;
    }

    // ---- Larder extensions -----------------------------------------------------------------

    /** {@code mp <primary> [I] [q] [b] [O<opaque>]}: removes (or with I marks stale) every variant. */
    private Protocol.Step mp(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = flags(2, "bIqkO", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        base64 = has['b'];
        rawKey = t.bytes(1);
        byte[] primary = rawKey;
        try {
            if (base64) {
                primary = Base64.getDecoder().decode(rawKey);
            }
            Key.checkPrimary(primary);
        } catch (IllegalArgumentException e) {
            return TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        if (has['I'] && !server.cacheSemantics) {
            return TextProtocol.reply(out, "CLIENT_ERROR stale marks need an engine with cache semantics");
        }
        int n = engine.invalidate(primary, has['I'] ? InvalidationMode.MARK_STALE : InvalidationMode.REMOVE);
        if (n > 0 && has['q']) {
            return Protocol.Step.PROGRESS;
        }
        line(out.buf(), n > 0 ? "HD" : "NF", null, 0, false);
        return Protocol.Step.PROGRESS;
    }

    /** {@code mt <tag> [I] [q] [O<opaque>]}: removes (or with I marks stale) every entry with the tag. */
    private Protocol.Step mt(Protocol.Output out) {
        if (t.count < 2) {
            return text.error(out);
        }
        String bad = flags(2, "IqO", false);
        if (bad != null) {
            return TextProtocol.reply(out, bad);
        }
        if (!server.cacheSemantics) {
            return TextProtocol.reply(out, "CLIENT_ERROR tags need an engine with cache semantics");
        }
        String tag = t.string(1);
        rawKey = t.bytes(1);
        engine.invalidateTag(tag, has['I'] ? InvalidationMode.MARK_STALE : InvalidationMode.REMOVE);
        if (!has['q']) {
            line(out.buf(), "HD", null, 0, false);
        }
        return Protocol.Step.PROGRESS;
    }
}
