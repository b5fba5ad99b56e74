package io.larder.server;

import io.larder.spi.Entry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The flags of one meta command: which were given and where, their numeric tokens with memcached's
 * parsing, the key (base64 with {@code b}), and the return flags a reply echoes in request order.
 */
final class MetaFlags {
    private static final int MAX_OPAQUE = 32;

    private final ServerContext server;
    private final StorageEngine engine;
    private final Tokens t;

    final boolean[] has = new boolean[128];
    final int[] at = new int[128];
    private final StringBuilder order = new StringBuilder();
    final List<String> tags = new ArrayList<>();
    byte[] rawKey;
    boolean base64;
    /** What "t" reports when set: memcached 1.6 reports the time to live from before a "T" update. */
    long ttlBefore = Long.MIN_VALUE;

    MetaFlags(ServerContext server, Tokens t) {
        this.server = server;
        this.engine = server.engine;
        this.t = t;
    }

    // ---- flags -----------------------------------------------------------------------------

    /** Parses flags from token {@code first}; returns an error line, or null when they are fine. */
    String flags(int first, String allowed, boolean ma) {
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

    boolean numeric(char flag) {
        return has[flag] && t.len(at[flag]) > 1;
    }

    /** A flag's numeric token (signed, 32-bit like memcached's), or the fallback when absent; sets t.ok. */
    int int32(char flag, int fallback) {
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

    long signed(byte[] b, int off, int len) {
        boolean negative = len > 0 && b[off] == '-';
        long v = t.u64(b, negative ? off + 1 : off, negative ? len - 1 : len);
        return negative ? -v : v;
    }

    long unsigned(char flag, long fallback) {
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

    /**
     * The common start of {@code md} and {@code ma}: flags from token 2, then the key in token 1
     * (flag errors come first, as in memcached).
     *
     * @return the key, or null when this wrote the error line to answer into {@code out}
     */
    Key flagsThenKey(String allowed, boolean ma, Protocol.Output out) {
        String bad = flags(2, allowed, ma);
        if (bad != null) {
            TextProtocol.reply(out, bad);
            return null;
        }
        Key k = key(1);
        if (k == null) {
            TextProtocol.reply(out, "CLIENT_ERROR bad command line format");
        }
        return k;
    }

    /** The mode given with {@code M} (one character, one of {@code modes}), {@code '?'} for any other token. */
    char mode(String modes) {
        int i = at['M'];
        char m = t.len(i) == 2 ? (char) t.line[t.start(i) + 1] : '?';
        return modes.indexOf(m) >= 0 ? m : '?';
    }

    /** Decodes the key token (base64 with the b flag); null if it is not a valid key. */
    Key key(int i) {
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
    void returnFlags(ByteBuf buf, Entry e, long cas, boolean success) {
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

    long ttl(Entry e) {
        if (e == null || e.expiresAt() == 0) {
            return -1;
        }
        long left = e.expiresAt() - engine.clock().millis();
        return Math.max(0, (left + 999) / 1000);
    }

    void line(ByteBuf buf, String code, Entry e, long cas, boolean success) {
        buf.writeCharSequence(code, StandardCharsets.US_ASCII);
        returnFlags(buf, e, cas, success);
        buf.writeBytes(TextProtocol.CRLF);
    }
}
