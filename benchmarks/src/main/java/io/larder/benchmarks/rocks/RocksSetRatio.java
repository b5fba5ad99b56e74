package io.larder.benchmarks.rocks;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Engine sets against raw RocksDB puts, alternating in short rounds in one process, so that the
 * load of a shared machine weighs on both sides alike: prints each round's ratio and the median,
 * also by the calling threads' CPU time per op (what a busy machine disturbs least; it leaves out
 * RocksDB's background flushes and compactions, and time spent waiting).
 * The JMH side-by-side benchmark runs the two sides in separate forks minutes apart, which on a
 * busy machine swings a ratio by 2x.
 *
 * <p>Arguments: value size, threads, rounds, round millis, [options for the engine URI, e.g.
 * {@code sync=true}; raw RocksDB then syncs too].
 */
public final class RocksSetRatio {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private RocksSetRatio() {
    }

    public static void main(String[] args) throws Exception {
        int valueSize = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        long roundMillis = Long.parseLong(args[3]);
        String extra = args.length > 4 ? "&" + args[4] : "";
        boolean sync = extra.contains("sync=true");
        int keyCount = 50_000;
        Path root = Files.createTempDirectory("larder-rocks-ratio-");
        try (StorageEngine engine = Larder.open("rocksdb:" + root.resolve("engine")
                + "?capacity=4g&blockCache=256m&writeBuffer=64m" + extra);
                RawRocks raw = new RawRocks(root.resolve("raw"), 256L << 20, 64L << 20)) {
            raw.write.setSync(sync);
            Key[] keys = new Key[keyCount];
            ByteBuffer[] rawKeys = new ByteBuffer[keyCount];
            ByteBuffer value = ByteBuffer.allocateDirect(valueSize);
            for (int i = 0; i < keyCount; i++) {
                keys[i] = Key.of("https://example.org/object/" + i);
                byte[] encoded = keys[i].encodedBytes();
                rawKeys[i] = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
                if (!sync) {
                    engine.set(keys[i], value, Expiry.never(), 0);
                    raw.db.put(raw.write, rawKeys[i].duplicate(), value.duplicate());
                }
            }
            double[] ratios = new double[rounds];
            double[] cpuRatios = new double[rounds];
            for (int round = -2; round < rounds; round++) {
                boolean engineFirst = (round & 1) == 0;
                double[] a = run(threads, roundMillis, engineFirst, keys, rawKeys, value, engine, raw);
                double[] b = run(threads, roundMillis, !engineFirst, keys, rawKeys, value, engine, raw);
                double[] engineOps = engineFirst ? a : b;
                double[] rawOps = engineFirst ? b : a;
                if (round >= 0) {
                    ratios[round] = engineOps[0] / rawOps[0];
                    cpuRatios[round] = rawOps[1] / engineOps[1];
                    System.out.printf("round %d: engine %.0f sets/s, raw %.0f puts/s, ratio %.2f; caller CPU per op:"
                            + " engine %.1f us, raw %.1f us%n", round, engineOps[0], rawOps[0], ratios[round],
                            engineOps[1] / 1e3, rawOps[1] / 1e3);
                }
            }
            Arrays.sort(ratios);
            Arrays.sort(cpuRatios);
            System.out.printf("value %d B, %d threads%s: median ratio %.2f (min %.2f, max %.2f); by the callers' CPU"
                    + " time per op: %.2f (min %.2f, max %.2f)%n", valueSize, threads, extra, ratios[rounds / 2],
                    ratios[0], ratios[rounds - 1], cpuRatios[rounds / 2], cpuRatios[0], cpuRatios[rounds - 1]);
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Ops per second of one side over one round, and its callers' CPU nanoseconds per op. */
    private static double[] run(int threads, long millis, boolean engineSide, Key[] keys, ByteBuffer[] rawKeys,
            ByteBuffer value, StorageEngine engine, RawRocks raw) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[] counts = new long[threads];
        long[] cpu = new long[threads];
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(id * 31L + System.nanoTime());
                ByteBuffer key = ByteBuffer.allocateDirect(Key.MAX_ENCODED_BYTES);
                try {
                    start.await();
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long n = 0;
                    while (!stop.get()) {
                        int i = random.nextInt(keys.length);
                        if (engineSide) {
                            engine.set(keys[i], value, Expiry.never(), 0);
                        } else {
                            key.clear();
                            key.put(rawKeys[i].duplicate()).flip();
                            raw.db.put(raw.write, key, value.duplicate());
                        }
                        n++;
                    }
                    counts[id] = n;
                    cpu[id] = THREADS.getCurrentThreadCpuTime() - cpuStart;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            workers[t].start();
        }
        start.await();
        long began = System.nanoTime();
        Thread.sleep(millis);
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        long ops = Arrays.stream(counts).sum();
        return new double[] {ops / seconds, Arrays.stream(cpu).sum() / (double) Math.max(1, ops)};
    }
}
