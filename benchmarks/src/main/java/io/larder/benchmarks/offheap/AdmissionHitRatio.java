package io.larder.benchmarks.offheap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.larder.benchmarks.Zipf;
import io.larder.benchmarks.sidebyside.OhcStore;
import io.larder.engine.offheap.JvmFlags;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;

/**
 * Hit ratios on a skewed trace at one byte budget: every engine ({@code heap}, {@code offheap}
 * without admission and with {@code admission=tinylfu}, {@code lmdb}, {@code rocksdb}), Caffeine
 * (W-TinyLFU, the same budget through a weigher), OHC (LRU, the same capacity) and an exact LRU
 * ({@link LinkedHashMap} in access order, the same weigher). Each request reads its key and, on a
 * miss, stores it. Keys follow a Zipf law (exponent 0.99) over far more keys than fit; the seed is
 * fixed, so every run replays the same trace. The first fifth of the trace warms up. Values are
 * random bytes, so RocksDB's compression cannot stretch the budget.
 *
 * <p>Budgets are each store's own accounting: {@code lmdb} keeps its entries to 60% of its map
 * size, so it gets the budget / 0.6; {@code rocksdb} charges 64 bytes more per entry than
 * {@code offheap} for its index rows; OHC counts its own entry headers.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar hit-ratio [requests] [keys] [capacityBytes]},
 * which starts it in a JVM given the Chronicle flags.
 */
public final class AdmissionHitRatio {

    static {
        JvmFlags.quietChronicle();
    }

    private static final int VALUE_SIZE = 200;
    /** What the engine charges beyond key and value: the 48-byte header and Chronicle's size prefixes. */
    private static final int ENTRY_OVERHEAD = 48 + 2;

    private AdmissionHitRatio() {
    }

    /** A cache under test: get, and put on a miss. */
    interface Policy extends AutoCloseable {
        boolean getOrPut(Key key, byte[] value);

        @Override
        void close();
    }

    public static void main(String[] args) throws IOException {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        long capacity = args.length > 2 ? Long.parseLong(args[2]) : 8L << 20;
        Key[] trace = new Key[requests];
        Zipf zipf = new Zipf(keys, 0.99, 20_261_123L);
        Key[] byRank = new Key[keys];
        for (int i = 0; i < requests; i++) {
            int rank = (int) zipf.next();
            Key k = byRank[rank];
            if (k == null) {
                k = byRank[rank] = Key.of("https://example.org/object/" + rank);
            }
            trace[i] = k;
        }
        System.out.printf("Zipf 0.99 over %,d keys, %,d requests (first fifth warms up), %d-byte values, budget %,d"
                + " bytes%n", keys, requests, VALUE_SIZE, capacity);
        Path dir = Files.createTempDirectory("larder-hit-ratio-");
        try {
            run("heap", engine("heap:?maxValueSize=4k&capacity=" + capacity), trace);
            run("offheap admission=none", offheap(capacity, "none"), trace);
            run("offheap admission=tinylfu", offheap(capacity, "tinylfu"), trace);
            run("lmdb", engine("lmdb:" + dir.resolve("lmdb") + "?sync=false&maxValueSize=4k&capacity="
                    + Math.max(1L << 20, (long) (capacity / 0.6))), trace);
            run("rocksdb", engine("rocksdb:" + dir.resolve("rocksdb") + "?maxValueSize=4k&capacity=" + Math.max(1L << 20, capacity)),
                    trace);
            run("Caffeine (W-TinyLFU)", caffeine(capacity), trace);
            run("OHC (LRU)", ohc(capacity), trace);
            run("LRU (LinkedHashMap)", lru(capacity), trace);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void run(String name, Policy policy, Key[] trace) {
        byte[] value = new byte[VALUE_SIZE];
        new SplittableRandom(5).nextBytes(value);
        int warm = trace.length / 5;
        long hits = 0;
        try (policy) {
            for (int i = 0; i < trace.length; i++) {
                boolean hit = policy.getOrPut(trace[i], value);
                if (hit && i >= warm) {
                    hits++;
                }
            }
        } catch (RuntimeException e) {
            // one store failing is a finding to report, not a reason to lose the others' figures
            System.out.printf("%-28s FAILED: %s%n", name, e);
            return;
        }
        System.out.printf("%-28s hit ratio %.4f%n", name, hits / (double) (trace.length - warm));
    }

    private static long weight(Key key, byte[] value) {
        return key.encodedLength() + value.length + ENTRY_OVERHEAD;
    }

    private static Policy offheap(long capacity, String admission) {
        return engine("offheap:?capacity=" + capacity + "&averageValueSize=" + VALUE_SIZE
                + "&averageKeySize=40&maxValueSize=4k&admission=" + admission);
    }

    private static Policy engine(String uri) {
        StorageEngine engine = Larder.open(uri);
        return new Policy() {
            @Override
            public boolean getOrPut(Key key, byte[] value) {
                if (engine.copyValue(key, java.nio.ByteBuffer.allocate(VALUE_SIZE)) >= 0) {
                    return true;
                }
                engine.set(key, value, Expiry.never(), 0);
                return false;
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    private static Policy caffeine(long capacity) {
        Cache<Key, byte[]> cache = Caffeine.newBuilder().maximumWeight(capacity).executor(Runnable::run)
                .weigher((Key k, byte[] v) -> (int) weight(k, v)).build();
        return new Policy() {
            @Override
            public boolean getOrPut(Key key, byte[] value) {
                if (cache.getIfPresent(key) != null) {
                    return true;
                }
                cache.put(key, value);
                return false;
            }

            @Override
            public void close() {
                cache.invalidateAll();
            }
        };
    }

    private static Policy ohc(long capacity) {
        OHCache<byte[], byte[]> cache = OHCacheBuilder.<byte[], byte[]>newBuilder().keySerializer(OhcStore.BYTES)
                .valueSerializer(OhcStore.BYTES).capacity(capacity).build();
        return new Policy() {
            @Override
            public boolean getOrPut(Key key, byte[] value) {
                byte[] k = key.encodedBytes();
                if (cache.get(k) != null) {
                    return true;
                }
                cache.put(k, value);
                return false;
            }

            @Override
            public void close() {
                try {
                    cache.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static Policy lru(long capacity) {
        long[] used = {0};
        LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(1 << 16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
                return false;
            }
        };
        return new Policy() {
            @Override
            public boolean getOrPut(Key key, byte[] value) {
                if (map.get(key) != null) {
                    return true;
                }
                map.put(key, value);
                used[0] += weight(key, value);
                var it = map.entrySet().iterator();
                while (used[0] > capacity && it.hasNext()) {
                    Map.Entry<Key, byte[]> eldest = it.next();
                    used[0] -= weight(eldest.getKey(), eldest.getValue());
                    it.remove();
                }
                return false;
            }

            @Override
            public void close() {
                map.clear();
            }
        };
    }
}
