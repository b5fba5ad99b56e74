package io.larder.server;

import io.larder.spi.Entry;
import io.larder.spi.EngineClosedException;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.ValueTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * memcached's text protocol (and, through {@link MetaCommands}, its meta commands) with memcached
 * 1.6's replies and error lines. A request line is held to {@link ServerOptions#DEFAULT_MAX_LINE_BYTES}
 * (retrieval lines to their own limit) while it is incomplete; a value is gathered only as its bytes
 * arrive, never allocated from the length a client declares, and a value above the item size limit
 * is discarded as it arrives.
 */
final class TextProtocol implements Protocol {
    static final int MAX_AUTH_BYTES = 8192;
    static final long THIRTY_DAYS = 60L * 60 * 24 * 30;

    private enum State { LINE, DATA, SWALLOW, GET, AUTH }

    private enum Store { SET, ADD, REPLACE, APPEND, PREPEND, CAS }

    final ServerContext server;
    final StorageEngine engine;
    final Tokens t = new Tokens();
    private final MetaCommands meta;
    private final TextOtherCommands other;
    private State state = State.LINE;
    private int scanned;
    private boolean authenticated;

    // a storage command waiting for its data
    private Store store;
    private Key storeKey;
    private int storeFlags;
    private Expiry storeExpiry;
    private int storeLength;
    private long storeCas;
    boolean noreply;
    private long swallowLeft;
    private String afterSwallow;

    // a retrieval in progress (it pauses between keys for a slow reader)
    private int getNext;
    private boolean getCas;
    private Expiry getTouch;

    TextProtocol(ServerContext server, Channel channel) {
        this.server = server;
        this.engine = server.engine;
        this.meta = new MetaCommands(this);
        this.other = new TextOtherCommands(this, channel);
        this.authenticated = server.credentials == null;
    }

    @Override
    public Step step(ByteBuf in, Output out) {
        try {
            return dispatch(in, out);
        } catch (EngineClosedException e) {
            state = State.LINE;
            return reply(out, "SERVER_ERROR engine closed");
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // the engine refused what the request asked (an expiry past its latest, a limit)
            state = State.LINE;
            noreply = false;
            return reply(out, "CLIENT_ERROR " + oneLine(e.getMessage()));
        }
    }

    static String oneLine(String message) {
        return message == null ? "bad request" : message.replace('\r', ' ').replace('\n', ' ');
    }

    private Step dispatch(ByteBuf in, Output out) {
        switch (state) {
            case DATA:
                return data(in, out);
            case SWALLOW:
                return swallow(in, out);
            case GET:
                return continueGet(out);
            case AUTH:
                return authData(in, out);
            default:
                return line(in, out);
        }
    }

    // ---- lines ----------------------------------------------------------------------------

