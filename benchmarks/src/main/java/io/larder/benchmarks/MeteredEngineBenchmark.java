package io.larder.benchmarks;

import io.larder.metrics.MeteredEngine;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What latency recording costs: the same engine read and written directly and through a
 * {@link MeteredEngine}. Reads copy into a reused buffer, so the engine's own work is small and
 * the wrapper's share shows. Run with {@code -t 2} too: recording must not make threads queue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MeteredEngineBenchmark {

    static final int KEYS = KeyPicker.KEYS;

    StorageEngine plain;
    MeteredEngine metered;
    Key[] keys;
    byte[] value;

    @State(Scope.Thread)
    public static class Buffer {
        final ByteBuffer dst = ByteBuffer.allocate(256);
    }

    @Setup(Level.Trial)
    public void open() {
        plain = Larder.open("heap:?capacity=64m");
        metered = MeteredEngine.wrap(Larder.open("heap:?capacity=64m"));
        keys = new Key[KEYS];
        value = new byte[100];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Key.of("https://example.org/object/" + i);
            plain.set(keys[i], value, Expiry.never(), 0);
            metered.set(keys[i], value, Expiry.never(), 0);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        plain.close();
        metered.close();
    }

    @Benchmark
    public int plainCopyValue(KeyPicker picker, Buffer buffer) {
        buffer.dst.clear();
        return plain.copyValue(keys[picker.next()], buffer.dst);
    }

    @Benchmark
    public int meteredCopyValue(KeyPicker picker, Buffer buffer) {
        buffer.dst.clear();
        return metered.copyValue(keys[picker.next()], buffer.dst);
    }

    @Benchmark
    public long plainSet(KeyPicker picker) {
        return plain.set(keys[picker.next()], value, Expiry.never(), 0);
    }

    @Benchmark
    public long meteredSet(KeyPicker picker) {
        return metered.set(keys[picker.next()], value, Expiry.never(), 0);
    }
}
