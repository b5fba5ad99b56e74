package io.larder.server;

import io.larder.spi.CounterResult;
import io.larder.spi.EngineClosedException;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.ValueTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * memcached's binary protocol: the opcodes the common clients use, quiet forms included, and SASL
 * PLAIN authentication. A request's body is gathered only as it arrives; a value above the item
 * size limit is discarded as it arrives and answered with "too large"; a packet that is not a
 * request, or whose lengths contradict each other, closes the connection as memcached does.
 */
final class BinaryProtocol implements Protocol {
    static final int HEADER = 24;
    private static final byte REQUEST = (byte) 0x80;
    private static final byte RESPONSE = (byte) 0x81;
    /** The most a non-storage request's body may hold: a key and the largest extras. */
    private static final int MAX_OTHER_BODY = KeyCodec.MAX_KEY_BYTES + 64;

    static final int OK = 0x00;
    static final int NOT_FOUND = 0x01;
    static final int EXISTS = 0x02;
    static final int TOO_LARGE = 0x03;
    static final int INVALID = 0x04;
    static final int NOT_STORED = 0x05;
    static final int NON_NUMERIC = 0x06;
    static final int AUTH_ERROR = 0x20;
    static final int UNKNOWN = 0x81;

    private final ServerContext server;
    private final StorageEngine engine;
    private final Channel channel;
    private boolean authenticated;

    // the request being read
    private boolean haveHeader;
    private int opcode;
    private int keyLength;
    private int extrasLength;
    private int bodyLength;
    private int opaque;
    private long cas;
    private long swallowLeft = -1;

    BinaryProtocol(ServerContext server, Channel channel) {
        this.server = server;
        this.engine = server.engine;
        this.channel = channel;
        this.authenticated = server.credentials == null;
    }

    @Override
    public Step step(ByteBuf in, Output out) {
        if (swallowLeft >= 0) {
            int n = (int) Math.min(swallowLeft, in.readableBytes());
            in.skipBytes(n);
            swallowLeft -= n;
            if (swallowLeft > 0) {
                return Step.NEED_MORE;
            }
            swallowLeft = -1;
            return Step.PROGRESS;
        }
        if (!haveHeader) {
            if (in.readableBytes() < HEADER) {
                return Step.NEED_MORE;
            }
            int r = in.readerIndex();
            if (in.getByte(r) != REQUEST) {
                server.stats.protocolErrors.increment();
                return Step.CLOSE;
            }
            opcode = in.getUnsignedByte(r + 1);
            keyLength = in.getUnsignedShort(r + 2);
            extrasLength = in.getUnsignedByte(r + 4);
            long body = in.getUnsignedInt(r + 8);
            opaque = in.getInt(r + 12);
            cas = in.getLong(r + 16);
            if (body < (long) keyLength + extrasLength || body > Integer.MAX_VALUE) {
                server.stats.protocolErrors.increment();
                return Step.CLOSE;
            }
            bodyLength = (int) body;
            in.skipBytes(HEADER);
            haveHeader = true;
            int valueLength = bodyLength - keyLength - extrasLength;
            if (keyLength > KeyCodec.MAX_KEY_BYTES) {
                return refuse(out, INVALID, "Invalid arguments");
            }
            if (isStorage(opcode)) {
                if (valueLength > server.maxItemSize) {
                    server.stats.cmdSet.increment();
                    return refuse(out, TOO_LARGE, "Too large.");
                }
            } else if (bodyLength > MAX_OTHER_BODY && opcode != SASL_AUTH && opcode != SASL_STEP) {
                return refuse(out, INVALID, "Invalid arguments");
            } else if (bodyLength > TextProtocol.MAX_AUTH_BYTES + MAX_OTHER_BODY) {
                return refuse(out, INVALID, "Invalid arguments");
            }
        }
        if (in.readableBytes() < bodyLength) {
            return Step.NEED_MORE;
        }
        haveHeader = false;
        int start = in.readerIndex();
        try {
            return execute(in, start, out);
        } catch (EngineClosedException e) {
            respond(out, opcode, 0x85, 0, null, 0, 0, "Engine closed");
            return Step.PROGRESS;
        } catch (ValueTooLargeException e) {
            respond(out, opcode, TOO_LARGE, 0, null, 0, 0, "Too large.");
            return Step.PROGRESS;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            respond(out, opcode, INVALID, 0, null, 0, 0, "Invalid arguments");
            return Step.PROGRESS;
        } finally {
            in.readerIndex(start + bodyLength);
        }
    }

