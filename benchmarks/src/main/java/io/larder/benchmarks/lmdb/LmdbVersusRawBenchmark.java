package io.larder.benchmarks.lmdb;

import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
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
 * The {@code lmdb} engine beside raw lmdbjava on the same keys and values: what the engine's
 * contract (expiry check, header, version counter and indexes, pooled transactions) costs over
 * LMDB itself. Both run without fsync ({@code sync=false}, {@code MDB_NOSYNC}), so sets measure the
 * work, not the disk.
 *
 * <p>Raw lmdbjava uses its own {@code ByteBufferProxy.PROXY_OPTIMAL}, which needs
 * {@code --add-opens java.base/java.nio} (the forks get it here); the engine needs no flag.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class LmdbVersusRawBenchmark {

    @Param({"100", "4096"})
    public int valueSize;

    static final int KEYS = 10_000;

    Path root;
    StorageEngine engine;
    Env<ByteBuffer> env;
    Dbi<ByteBuffer> dbi;
    Key[] keys;
    ByteBuffer[] rawKeys;
    ByteBuffer value;

    @Setup(Level.Trial)
    public void open() throws IOException {
        root = Files.createTempDirectory("larder-lmdb-bench-");
        engine = Larder.open("lmdb:" + root.resolve("engine") + "?capacity=1g&sync=false");
        Path rawDir = Files.createDirectory(root.resolve("raw"));
        env = Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMapSize(1L << 30).setMaxDbs(1)
                .open(rawDir.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC);
        dbi = env.openDbi("raw", DbiFlags.MDB_CREATE);
        keys = new Key[KEYS];
        rawKeys = new ByteBuffer[KEYS];
        value = ByteBuffer.allocateDirect(valueSize);
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Key.of("https://example.org/object/" + i);
            byte[] encoded = keys[i].encodedBytes();
            rawKeys[i] = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
            engine.set(keys[i], value, Expiry.never(), 0);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                dbi.put(txn, rawKeys[i], value);
                txn.commit();
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        env.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Per-thread picker, destination buffer, reader, and the raw side's reusable read transaction. */
    @State(Scope.Thread)
    public static class Local {
        final SplittableRandom random = new SplittableRandom(42);
        ByteBuffer dst;
        byte[] copy;
        Txn<ByteBuffer> rawTxn;
        int sink;
        final EntryReader<Object> firstAndLast = view -> {
            ByteBuffer v = view.value();
            sink += v.get(0) + v.get(v.limit() - 1);
            return view;
        };

        @Setup(Level.Trial)
        public void open(LmdbVersusRawBenchmark b) {
            dst = ByteBuffer.allocateDirect(b.valueSize);
            copy = new byte[b.valueSize];
            rawTxn = b.env.txnRead();
            rawTxn.reset();
        }

        @TearDown(Level.Trial)
        public void close() {
            rawTxn.renew();
            rawTxn.close();
        }

        int next() {
            return random.nextInt(KEYS);
        }
    }

    // ---- copying reads: the value lands in the caller's buffer --------------------------------

    @Benchmark
    public int engineCopyValue(Local local) {
        local.dst.clear();
        return engine.copyValue(keys[local.next()], local.dst);
    }

    @Benchmark
    public int rawCopyValue(Local local) {
        local.dst.clear();
        local.rawTxn.renew();
        try {
            ByteBuffer v = dbi.get(local.rawTxn, rawKeys[local.next()]);
            local.dst.put(v);
            return v.limit();
        } finally {
            local.rawTxn.reset();
        }
    }

    /** The convenience read: a fresh {@code Entry} with its own array. */
    @Benchmark
    public Object engineGet(Local local) {
        return engine.get(keys[local.next()]);
    }

    @Benchmark
    public Object rawGetToArray(Local local) {
        local.rawTxn.renew();
        try {
            ByteBuffer v = dbi.get(local.rawTxn, rawKeys[local.next()]);
            byte[] out = new byte[v.remaining()];
            v.get(out);
            return out;
        } finally {
            local.rawTxn.reset();
        }
    }

    // ---- zero-copy reads: look at the mapped bytes in place ----------------------------------

    @Benchmark
    public Object engineReadZeroCopy(Local local) {
        return engine.read(keys[local.next()], local.firstAndLast);
    }

    @Benchmark
    public int rawReadZeroCopy(Local local) {
        local.rawTxn.renew();
        try {
            ByteBuffer v = dbi.get(local.rawTxn, rawKeys[local.next()]);
            return v.get(0) + v.get(v.limit() - 1);
        } finally {
            local.rawTxn.reset();
        }
    }

    // ---- writes ------------------------------------------------------------------------------

    @Benchmark
    public long engineSet(Local local) {
        return engine.set(keys[local.next()], value, Expiry.never(), 0);
    }

    @Benchmark
    public boolean rawSet(Local local) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            boolean put = dbi.put(txn, rawKeys[local.next()], value);
            txn.commit();
            return put;
        }
    }
}