    private Step line(ByteBuf in, Output out) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        if (n == 0) {
            return Step.NEED_MORE;
        }
        int nl = in.indexOf(r + scanned, r + n, (byte) '\n');
        if (nl < 0) {
            scanned = n;
            if (n > ServerOptions.DEFAULT_MAX_LINE_BYTES
                    && !(startsRetrieval(in, r) && n <= server.options.maxRetrievalLineBytes())) {
                // memcached closes on a line it cannot hold; so does this, without buffering more
                server.stats.protocolErrors.increment();
                return Step.CLOSE;
            }
            return Step.NEED_MORE;
        }
        scanned = 0;
        int len = nl - r;
        int end = len > 0 && in.getByte(nl - 1) == '\r' ? len - 1 : len;
        if (t.line.length < end) {
            t.line = new byte[Math.max(end, t.line.length * 2)];
        }
        in.getBytes(r, t.line, 0, end);
        t.length = end;
        in.readerIndex(nl + 1);
        t.split();
        if (!authenticated) {
            return authLine(out);
        }
        return command(in, out);
    }

    private static boolean startsRetrieval(ByteBuf in, int r) {
        return starts(in, r, "get ") || starts(in, r, "gets ") || starts(in, r, "gat ") || starts(in, r, "gats ");
    }

    private static boolean starts(ByteBuf in, int r, String s) {
        if (in.readableBytes() < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (in.getByte(r + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private Step command(ByteBuf in, Output out) {
        if (t.count == 0) {
            return error(out);
        }
        int first = t.start(0);
        int firstLen = t.len(0);
        byte c0 = t.line[first];
        if (firstLen == 2 && c0 == 'm') {
            return meta.command(in, out);
        }
        if (t.is(0, "get")) {
            return get(out, false, 1, null);
        } else if (t.is(0, "gets")) {
            return get(out, true, 1, null);
        } else if (t.is(0, "set")) {
            return storage(Store.SET, out);
        } else if (t.is(0, "add")) {
            return storage(Store.ADD, out);
        } else if (t.is(0, "replace")) {
            return storage(Store.REPLACE, out);
        } else if (t.is(0, "append")) {
            return storage(Store.APPEND, out);
        } else if (t.is(0, "prepend")) {
            return storage(Store.PREPEND, out);
        } else if (t.is(0, "cas")) {
            return storage(Store.CAS, out);
        } else if (t.is(0, "delete")) {
            return other.delete(out);
        } else if (t.is(0, "incr")) {
            return other.counter(out, true);
        } else if (t.is(0, "decr")) {
            return other.counter(out, false);
        } else if (t.is(0, "touch")) {
            return other.touch(out);
        } else if (t.is(0, "gat") || t.is(0, "gats")) {
            return gat(out);
        } else if (t.is(0, "flush_all")) {
            return other.flushAll(out);
        } else if (t.is(0, "stats")) {
            return other.stats(out);
        } else if (t.is(0, "version")) {
            return reply(out, "VERSION " + ServerContext.VERSION);
        } else if (t.is(0, "verbosity")) {
            return other.verbosity(out);
        } else if (t.is(0, "quit")) {
            return Step.CLOSE;
        } else if (t.is(0, "shutdown")) {
            return reply(out, "ERROR: shutdown not enabled");
        }
        return error(out);
    }

    // ---- authentication (memcached's text convention: "set <any> <f> <e> <n>" with "user password") ----

    private Step authLine(Output out) {
        if (t.count < 5 || !t.is(0, "set")) {
            return reply(out, "CLIENT_ERROR unauthenticated");
        }
        t.ok = true;
        long size = t.u64(4);
        if (!t.ok || size > 0xFFFF_FFFFL) {
            return reply(out, "CLIENT_ERROR unauthenticated");
        }
        if (size > MAX_AUTH_BYTES) {
            return reply(out, "CLIENT_ERROR auth token too long");
        }
        storeLength = (int) size;
        state = State.AUTH;
        return Step.PROGRESS;
    }

    private Step authData(ByteBuf in, Output out) {
        if (in.readableBytes() < storeLength + 2) {
            return Step.NEED_MORE;
        }
        state = State.LINE;
        int r = in.readerIndex();
        byte[] data = new byte[storeLength + 2];
        in.readBytes(data);
        if (data[storeLength] != '\r' || data[storeLength + 1] != '\n') {
            return reply(out, "CLIENT_ERROR bad command line termination");
        }
        int space = -1;
        for (int i = 0; i < storeLength; i++) {
            if (data[i] == ' ') {
                space = i;
                break;
            }
        }
        if (space < 0) {
            return reply(out, "CLIENT_ERROR bad authentication token format");
        }
        server.stats.authCmds.increment();
        String user = new String(data, 0, space, StandardCharsets.UTF_8);
        byte[] password = java.util.Arrays.copyOfRange(data, space + 1, storeLength);
        if (server.credentials.check(user, password)) {
            authenticated = true;
            return reply(out, "STORED");
        }
        server.stats.authErrors.increment();
        return reply(out, "CLIENT_ERROR authentication failure");
    }

    // ---- retrieval -------------------------------------------------------------------------

    private Step get(Output out, boolean cas, int firstKey, Expiry touch) {
        if (t.count <= firstKey) {
            return error(out);
        }
        // a bad key anywhere fails the whole retrieval before anything is sent, as in memcached
        for (int i = firstKey; i < t.count; i++) {
            if (t.len(i) > KeyCodec.MAX_KEY_BYTES) {
                return reply(out, "CLIENT_ERROR bad command line format");
            }
        }
        getNext = firstKey;
        getCas = cas;
        getTouch = touch;
        state = State.GET;
        return continueGet(out);
    }

    private Step continueGet(Output out) {
        while (getNext < t.count) {
            int i = getNext++;
            if (t.len(i) > KeyCodec.MAX_KEY_BYTES) {
                state = State.LINE;
                return reply(out, "CLIENT_ERROR bad command line format");
            }
            byte[] raw = t.bytes(i);
            Key key;
            try {
                key = server.keys.key(raw);
            } catch (IllegalArgumentException e) {
                state = State.LINE;
                return reply(out, "CLIENT_ERROR bad command line format");
            }
            value(out.buf(), raw, key);
            if (out.congested() && getNext < t.count) {
                return Step.PROGRESS;
            }
        }
        state = State.LINE;
        out.buf().writeBytes(END);
        return Step.PROGRESS;
    }

    private void value(ByteBuf buf, byte[] raw, Key key) {
        if (getTouch != null) {
            server.stats.cmdTouch.increment();
            server.stats.cmdGet.increment();
            Entry e = engine.getAndTouch(key, getTouch);
            if (e == null) {
                server.stats.touchMisses.increment();
                server.stats.getMisses.increment();
                return;
            }
            server.stats.touchHits.increment();
            server.stats.getHits.increment();
            valueHeader(buf, raw, e.flags(), e.value().length, e.version());
            buf.writeBytes(e.value());
            buf.writeBytes(CRLF);
            return;
        }
        server.stats.cmdGet.increment();
        readInto = buf;
        readKey = raw;
        Boolean hit;
        try {
            hit = engine.read(key, hitWriter);
        } finally {
            readInto = null;
            readKey = null;
        }
        if (hit == null) {
            server.stats.getMisses.increment();
        } else {
            server.stats.getHits.increment();
        }
    }

    // the reader of a get's hit, made once per connection rather than a capturing lambda per key
    private ByteBuf readInto;
    private byte[] readKey;
    private final io.larder.spi.EntryReader<Boolean> hitWriter = view -> {
        valueHeader(readInto, readKey, view.flags(), view.valueLength(), view.version());
        readInto.writeBytes(view.value()); // a fresh view each call: its position is ours to move
        readInto.writeBytes(CRLF);
        return Boolean.TRUE;
    };

    private void valueHeader(ByteBuf buf, byte[] raw, int flags, int length, long version) {
        buf.writeBytes(VALUE);
        buf.writeBytes(raw);
        buf.writeByte(' ');
        writeUnsigned(buf, flags & 0xFFFF_FFFFL);
        buf.writeByte(' ');
        writeUnsigned(buf, length);
        if (getCas) {
            buf.writeByte(' ');
            writeUnsigned(buf, version);
        }
        buf.writeBytes(CRLF);
    }

    private Step gat(Output out) {
        if (t.count < 2) {
            return error(out);
        }
        t.ok = true;
        int exptime = t.i32(1);
        if (!t.ok) {
            return reply(out, "CLIENT_ERROR invalid exptime argument");
        }
        if (t.count == 2) {
            out.buf().writeBytes(END);
            return Step.PROGRESS;
        }
        return get(out, t.is(0, "gats"), 2, expiry(exptime));
    }

    // ---- storage ---------------------------------------------------------------------------

    private Step storage(Store kind, Output out) {
        int expected = kind == Store.CAS ? 6 : 5;
        if (t.count != expected && t.count != expected + 1) {
            return error(out);
        }
        noreply = t.is(t.count - 1, "noreply");
        if (t.len(1) > KeyCodec.MAX_KEY_BYTES) {
            return replyUnlessNoreply(out, "CLIENT_ERROR bad command line format");
        }
        t.ok = true;
        int flags = t.u32(2);
        int exptime = t.i32(3);
        int length = t.i32(4);
        long cas = kind == Store.CAS ? t.u64(5) : 0;
        if (!t.ok || length < 0 || length > Integer.MAX_VALUE - 2) {
            return replyUnlessNoreply(out, "CLIENT_ERROR bad command line format");
        }
        Key key;
        try {
            key = server.keys.key(t.bytes(1));
        } catch (IllegalArgumentException e) {
            return replyUnlessNoreply(out, "CLIENT_ERROR bad command line format");
        }
        server.stats.cmdSet.increment();
        if (length > server.maxItemSize) {
            // memcached drops what the set would have replaced, so a failed set never leaves old data
            if (kind == Store.SET) {
                engine.delete(key);
            }
            swallowLeft = (long) length + 2;
            afterSwallow = "SERVER_ERROR object too large for cache";
            state = State.SWALLOW;
            return Step.PROGRESS;
        }
        store = kind;
        storeKey = key;
        storeFlags = flags;
        storeExpiry = expiry(exptime);
        storeLength = length;
        storeCas = cas;
        state = State.DATA;
        return Step.PROGRESS;
    }

    private Step swallow(ByteBuf in, Output out) {
        int n = (int) Math.min(in.readableBytes(), swallowLeft);
        in.skipBytes(n);
        swallowLeft -= n;
        if (swallowLeft > 0) {
            return Step.NEED_MORE;
        }
        state = State.LINE;
        return replyUnlessNoreply(out, afterSwallow);
    }

    /** A meta command waiting for its data block. */
    interface DataHandler {
        Step complete(ByteBuffer value, Output out);
    }

    private DataHandler metaData;

    /** Waits for a data block of {@code length} bytes and {@code \r\n}, then calls {@code handler}. */
    Step awaitData(int length, DataHandler handler) {
        store = null;
        storeLength = length;
        metaData = handler;
        noreply = false;
        state = State.DATA;
        return Step.PROGRESS;
    }

    /** Discards a data block of {@code length} bytes and {@code \r\n}, then replies {@code line}. */
    Step awaitSwallow(long length, String line) {
        noreply = false;
        swallowLeft = length + 2;
        afterSwallow = line;
        state = State.SWALLOW;
        return Step.PROGRESS;
    }

    private Step data(ByteBuf in, Output out) {
        int need = storeLength + 2;
        if (in.readableBytes() < need) {
            return Step.NEED_MORE;
        }
        state = State.LINE;
        int r = in.readerIndex();
        if (in.getByte(r + storeLength) != '\r' || in.getByte(r + storeLength + 1) != '\n') {
            in.skipBytes(need);
            return replyUnlessNoreply(out, "CLIENT_ERROR bad data chunk");
        }
        if (store == null) {
            DataHandler handler = metaData;
            metaData = null;
            try {
                return handler.complete(in.nioBuffer(r, storeLength), out);
            } catch (ValueTooLargeException e) {
                return reply(out, "SERVER_ERROR object too large for cache");
            } finally {
                in.skipBytes(need);
            }
        }
        ByteBuffer value = in.nioBuffer(r, storeLength);
        String result;
        try {
            result = store(value);
        } catch (ValueTooLargeException e) {
            result = "SERVER_ERROR object too large for cache";
        } catch (EngineClosedException e) {
            result = "SERVER_ERROR engine closed";
        } finally {
            in.skipBytes(need);
        }
        return replyUnlessNoreply(out, result);
    }

    private String store(ByteBuffer value) {
        switch (store) {
            case SET:
                engine.set(storeKey, value, storeExpiry, storeFlags);
                return "STORED";
            case ADD:
                return engine.add(storeKey, value, storeExpiry, storeFlags).isStored() ? "STORED" : "NOT_STORED";
            case REPLACE:
                return engine.replace(storeKey, value, storeExpiry, storeFlags).isStored() ? "STORED" : "NOT_STORED";
            case APPEND:
                return engine.append(storeKey, value).isStored() ? "STORED" : "NOT_STORED";
            case PREPEND:
                return engine.prepend(storeKey, value).isStored() ? "STORED" : "NOT_STORED";
            default:
                return cas(value);
        }
    }

    private String cas(ByteBuffer value) {
        if (storeCas <= 0) {
            // not a version the engine hands out: it can only mismatch
            boolean exists = engine.read(storeKey, view -> Boolean.TRUE) != null;
            count(exists ? server.stats.casBadval : server.stats.casMisses);
            return exists ? "EXISTS" : "NOT_FOUND";
        }
        Outcome o = engine.compareAndSet(storeKey, storeCas, value, storeExpiry, storeFlags);
        switch (o.status()) {
            case STORED:
                count(server.stats.casHits);
                return "STORED";
            case EXISTS:
                count(server.stats.casBadval);
                return "EXISTS";
            default:
                count(server.stats.casMisses);
                return "NOT_FOUND";
        }
    }

    static void count(java.util.concurrent.atomic.LongAdder adder) {
        adder.increment();
    }

    // ---- helpers ---------------------------------------------------------------------------

    Key keyOrNull(int i) {
        if (t.len(i) > KeyCodec.MAX_KEY_BYTES) {
            return null;
        }
        try {
            return server.keys.key(t.bytes(i));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** memcached's exptime: 0 never, negative already past, up to 30 days relative, else a Unix time. */
    static Expiry expiry(long exptime) {
        if (exptime == 0) {
            return Expiry.never();
        }
        if (exptime < 0) {
            return Expiry.afterMillis(0);
        }
        if (exptime <= THIRTY_DAYS) {
            return Expiry.afterMillis(exptime * 1000);
        }
        return Expiry.atEpochMillis(Math.min(exptime * 1000, Expiry.MAX_EPOCH_MILLIS));
    }

    Step error(Output out) {
        server.stats.protocolErrors.increment();
        return reply(out, "ERROR");
    }

    static Step reply(Output out, String line) {
        ByteBuf buf = out.buf();
        buf.writeCharSequence(line, StandardCharsets.US_ASCII);
        buf.writeBytes(CRLF);
        return Step.PROGRESS;
    }

    Step replyUnlessNoreply(Output out, String line) {
        boolean quiet = noreply;
        noreply = false;
        return quiet ? Step.PROGRESS : reply(out, line);
    }

    /** Writes {@code v} (unsigned) in decimal, without making a string of it (every hit writes two). */
    static void writeUnsigned(ByteBuf buf, long v) {
        if (v < 0) {
            buf.writeCharSequence(Long.toUnsignedString(v), StandardCharsets.US_ASCII);
            return;
        }
        int digits = 1;
        for (long rest = v / 10; rest > 0; rest /= 10) {
            digits++;
        }
        buf.ensureWritable(digits);
        int end = buf.writerIndex() + digits;
        for (int at = end - 1; at >= buf.writerIndex(); at--) {
            buf.setByte(at, '0' + (int) (v % 10));
            v /= 10;
        }
        buf.writerIndex(end);
    }

    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] END = "END\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] VALUE = "VALUE ".getBytes(StandardCharsets.US_ASCII);
}
