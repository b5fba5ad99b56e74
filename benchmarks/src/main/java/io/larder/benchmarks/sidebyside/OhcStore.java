package io.larder.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.DirectValueAccess;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;

/**
 * OHC, an off-heap LRU cache, with {@code byte[]} keys (the encoded keys) and values copied in and
 * out by a plain serializer, its default (linked) implementation and a byte capacity well above
 * the data. {@code getDirect} gives in-place reads; {@code addOrReplace} compares the serialized
 * old value.
 */
public final class OhcStore extends Store {

    /** OHC's serializer for byte arrays, as they are (shared with the hit-ratio run). */
    public static final CacheSerializer<byte[]> BYTES = new CacheSerializer<>() {
        @Override
        public void serialize(byte[] value, ByteBuffer buf) {
            buf.put(value);
        }

        @Override
        public byte[] deserialize(ByteBuffer buf) {
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        }

        @Override
        public int serializedSize(byte[] value) {
            return value.length;
        }
    };

    private final OHCache<byte[], byte[]> cache;

    OhcStore(Dataset data) {
        super(data);
        cache = OHCacheBuilder.<byte[], byte[]>newBuilder().keySerializer(BYTES).valueSerializer(BYTES)
                .capacity(data.capacityBytes()).build();
    }

    @Override
    Set<Op> ops() {
        return EnumSet.allOf(Op.class);
    }

    @Override
    void put(int i) {
        cache.put(data.encodedKeys[i], data.valueA);
    }

    @Override
    Object get(Context c, int i) {
        return cache.get(data.encodedKeys[i]);
    }

    @Override
    int copyValue(Context c, int i) {
        DirectValueAccess v = cache.getDirect(data.encodedKeys[i]);
        try {
            ByteBuffer b = v.buffer();
            int length = b.remaining();
            if (length <= c.dst.remaining()) {
                c.dst.put(b);
            }
            return length;
        } finally {
            release(v);
        }
    }

    @Override
    int read(Context c, int i) {
        DirectValueAccess v = cache.getDirect(data.encodedKeys[i]);
        try {
            ByteBuffer b = v.buffer();
            return b.get(b.position()) + b.get(b.limit() - 1);
        } finally {
            release(v);
        }
    }

    /** Lets OHC unpin the entry; its close declares an I/O exception it never throws. */
    private static void release(DirectValueAccess v) {
        try {
            v.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    Object set(Context c, int i) {
        return cache.put(data.encodedKeys[i], data.valueA);
    }

    @Override
    boolean cas(Context c, int i) {
        byte[] expected = expectedThenFlip(i);
        return cache.addOrReplace(data.encodedKeys[i], expected, other(expected));
    }

    @Override
    void verify() {
        long evicted = cache.stats().getEvictionCount();
        if (evicted != 0) {
            throw new IllegalStateException("OHC evicted " + evicted + " entries: the comparison is off");
        }
    }

    @Override
    void release() throws Exception {
        cache.close();
    }
}
