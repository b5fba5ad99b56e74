package io.larder.benchmarks.sidebyside;

import io.larder.benchmarks.Zipf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Every Larder engine through the SPI beside its raw store and the stores a user would pick
 * instead, on the same keys and values in the same run; the {@code store} parameter names the
 * store (see {@code benchmarks/README.md} for each one's settings). Every store is pre-filled with
 * all keys and sized so nothing is evicted (engines and OHC check it at the end): every read hits.
 *
 * <p>Each benchmark method takes the state whose {@code store} list names exactly the stores that
 * have the operation, so a store without it is never run; one named anyway with {@code -p store=}
 * fails at setup with a message saying so. Threads: {@code -t 1} (default) or {@code -t 2}; each
 * thread has its own key sequence, over the same hot keys.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
    "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class SideBySideBenchmark {

    /** Keys and values, shared by the store and the threads. */
    @State(Scope.Benchmark)
    public static class Data {
        @Param({"100", "4096", "65536"})
        public int valueSize;

        /** The most keys; fewer for large values, so a trial holds at most 256 MiB of values. */
        @Param({"100000"})
        public int maxEntries;

        Dataset dataset;
        /** Which key each Zipf rank reads, a fixed shuffle, so the hot keys are spread over the store. */
        int[] keyOfRank;

        @Setup(Level.Trial)
        public void open() {
            dataset = new Dataset(valueSize, maxEntries);
            int n = dataset.entries;
            keyOfRank = new int[n];
            for (int i = 0; i < n; i++) {
                keyOfRank[i] = i;
            }
            SplittableRandom random = new SplittableRandom(7);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = keyOfRank[i];
                keyOfRank[i] = keyOfRank[j];
                keyOfRank[j] = t;
            }
        }
    }

    /** Opens, fills and at the end checks and closes the store its subclass's parameter names. */
    public abstract static class Holder {
        Store opened;
        private Path dir;

        abstract String storeName();

        @Setup(Level.Trial)
        public void open(Data data, BenchmarkParams params) throws Exception {
            Set<Op> needed = needs(params.getBenchmark());
            dir = Files.createTempDirectory("larder-sidebyside-");
            opened = Stores.open(storeName(), data.dataset, dir);
            if (!opened.ops().containsAll(needed)) {
                Set<Op> missing = EnumSet.copyOf(needed);
                missing.removeAll(opened.ops());
                opened.close();
                throw new IllegalArgumentException("store '" + storeName() + "' has no " + missing + " operation: "
                        + "leave it out of -p store for " + params.getBenchmark());
            }
            opened.fill();
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            try {
                opened.verify();
            } finally {
                opened.close();
                deleteTree(dir);
            }
        }
    }

    /** Every store: they all get, copy and set. */
    @State(Scope.Benchmark)
    public static class AnyStore extends Holder {
        @Param({"heap", "offheap", "lmdb", "rocksdb", "raw-chronicle", "raw-lmdb", "raw-rocksdb", "caffeine", "chm",
            "ohc", "ehcache"})
        public String store;

        @Override
        String storeName() {
            return store;
        }
    }

    /** The stores that read a value in place: the engines' {@code read}, and the peers that can. */
    @State(Scope.Benchmark)
    public static class InPlaceStore extends Holder {
        @Param({"heap", "offheap", "lmdb", "rocksdb", "raw-chronicle", "raw-lmdb", "caffeine", "chm", "ohc"})
        public String store;

        @Override
        String storeName() {
            return store;
        }
    }

    /** The stores with a compare-and-set. */
    @State(Scope.Benchmark)
    public static class CasStore extends Holder {
        @Param({"heap", "offheap", "lmdb", "rocksdb", "raw-chronicle", "raw-lmdb", "caffeine", "chm", "ohc"})
        public String store;

        @Override
        String storeName() {
            return store;
        }
    }

    /**
     * One thread's key sequence, drawn before the trial so uniform and Zipf cost the same to pick,
     * and which of its steps write in the 90/10 mix.
     */
    @State(Scope.Thread)
    public static class Worker {
        private static final int STEPS = 1 << 20;

        @Param({"uniform", "zipf"})
        public String distribution;

        int[] keys;
        boolean[] writes;
        int step;
        Store.Context context;

        @Setup(Level.Trial)
        public void open(Data data, ThreadParams thread) {
            long seed = 42 + thread.getThreadIndex();
            int n = data.dataset.entries;
            keys = new int[STEPS];
            writes = new boolean[STEPS];
            SplittableRandom random = new SplittableRandom(seed);
            Zipf zipf = "zipf".equals(distribution) ? new Zipf(n, 0.99, seed) : null;
            if (zipf == null && !"uniform".equals(distribution)) {
                throw new IllegalArgumentException("distribution must be uniform or zipf, got '" + distribution + "'");
            }
            for (int s = 0; s < STEPS; s++) {
                keys[s] = zipf == null ? random.nextInt(n) : data.keyOfRank[(int) zipf.next()];
                writes[s] = random.nextInt(10) == 0;
            }
        }

        int next() {
            return step++ & (STEPS - 1);
        }

        Store.Context context(Store store) {
            Store.Context c = context;
            if (c == null) {
                c = context = store.newContext();
            }
            return c;
        }
    }

    /** Which operations a benchmark method (JMH's full name) calls. */
    static Set<Op> needs(String benchmark) {
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        switch (method) {
            case "get":
                return EnumSet.of(Op.GET);
            case "copyValue":
                return EnumSet.of(Op.COPY);
            case "read":
                return EnumSet.of(Op.READ);
            case "set":
                return EnumSet.of(Op.SET);
            case "cas":
                return EnumSet.of(Op.CAS);
            case "mix":
                return EnumSet.of(Op.COPY, Op.SET);
            default:
                throw new IllegalArgumentException("no operations known for benchmark " + benchmark);
        }
    }

    /** A read that returns a fresh copy (on-heap maps: the stored array). */
    @Benchmark
    public Object get(AnyStore s, Worker w) {
        Store store = s.opened;
        return store.get(w.context(store), w.keys[w.next()]);
    }

    /** A read into the thread's reused direct buffer. */
    @Benchmark
    public int copyValue(AnyStore s, Worker w) {
        Store store = s.opened;
        Store.Context c = w.context(store);
        c.dst.clear();
        return store.copyValue(c, w.keys[w.next()]);
    }

    /** A visit of the stored value in place, reading its first and last byte. */
    @Benchmark
    public int read(InPlaceStore s, Worker w) {
        Store store = s.opened;
        return store.read(w.context(store), w.keys[w.next()]);
    }

    /** A store of the same-sized value over an existing key. */
    @Benchmark
    public Object set(AnyStore s, Worker w) {
        Store store = s.opened;
        return store.set(w.context(store), w.keys[w.next()]);
    }

    /** A compare-and-set against the value (or version) last seen; with two threads some fail. */
    @Benchmark
    public boolean cas(CasStore s, Worker w) {
        Store store = s.opened;
        return store.cas(w.context(store), w.keys[w.next()]);
    }

    /** 90% copies into the reused buffer, 10% sets, in a fixed random order. */
    @Benchmark
    public Object mix(AnyStore s, Worker w) {
        Store store = s.opened;
        Store.Context c = w.context(store);
        int step = w.next();
        int key = w.keys[step];
        if (w.writes[step]) {
            return store.set(c, key);
        }
        c.dst.clear();
        return store.copyValue(c, key);
    }

    /** Deletes a directory and everything under it; nothing when it is null or gone. */
    public static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