    /** Answers the request just read with an error and discards its body as it arrives. */
    private Step refuse(Output out, int status, String message) {
        haveHeader = false;
        swallowLeft = bodyLength;
        server.stats.protocolErrors.increment();
        respond(out, opcode, status, 0, null, 0, 0, message);
        return Step.PROGRESS;
    }

    private static boolean isStorage(int op) {
        switch (op) {
            case SET: case ADD: case REPLACE: case APPEND: case PREPEND:
            case SETQ: case ADDQ: case REPLACEQ: case APPENDQ: case PREPENDQ:
                return true;
            default:
                return false;
        }
    }

    static final int GET = 0x00;
    static final int SET = 0x01;
    static final int ADD = 0x02;
    static final int REPLACE = 0x03;
    static final int DELETE = 0x04;
    static final int INCREMENT = 0x05;
    static final int DECREMENT = 0x06;
    static final int QUIT = 0x07;
    static final int FLUSH = 0x08;
    static final int GETQ = 0x09;
    static final int NOOP = 0x0a;
    static final int VERSION = 0x0b;
    static final int GETK = 0x0c;
    static final int GETKQ = 0x0d;
    static final int APPEND = 0x0e;
    static final int PREPEND = 0x0f;
    static final int STAT = 0x10;
    static final int SETQ = 0x11;
    static final int ADDQ = 0x12;
    static final int REPLACEQ = 0x13;
    static final int DELETEQ = 0x14;
    static final int INCREMENTQ = 0x15;
    static final int DECREMENTQ = 0x16;
    static final int QUITQ = 0x17;
    static final int FLUSHQ = 0x18;
    static final int APPENDQ = 0x19;
    static final int PREPENDQ = 0x1a;
    static final int TOUCH = 0x1c;
    static final int GAT = 0x1d;
    static final int GATQ = 0x1e;
    static final int SASL_LIST = 0x20;
    static final int SASL_AUTH = 0x21;
    static final int SASL_STEP = 0x22;
    static final int GATK = 0x23;
    static final int GATKQ = 0x24;

