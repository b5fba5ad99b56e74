package io.larder.benchmarks.sidebyside;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.larder.spi.Key;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An on-heap map of {@link Key} to {@code byte[]}: Caffeine bounded by bytes through a weigher
 * (W-TinyLFU, as a user would configure it), or an unbounded {@link ConcurrentHashMap}. Reads hand
 * out the stored array itself, which is how these are used; a compare-and-set reads the array
 * there and replaces that one (the maps compare by identity).
 */
final class OnHeapStore extends Store {

    private final ConcurrentMap<Key, byte[]> map;

    private OnHeapStore(Dataset data, ConcurrentMap<Key, byte[]> map) {
        super(data);
        this.map = map;
    }

    static OnHeapStore caffeine(Dataset data) {
        return new OnHeapStore(data, Caffeine.newBuilder().maximumWeight(data.capacityBytes())
                .weigher((Key k, byte[] v) -> k.encodedLength() + v.length).<Key, byte[]>build().asMap());
    }

    static OnHeapStore concurrentHashMap(Dataset data) {
        return new OnHeapStore(data, new ConcurrentHashMap<>());
    }

    @Override
    Set<Op> ops() {
        return EnumSet.allOf(Op.class);
    }

    /** Each entry gets its own key object and array, as entries a cache receives do. */
    @Override
    void put(int i) {
        map.put(Key.decode(data.encodedKeys[i]), data.valueA.clone());
    }

    @Override
    Object get(Context c, int i) {
        return map.get(data.keys[i]);
    }

    @Override
    int copyValue(Context c, int i) {
        byte[] v = map.get(data.keys[i]);
        put(c.dst, v);
        return v.length;
    }

    @Override
    int read(Context c, int i) {
        byte[] v = map.get(data.keys[i]);
        return v[0] + v[v.length - 1];
    }

    @Override
    Object set(Context c, int i) {
        // every other store copies the caller's bytes; a map that kept the caller's array would
        // measure a reference store, not the cost of owning a value
        return map.put(data.keys[i], data.valueA.clone());
    }

    /** The map compares by identity: read the array there, then replace exactly that one. */
    @Override
    boolean cas(Context c, int i) {
        Key key = data.keys[i];
        byte[] seen = map.get(key);
        return map.replace(key, seen, other(seen).clone());
    }

    @Override
    void release() {
        map.clear();
    }
}
