package io.larder.benchmarks.offheap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.larder.benchmarks.KeyPicker;
import io.larder.engine.offheap.JvmFlags;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code offheap} engine beside a raw Chronicle Map holding the same keys (their encodings) and
 * values, and Caffeine as the on-heap reference. The engine adds a 48-byte header, expiry checks,
 * hit counting, eviction stamps and its budgets; the raw map does none of that. Every store is
 * sized to hold all keys, so nothing is evicted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class OffHeapVersusChronicleBenchmark {

    static {
        JvmFlags.quietChronicle();
    }

    @Param({"100", "4096"})
    public int valueSize;

    static final int KEYS = KeyPicker.KEYS;

    StorageEngine offheap;
    ChronicleMap<byte[], byte[]> chronicle;
    Cache<Key, byte[]> caffeine;
    Key[] keys;
    byte[][] encodedKeys;
    byte[] value;

    @Setup(Level.Trial)
    public void open() {
        long capacity = 4L * KEYS * (valueSize + 200);
        offheap = Larder.open("offheap:?capacity=" + capacity + "&averageValueSize=" + valueSize
                + "&averageKeySize=40&maxValueSize=64k");
        chronicle = ChronicleMapBuilder.of(byte[].class, byte[].class).name("raw").entries(KEYS)
                .averageKeySize(40).averageValueSize(valueSize).putReturnsNull(true).create();
        caffeine = Caffeine.newBuilder().maximumWeight(capacity)
                .weigher((Key k, byte[] v) -> k.encodedLength() + v.length).build();
        keys = new Key[KEYS];
        encodedKeys = new byte[KEYS][];
        value = new byte[valueSize];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Key.of("https://example.org/object/" + i);
            encodedKeys[i] = keys[i].encodedBytes();
            offheap.set(keys[i], value, Expiry.never(), 0);
            chronicle.put(encodedKeys[i], value);
            caffeine.put(keys[i], value);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (offheap.stats().evictions() != 0) {
            throw new IllegalStateException("the engine evicted: the comparison is off");
        }
        offheap.close();
        chronicle.close();
    }

    @Benchmark
    public Object offheapGet(KeyPicker picker) {
        return offheap.get(keys[picker.next()]);
    }

    @Benchmark
    public Object chronicleGet(KeyPicker picker) {
        return chronicle.get(encodedKeys[picker.next()]);
    }

    /** Raw map through a query context with a byte[] key: read lock, copy of the value. */
    @Benchmark
    public Object chronicleContextGet(KeyPicker picker) {
        try (net.openhft.chronicle.map.ExternalMapQueryContext<byte[], byte[], ?> c =
                chronicle.queryContext(encodedKeys[picker.next()])) {
            c.readLock().lock();
            net.openhft.chronicle.map.MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            net.openhft.chronicle.hash.Data<byte[]> v = e.value();
            byte[] out = new byte[(int) v.size()];
            v.bytes().read(v.offset(), out, 0, out.length);
            return out;
        }
    }

    /** Raw map through a query context with a BytesStore key. */
    @Benchmark
    public Object chronicleStoreContextGet(KeyPicker picker) {
        byte[] k = encodedKeys[picker.next()];
        try (net.openhft.chronicle.map.ExternalMapQueryContext<byte[], byte[], ?> c =
                chronicle.queryContext(net.openhft.chronicle.bytes.BytesStore.wrap(k), 0, k.length)) {
            c.readLock().lock();
            net.openhft.chronicle.map.MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            net.openhft.chronicle.hash.Data<byte[]> v = e.value();
            byte[] out = new byte[(int) v.size()];
            v.bytes().read(v.offset(), out, 0, out.length);
            return out;
        }
    }

    @Benchmark
    public Object caffeineGet(KeyPicker picker) {
        return caffeine.getIfPresent(keys[picker.next()]);
    }

    @Benchmark
    public long offheapSet(KeyPicker picker) {
        return offheap.set(keys[picker.next()], value, Expiry.never(), 0);
    }

    @Benchmark
    public Object chronicleSet(KeyPicker picker) {
        chronicle.put(encodedKeys[picker.next()], value);
        return value;
    }

    @Benchmark
    public Object caffeineSet(KeyPicker picker) {
        caffeine.put(keys[picker.next()], value);
        return value;
    }
}