    private Step execute(ByteBuf in, int start, Output out) {
        int extras = start;
        int keyAt = start + extrasLength;
        int valueAt = keyAt + keyLength;
        int valueLength = bodyLength - keyLength - extrasLength;
        if (!authenticated && opcode != SASL_LIST && opcode != SASL_AUTH && opcode != SASL_STEP
                && opcode != VERSION) {
            respond(out, opcode, AUTH_ERROR, 0, null, 0, 0, "Auth failure");
            return Step.PROGRESS;
        }
        switch (opcode) {
            case GET: case GETQ: case GETK: case GETKQ:
                if (!expect(out, 0, true, false)) {
                    return Step.PROGRESS;
                }
                return get(in, keyAt, out, null, opcode == GETQ || opcode == GETKQ, opcode == GETK || opcode == GETKQ);
            case GAT: case GATQ: case GATK: case GATKQ:
                if (!expect(out, 4, true, false)) {
                    return Step.PROGRESS;
                }
                return get(in, keyAt, out, TextProtocol.expiry(in.getInt(extras)), opcode == GATQ || opcode == GATKQ,
                        opcode == GATK || opcode == GATKQ);
            case SET: case SETQ: case ADD: case ADDQ: case REPLACE: case REPLACEQ:
                if (!expect(out, 8, true, true)) {
                    return Step.PROGRESS;
                }
                return store(in, keyAt, in.nioBuffer(valueAt, valueLength), in.getInt(extras),
                        TextProtocol.expiry(in.getInt(extras + 4)), out);
            case APPEND: case APPENDQ: case PREPEND: case PREPENDQ:
                if (!expect(out, 0, true, true)) {
                    return Step.PROGRESS;
                }
                return concat(in, keyAt, in.nioBuffer(valueAt, valueLength), out);
            case DELETE: case DELETEQ:
                if (!expect(out, 0, true, false)) {
                    return Step.PROGRESS;
                }
                return delete(in, keyAt, out);
            case INCREMENT: case INCREMENTQ: case DECREMENT: case DECREMENTQ:
                if (!expect(out, 20, true, false)) {
                    return Step.PROGRESS;
                }
                return counter(in, keyAt, in.getLong(extras), in.getLong(extras + 8), in.getInt(extras + 16), out);
            case TOUCH:
                if (!expect(out, 4, true, false)) {
                    return Step.PROGRESS;
                }
                return touch(in, keyAt, TextProtocol.expiry(in.getInt(extras)), out);
            case QUIT:
                respond(out, opcode, OK, 0, null, 0, 0, null);
                return Step.CLOSE;
            case QUITQ:
                return Step.CLOSE;
            case FLUSH: case FLUSHQ:
                if (extrasLength != 0 && extrasLength != 4 || keyLength != 0 || valueLength != 0) {
                    respond(out, opcode, INVALID, 0, null, 0, 0, "Invalid arguments");
                    return Step.PROGRESS;
                }
                int delay = extrasLength == 4 ? in.getInt(extras) : 0;
                server.stats.cmdFlush.increment();
                if (delay > 0) {
                    channel.eventLoop().parent().schedule(server::flush, delay * 1000L,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                } else {
                    server.flush();
                }
                if (opcode == FLUSH) {
                    respond(out, opcode, OK, 0, null, 0, 0, null);
                }
                return Step.PROGRESS;
            case NOOP:
                respond(out, opcode, OK, 0, null, 0, 0, null);
                return Step.PROGRESS;
            case VERSION:
                respond(out, opcode, OK, 0, null, 0, 0, ServerContext.VERSION);
                return Step.PROGRESS;
            case STAT:
                return stat(in, keyAt, out);
            case SASL_LIST:
                respond(out, opcode, OK, 0, null, 0, 0, server.credentials != null ? "PLAIN" : "");
                return Step.PROGRESS;
            case SASL_AUTH: case SASL_STEP:
                return sasl(in, keyAt, valueAt, valueLength, out);
            default:
                respond(out, opcode, UNKNOWN, 0, null, 0, 0, "Unknown command");
                return Step.PROGRESS;
        }
    }

    /** Checks the extras length and whether a key and a value may or must be there. */
    private boolean expect(Output out, int extras, boolean keyRequired, boolean valueAllowed) {
        int valueLength = bodyLength - keyLength - extrasLength;
        if (extrasLength != extras || (keyRequired && keyLength == 0) || (!valueAllowed && valueLength != 0)) {
            respond(out, opcode, INVALID, 0, null, 0, 0, "Invalid arguments");
            return false;
        }
        return true;
    }

    private byte[] keyBytes(ByteBuf in, int at) {
        byte[] k = new byte[keyLength];
        in.getBytes(at, k);
        return k;
    }

    private Key key(byte[] raw) {
        return server.keys.key(raw);
    }

    private Step get(ByteBuf in, int keyAt, Output out, Expiry touch, boolean quiet, boolean withKey) {
        byte[] raw = keyBytes(in, keyAt);
        Key key = key(raw);
        server.stats.cmdGet.increment();
        if (touch != null) {
            server.stats.cmdTouch.increment();
        }
        Entry e = touch != null ? engine.getAndTouch(key, touch) : engine.get(key);
        if (e == null) {
            server.stats.getMisses.increment();
            if (touch != null) {
                server.stats.touchMisses.increment();
            }
            if (!quiet) {
                respond(out, opcode, NOT_FOUND, 0, withKey ? raw : null, 0, 0, "Not found");
            }
            return Step.PROGRESS;
        }
        server.stats.getHits.increment();
        if (touch != null) {
            server.stats.touchHits.increment();
        }
        ByteBuf buf = out.buf();
        byte[] k = withKey ? raw : new byte[0];
        header(buf, opcode, OK, 4, k.length, 4 + k.length + e.value().length, e.version());
        buf.writeInt(e.flags());
        buf.writeBytes(k);
        buf.writeBytes(e.value());
        return Step.PROGRESS;
    }

    private Step store(ByteBuf in, int keyAt, ByteBuffer value, int flags, Expiry expiry, Output out) {
        Key key = key(keyBytes(in, keyAt));
        server.stats.cmdSet.increment();
        boolean quiet = opcode == SETQ || opcode == ADDQ || opcode == REPLACEQ;
        Outcome o;
        switch (opcode) {
            case ADD: case ADDQ:
                o = engine.add(key, value, expiry, flags);
                break;
            case REPLACE: case REPLACEQ:
                o = cas != 0 ? compareAndSet(key, value, expiry, flags) : engine.replace(key, value, expiry, flags);
                break;
            default:
                o = cas != 0 ? compareAndSet(key, value, expiry, flags)
                        : Outcome.stored(engine.set(key, value, expiry, flags));
                break;
        }
        return storeReply(out, o, quiet, opcode == ADD || opcode == ADDQ);
    }

    private Outcome compareAndSet(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Outcome o = cas < 0 ? (engine.read(key, v -> Boolean.TRUE) != null ? Outcome.exists(0) : Outcome.notFound())
                : engine.compareAndSet(key, cas, value, expiry, flags);
        switch (o.status()) {
            case STORED:
                server.stats.casHits.increment();
                break;
            case EXISTS:
                server.stats.casBadval.increment();
                break;
            default:
                server.stats.casMisses.increment();
                break;
        }
        return o;
    }

    private Step storeReply(Output out, Outcome o, boolean quiet, boolean add) {
        switch (o.status()) {
            case STORED:
                if (!quiet) {
                    respond(out, opcode, OK, 0, null, 0, o.version(), null);
                }
                break;
            case EXISTS:
                respond(out, opcode, add ? EXISTS : cas != 0 ? EXISTS : NOT_STORED, 0, null, 0, 0,
                        add || cas != 0 ? "Data exists for key." : "Not stored.");
                break;
            default:
                respond(out, opcode, cas != 0 || !add ? NOT_FOUND : NOT_STORED, 0, null, 0, 0, "Not found");
                break;
        }
        return Step.PROGRESS;
    }

    private Step concat(ByteBuf in, int keyAt, ByteBuffer value, Output out) {
        Key key = key(keyBytes(in, keyAt));
        server.stats.cmdSet.increment();
        boolean quiet = opcode == APPENDQ || opcode == PREPENDQ;
        boolean append = opcode == APPEND || opcode == APPENDQ;
        Outcome o = append ? engine.append(key, value) : engine.prepend(key, value);
        if (o.isStored()) {
            if (!quiet) {
                respond(out, opcode, OK, 0, null, 0, o.version(), null);
            }
        } else {
            respond(out, opcode, NOT_STORED, 0, null, 0, 0, "Not stored.");
        }
        return Step.PROGRESS;
    }

    private Step delete(ByteBuf in, int keyAt, Output out) {
        Key key = key(keyBytes(in, keyAt));
        Outcome o = cas > 0 ? engine.delete(key, cas) : engine.delete(key);
        boolean quiet = opcode == DELETEQ;
        switch (o.status()) {
            case DELETED:
                server.stats.deleteHits.increment();
                if (!quiet) {
                    respond(out, opcode, OK, 0, null, 0, 0, null);
                }
                break;
            case EXISTS:
                respond(out, opcode, EXISTS, 0, null, 0, 0, "Data exists for key.");
                break;
            default:
                server.stats.deleteMisses.increment();
                respond(out, opcode, NOT_FOUND, 0, null, 0, 0, "Not found");
                break;
        }
        return Step.PROGRESS;
    }

    private Step counter(ByteBuf in, int keyAt, long delta, long initial, int exptime, Output out) {
        Key key = key(keyBytes(in, keyAt));
        boolean up = opcode == INCREMENT || opcode == INCREMENTQ;
        boolean quiet = opcode == INCREMENTQ || opcode == DECREMENTQ;
        CounterResult r;
        try {
            r = up ? engine.increment(key, delta) : engine.decrement(key, delta);
        } catch (NonNumericValueException e) {
            respond(out, opcode, NON_NUMERIC, 0, null, 0, 0, "Non-numeric server-side value for incr or decr");
            return Step.PROGRESS;
        }
        long value;
        long version;
        if (r.found()) {
            (up ? server.stats.incrHits : server.stats.decrHits).increment();
            value = r.value();
            version = r.version();
        } else {
            (up ? server.stats.incrMisses : server.stats.decrMisses).increment();
            if (exptime == -1) {
                respond(out, opcode, NOT_FOUND, 0, null, 0, 0, "Not found");
                return Step.PROGRESS;
            }
            Outcome added = engine.add(key, io.larder.spi.Counters.format(initial), TextProtocol.expiry(exptime), 0);
            if (!added.isStored()) {
                // someone stored it meanwhile: count on what is there now
                return counter(in, keyAt, delta, initial, -1, out);
            }
            value = initial;
            version = added.version();
        }
        if (!quiet) {
            ByteBuf buf = out.buf();
            header(buf, opcode, OK, 0, 0, 8, version);
            buf.writeLong(value);
        }
        return Step.PROGRESS;
    }

    private Step touch(ByteBuf in, int keyAt, Expiry expiry, Output out) {
        Key key = key(keyBytes(in, keyAt));
        server.stats.cmdTouch.increment();
        Outcome o = engine.touch(key, expiry);
        if (o.status() == Outcome.Status.TOUCHED) {
            server.stats.touchHits.increment();
            respond(out, opcode, OK, 0, null, 0, o.version(), null);
        } else {
            server.stats.touchMisses.increment();
            respond(out, opcode, NOT_FOUND, 0, null, 0, 0, "Not found");
        }
        return Step.PROGRESS;
    }

    private Step stat(ByteBuf in, int keyAt, Output out) {
        String group = keyLength == 0 ? "" : new String(keyBytes(in, keyAt), StandardCharsets.US_ASCII);
        ByteBuf text = out.buf().alloc().buffer();
        try {
            if (group.isEmpty()) {
                StatsReport.general(server, text);
            } else if (group.equals("settings")) {
                StatsReport.settings(server, text);
            } else {
                respond(out, opcode, NOT_FOUND, 0, null, 0, 0, "Not found");
                return Step.PROGRESS;
            }
            String[] lines = text.toString(StandardCharsets.US_ASCII).split("\r\n");
            for (String line : lines) {
                if (!line.startsWith("STAT ")) {
                    continue;
                }
                int space = line.indexOf(' ', 5);
                byte[] name = line.substring(5, space).getBytes(StandardCharsets.US_ASCII);
                byte[] value = line.substring(space + 1).getBytes(StandardCharsets.US_ASCII);
                ByteBuf buf = out.buf();
                header(buf, opcode, OK, 0, name.length, name.length + value.length, 0);
                buf.writeBytes(name).writeBytes(value);
            }
            respond(out, opcode, OK, 0, null, 0, 0, null);
            return Step.PROGRESS;
        } finally {
            text.release();
        }
    }

    private Step sasl(ByteBuf in, int keyAt, int valueAt, int valueLength, Output out) {
        if (server.credentials == null) {
            respond(out, opcode, UNKNOWN, 0, null, 0, 0, "Unknown command");
            return Step.PROGRESS;
        }
        String mech = new String(keyBytes(in, keyAt), StandardCharsets.US_ASCII);
        server.stats.authCmds.increment();
        if (!mech.equals("PLAIN")) {
            server.stats.authErrors.increment();
            respond(out, opcode, AUTH_ERROR, 0, null, 0, 0, "Auth failure");
            return Step.PROGRESS;
        }
        byte[] data = new byte[valueLength];
        in.getBytes(valueAt, data);
        // authzid \0 authcid \0 password
        int first = indexOf(data, 0);
        int second = first < 0 ? -1 : indexOf(data, first + 1);
        boolean ok = false;
        if (second > 0) {
            String user = new String(data, first + 1, second - first - 1, StandardCharsets.UTF_8);
            byte[] password = java.util.Arrays.copyOfRange(data, second + 1, data.length);
            ok = server.credentials.check(user, password);
        }
        if (ok) {
            authenticated = true;
            respond(out, opcode, OK, 0, null, 0, 0, "Authenticated");
        } else {
            server.stats.authErrors.increment();
            respond(out, opcode, AUTH_ERROR, 0, null, 0, 0, "Auth failure");
        }
        return Step.PROGRESS;
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private void respond(Output out, int op, int status, int extras, byte[] key, int unused, long version,
            String body) {
        ByteBuf buf = out.buf();
        byte[] k = key == null ? new byte[0] : key;
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
        header(buf, op, status, extras, k.length, extras + k.length + b.length, version);
        buf.writeBytes(k).writeBytes(b);
    }

    private void header(ByteBuf buf, int op, int status, int extras, int keyLen, int body, long version) {
        buf.writeByte(RESPONSE);
        buf.writeByte(op);
        buf.writeShort(keyLen);
        buf.writeByte(extras);
        buf.writeByte(0);
        buf.writeShort(status);
        buf.writeInt(body);
        buf.writeInt(opaque);
        buf.writeLong(version);
    }
}
