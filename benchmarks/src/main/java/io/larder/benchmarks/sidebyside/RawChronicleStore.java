package io.larder.benchmarks.sidebyside;

import io.larder.engine.offheap.JvmFlags;
import java.util.EnumSet;
import java.util.Set;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * A plain {@code ChronicleMap<byte[], byte[]>} holding the encoded keys and the values, sized for
 * the entries, with {@code putReturnsNull}: what the {@code offheap} engine builds on. Copies and
 * in-place reads go through a query context under the read lock, with the key written into a
 * per-thread native buffer, so they allocate nothing; {@code get} is the map's own, allocating.
 */
final class RawChronicleStore extends Store {

    static {
        JvmFlags.quietChronicle();
    }

    private static final class ChronicleContext extends Context {
        final BytesStore<?, Void> key = BytesStore.nativeStoreWithFixedCapacity(256);

        ChronicleContext(int valueSize) {
            super(valueSize);
        }

        @Override
        public void close() {
            key.releaseLast();
        }
    }

    private final ChronicleMap<byte[], byte[]> map;

    RawChronicleStore(Dataset data) {
        super(data);
        map = ChronicleMapBuilder.of(byte[].class, byte[].class).name("raw").entries(data.entries)
                .averageKeySize(40).averageValueSize(data.valueSize).putReturnsNull(true).create();
    }

    @Override
    Set<Op> ops() {
        return EnumSet.allOf(Op.class);
    }

    @Override
    Context context() {
        return new ChronicleContext(data.valueSize);
    }

    @Override
    void put(int i) {
        map.put(data.encodedKeys[i], data.valueA);
    }

    @Override
    Object get(Context c, int i) {
        return map.get(data.encodedKeys[i]);
    }

    private ExternalMapQueryContext<byte[], byte[], ?> query(Context c, int i) {
        BytesStore<?, Void> key = ((ChronicleContext) c).key;
        byte[] k = data.encodedKeys[i];
        key.write(0, k);
        return map.queryContext(key, 0, k.length);
    }

    @Override
    int copyValue(Context c, int i) {
        try (ExternalMapQueryContext<byte[], byte[], ?> q = query(c, i)) {
            q.readLock().lock();
            MapEntry<byte[], byte[]> e = q.entry();
            if (e == null) {
                return -1;
            }
            Data<byte[]> v = e.value();
            int length = (int) v.size();
            if (length <= c.dst.remaining()) {
                int position = c.dst.position();
                v.bytes().nativeRead(v.offset(), Jvm.address(c.dst) + position, length);
                c.dst.position(position + length);
            }
            return length;
        }
    }

    @Override
    int read(Context c, int i) {
        try (ExternalMapQueryContext<byte[], byte[], ?> q = query(c, i)) {
            q.readLock().lock();
            MapEntry<byte[], byte[]> e = q.entry();
            if (e == null) {
                return -1;
            }
            Data<byte[]> v = e.value();
            return v.bytes().readByte(v.offset()) + v.bytes().readByte(v.offset() + v.size() - 1);
        }
    }

    @Override
    Object set(Context c, int i) {
        return map.put(data.encodedKeys[i], data.valueA);
    }

    @Override
    boolean cas(Context c, int i) {
        byte[] expected = expectedThenFlip(i);
        return map.replace(data.encodedKeys[i], expected, other(expected));
    }

    @Override
    void release() {
        map.close();
    }
}
