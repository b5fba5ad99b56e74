package io.larder.benchmarks.engines;

import io.larder.benchmarks.sidebyside.Dataset;
import io.larder.benchmarks.sidebyside.SideBySideBenchmark;
import io.larder.benchmarks.sidebyside.Stores;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * Variants and tags, per engine, in a store of {@value #ENTRIES} entries of 100 bytes: one primary
 * ({@value #PRIMARY}) with {@value #VARIANTS} variants, {@value #TAGGED} entries carrying the tag
 * {@value #TAG}, and plain entries for the rest.
 *
 * <ul>
 *   <li>{@code copyValuePlain}, {@code copyValueVariant}, {@code copyValueTagged}: a read into a
 *       reused direct buffer of one of {@value #VARIANTS} plain entries, variants or tagged entries,
 *       at random; the plain read is the baseline the other two are read against.
 *   <li>{@code invalidatePrimary}: {@code invalidate(primary)} removing all {@value #VARIANTS}
 *       variants, one call timed at a time (the variants are stored again, untimed, before each).
 *   <li>{@code invalidateTag}: {@code invalidateTag(tag, REMOVE)}, one call timed at a time (the
 *       tagged entries are written again, untimed, before each; afterwards they must read as absent).
 *       The call only: an engine that raises a watermark leaves taking the entries out to its
 *       sweeper, which is not timed here.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class PurgeBenchmark {

    static final int ENTRIES = 1_000_000;
    static final int VARIANTS = 3_000;
    static final int TAGGED = 3_000;
    static final String PRIMARY = "https://example.org/hot";
    static final String TAG = "hot";

    /** The filled engine, shared by the threads. */
    @State(Scope.Benchmark)
    public static class Filled {
        @Param({"heap", "offheap", "lmdb", "rocksdb"})
        public String store;

        StorageEngine engine;
        Key[] plain;
        Key[] variants;
        Key[] tagged;
        private final byte[] value = new byte[100];
        private Path dir;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("larder-purge-");
            engine = Larder.open(Stores.engineUri(store, new Dataset(value.length, ENTRIES), dir, ""));
            plain = new Key[ENTRIES - VARIANTS - TAGGED];
            for (int i = 0; i < plain.length; i++) {
                plain[i] = Key.of("https://example.org/object/" + i);
                engine.set(plain[i], value, Expiry.never(), 0);
            }
            variants = new Key[VARIANTS];
            for (int i = 0; i < VARIANTS; i++) {
                variants[i] = Key.of(PRIMARY, Variant.of("accept-language", "l" + i));
            }
            tagged = new Key[TAGGED];
            for (int i = 0; i < TAGGED; i++) {
                tagged[i] = Key.of("https://example.org/tagged/" + i);
            }
            storeVariants();
            storeTagged();
            // file engines: every page read once before measuring
            ByteBuffer dst = ByteBuffer.allocateDirect(value.length);
            for (Key[] keys : new Key[][] {plain, variants, tagged}) {
                for (Key key : keys) {
                    dst.clear();
                    if (engine.copyValue(key, dst) != value.length) {
                        throw new IllegalStateException(store + " lost " + key + " while filling");
                    }
                }
            }
        }

        void storeVariants() {
            for (Key key : variants) {
                engine.set(key, value, Expiry.never(), 0);
            }
        }

        void storeTagged() {
            WriteOptions options = WriteOptions.tagged(TAG);
            for (Key key : tagged) {
                engine.set(key, value, options);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            try {
                long evictions = engine.stats().evictions();
                if (evictions != 0) {
                    throw new IllegalStateException(store + " evicted " + evictions + " entries: the store is too small");
                }
            } finally {
                engine.close();
                SideBySideBenchmark.deleteTree(dir);
            }
        }
    }

    /** A thread's random choice and buffer. */
    @State(Scope.Thread)
    public static class Reader {
        final SplittableRandom random = new SplittableRandom(42);
        final ByteBuffer dst = ByteBuffer.allocateDirect(128);
    }

    /** Stores the variants again before each timed {@code invalidatePrimary}. */
    @State(Scope.Benchmark)
    public static class VariantsStored {
        @Setup(Level.Invocation)
        public void store(Filled filled) {
            filled.storeVariants();
        }
    }

    /** Writes the tagged entries again before each timed {@code invalidateTag}, and checks they went. */
    @State(Scope.Benchmark)
    public static class TaggedStored {
        private final ByteBuffer dst = ByteBuffer.allocateDirect(128);

        @Setup(Level.Invocation)
        public void store(Filled filled) {
            filled.storeTagged();
        }

        @TearDown(Level.Invocation)
        public void check(Filled filled) {
            for (Key key : new Key[] {filled.tagged[0], filled.tagged[TAGGED - 1]}) {
                dst.clear();
                if (filled.engine.copyValue(key, dst) != -1) {
                    throw new IllegalStateException(filled.store + " still returns " + key + " after invalidateTag");
                }
            }
        }
    }

    @Benchmark
    public int copyValuePlain(Filled f, Reader r) {
        r.dst.clear();
        // as few keys as the variants and tagged entries, so all three meet the same caches
        return f.engine.copyValue(f.plain[r.random.nextInt(VARIANTS)], r.dst);
    }

    @Benchmark
    public int copyValueVariant(Filled f, Reader r) {
        r.dst.clear();
        return f.engine.copyValue(f.variants[r.random.nextInt(VARIANTS)], r.dst);
    }

    @Benchmark
    public int copyValueTagged(Filled f, Reader r) {
        r.dst.clear();
        return f.engine.copyValue(f.tagged[r.random.nextInt(TAGGED)], r.dst);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public int invalidatePrimary(Filled f, VariantsStored stored) {
        int removed = f.engine.invalidate(PRIMARY);
        if (removed != VARIANTS) {
            throw new IllegalStateException(f.store + " removed " + removed + " variants of " + VARIANTS);
        }
        return removed;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long invalidateTag(Filled f, TaggedStored stored) {
        return f.engine.invalidateTag(TAG, InvalidationMode.REMOVE);
    }
}
