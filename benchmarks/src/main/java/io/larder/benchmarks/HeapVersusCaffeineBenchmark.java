package io.larder.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.util.concurrent.TimeUnit;
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
 * The reference {@code heap} engine beside Caffeine on the same keys and values: the baseline an
 * on-heap user compares against. The heap engine is one lock and exact LRU, a model, not a rival.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HeapVersusCaffeineBenchmark {

    @Param({"100", "4096"})
    public int valueSize;

    static final int KEYS = KeyPicker.KEYS;

    StorageEngine heap;
    Cache<Key, byte[]> caffeine;
    Key[] keys;
    byte[] value;

    @Setup(Level.Trial)
    public void open() {
        heap = Larder.open("heap:?capacity=512m");
        caffeine = Caffeine.newBuilder().maximumWeight(512L << 20)
                .weigher((Key k, byte[] v) -> k.encodedLength() + v.length).build();
        keys = new Key[KEYS];
        value = new byte[valueSize];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Key.of("https://example.org/object/" + i);
            heap.set(keys[i], value, Expiry.never(), 0);
            caffeine.put(keys[i], value);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        heap.close();
    }

    @Benchmark
    public Object heapGet(KeyPicker picker) {
        return heap.get(keys[picker.next()]);
    }

    @Benchmark
    public Object caffeineGet(KeyPicker picker) {
        return caffeine.getIfPresent(keys[picker.next()]);
    }

    @Benchmark
    public long heapSet(KeyPicker picker) {
        return heap.set(keys[picker.next()], value, Expiry.never(), 0);
    }

    @Benchmark
    public Object caffeineSet(KeyPicker picker) {
        caffeine.put(keys[picker.next()], value);
        return value;
    }
}
