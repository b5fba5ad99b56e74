package io.larder.benchmarks.rocks;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A store several times larger than the block cache and the JVM heap: loads {@code entries} values
 * of 4 KiB (half random, so they do not compress away) for at most {@code loadSeconds}, then reads
 * for {@code readSeconds} from {@code threads} threads with a skewed key choice (Zipf-like,
 * exponent 1 over the loaded keys, hottest keys spread over the key space), recording each
 * read's latency in an HdrHistogram. Prints load rate, read throughput, hit ratio and percentiles.
 *
 * <p>Run: {@code java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp benchmarks.jar
 * io.larder.benchmarks.rocks.RocksLargerThanMemory DIR ENTRIES LOAD_SECONDS READ_SECONDS THREADS
 * BLOCK_CACHE}.
 */
public final class RocksLargerThanMemory {

    private RocksLargerThanMemory() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long entries = Long.parseLong(args[1]);
        long loadSeconds = Long.parseLong(args[2]);
        long readSeconds = Long.parseLong(args[3]);
        int threads = Integer.parseInt(args[4]);
        String blockCache = args.length > 5 ? args[5] : "64m";
        int valueSize = 4096;
        Files.createDirectories(dir.getParent());
        try (StorageEngine engine = Larder.open("rocksdb:" + dir + "?capacity=1t&blockCache=" + blockCache
                + "&writeBuffer=64m")) {
            long start = System.nanoTime();
            long loadEnd = start + TimeUnit.SECONDS.toNanos(loadSeconds);
            SplittableRandom random = new SplittableRandom(1);
            ByteBuffer value = ByteBuffer.allocateDirect(valueSize);
            long loaded = 0;
            while (loaded < entries && System.nanoTime() < loadEnd) {
                for (int b = 0; b < valueSize / 2; b += 8) {
                    value.putLong(b, random.nextLong());
                }
                engine.set(key(loaded), value, Expiry.never(), 0);
                loaded++;
            }
            double loadSecs = (System.nanoTime() - start) / 1e9;
            System.out.printf("loaded %d entries of %d B (%.2f GiB of values) in %.0f s: %.0f sets/s%n", loaded,
                    valueSize, loaded * (double) valueSize / (1L << 30), loadSecs, loaded / loadSecs);
            System.out.println("engine stats after load: " + engine.stats());
            long keys = loaded;
            Zipf zipf = new Zipf(keys);
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            AtomicLong hits = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            long readEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(readSeconds);
            Thread[] workers = new Thread[threads];
            Histogram[] perThread = new Histogram[threads];
            for (int t = 0; t < threads; t++) {
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                perThread[t] = h;
                long seed = 100 + t;
                workers[t] = new Thread(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    ByteBuffer dst = ByteBuffer.allocateDirect(valueSize);
                    long n = 0;
                    long found = 0;
                    while (System.nanoTime() < readEnd) {
                        long rank = zipf.next(r);
                        // spread the hot ranks over the key space, so hot keys do not share SST blocks
                        long k = (rank * 0x9E3779B97F4A7C15L >>> 1) % keys;
                        dst.clear();
                        long t0 = System.nanoTime();
                        int length = engine.copyValue(key(k), dst);
                        h.recordValue(System.nanoTime() - t0);
                        n++;
                        found += length >= 0 ? 1 : 0;
                    }
                    reads.addAndGet(n);
                    hits.addAndGet(found);
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            for (Histogram h : perThread) {
                all.add(h);
            }
            System.out.printf("skewed reads, %d threads, %d s: %.0f reads/s, hit ratio %.4f, p50 %.1f us, p99 %.1f"
                    + " us, p99.9 %.1f us, max %.1f us%n", threads, readSeconds, reads.get() / (double) readSeconds,
                    hits.get() / (double) reads.get(), all.getValueAtPercentile(50) / 1e3,
                    all.getValueAtPercentile(99) / 1e3, all.getValueAtPercentile(99.9) / 1e3,
                    all.getMaxValue() / 1e3);
            System.out.println("engine stats after reads: " + engine.stats());
        }
    }

    static Key key(long i) {
        return Key.of("https://example.org/page/" + i);
    }

    /**
     * Ranks 0..n-1 with P(rank < x) = ln(x + 1) / ln(n + 1): the continuous form of Zipf's law with
     * exponent 1 (the k-th hottest key is read about 1/k as often as the hottest).
     */
    static final class Zipf {
        private final double logRange;

        Zipf(long n) {
            this.logRange = Math.log(n + 1.0);
        }

        long next(SplittableRandom random) {
            return (long) Math.exp(random.nextDouble() * logRange) - 1;
        }
    }
}
