package io.larder.benchmarks.rocks;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.rocksdb.RocksDBException;

/**
 * The {@code rocksdb} engine beside plain RocksDB on the same keys and values, both with the WAL on
 * and no fsync: what the contract costs over RocksDB itself (record header, expiry and visibility
 * checks, hit statistics; on writes the read of the old record, the index rows and the counters in
 * one batch, the key's stripe lock and the commit lock). Reads land in a preallocated direct buffer
 * on both sides. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RocksVersusRawBenchmark {

    @Param({"100", "4096"})
    public int valueSize;

    static final int KEYS = 50_000;

    Path root;
    StorageEngine engine;
    RawRocks raw;
    Key[] keys;
    ByteBuffer[] rawKeys;
    ByteBuffer value;

    @Setup(Level.Trial)
    public void open() throws IOException, RocksDBException {
        root = Files.createTempDirectory("larder-rocks-bench-");
        engine = Larder.open("rocksdb:" + root.resolve("engine") + "?capacity=4g&blockCache=256m&writeBuffer=64m");
        raw = new RawRocks(root.resolve("raw"), 256L << 20, 64L << 20);
        keys = new Key[KEYS];
        rawKeys = new ByteBuffer[KEYS];
        value = ByteBuffer.allocateDirect(valueSize);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Key.of("https://example.org/object/" + i);
            byte[] encoded = keys[i].encodedBytes();
            rawKeys[i] = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
            engine.set(keys[i], value, Expiry.never(), 0);
            raw.db.put(raw.write, rawKeys[i].duplicate(), value.duplicate());
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        raw.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Per-thread picker and destination buffer. */
    @State(Scope.Thread)
    public static class Local {
        final SplittableRandom random = new SplittableRandom(42);
        ByteBuffer dst;
        ByteBuffer key;

        @Setup(Level.Trial)
        public void open(RocksVersusRawBenchmark b) {
            dst = ByteBuffer.allocateDirect(b.valueSize + 64);
            key = ByteBuffer.allocateDirect(Key.MAX_ENCODED_BYTES);
        }

        int next() {
            return random.nextInt(KEYS);
        }
    }

    @Benchmark
    public int engineCopyValue(Local local) {
        local.dst.clear();
        return engine.copyValue(keys[local.next()], local.dst);
    }

    @Benchmark
    public int rawGetDirect(Local local) throws RocksDBException {
        local.dst.clear();
        local.key.clear();
        local.key.put(rawKeys[local.next()].duplicate()).flip();
        return raw.db.get(raw.read, local.key, local.dst);
    }

    @Benchmark
    public long engineSet(Local local) {
        return engine.set(keys[local.next()], value, Expiry.never(), 0);
    }

    @Benchmark
    public int rawPut(Local local) throws RocksDBException {
        local.key.clear();
        local.key.put(rawKeys[local.next()].duplicate()).flip();
        raw.db.put(raw.write, local.key, value.duplicate());
        return 0;
    }
}
