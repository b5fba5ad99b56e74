package io.larder.benchmarks.sidebyside;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;

/**
 * Ehcache 3 with its off-heap tier only, {@code String} keys (the key text) and {@code byte[]}
 * values through its own serializers. Every read deserializes a fresh array; Ehcache has no way to
 * copy into a caller's buffer, so {@code copyValue} is a get and a copy. No compare-and-set is
 * measured: {@code replace(key, old, new)} compares the deserialized copy with {@code equals},
 * which for arrays is identity, so it never replaces a {@code byte[]} (tried: false even when
 * given the very array stored).
 */
final class EhcacheStore extends Store {

    private final CacheManager manager;
    private final Cache<String, byte[]> cache;
    private final String[] keys;

    EhcacheStore(Dataset data) {
        super(data);
        long megabytes = Math.max(1, data.capacityBytes() >> 20);
        manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);
        cache = manager.createCache("bench", CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class,
                byte[].class, ResourcePoolsBuilder.newResourcePoolsBuilder().offheap(megabytes, MemoryUnit.MB)));
        keys = new String[data.entries];
        for (int i = 0; i < data.entries; i++) {
            keys[i] = data.keys[i].primaryAsString();
        }
    }

    @Override
    void put(int i) {
        cache.put(keys[i], data.valueA);
    }

    @Override
    Object get(Context c, int i) {
        return cache.get(keys[i]);
    }

    @Override
    int copyValue(Context c, int i) {
        byte[] v = cache.get(keys[i]);
        put(c.dst, v);
        return v.length;
    }

    @Override
    Object set(Context c, int i) {
        cache.put(keys[i], data.valueA);
        return keys[i];
    }

    @Override
    void release() {
        manager.close();
    }
}
