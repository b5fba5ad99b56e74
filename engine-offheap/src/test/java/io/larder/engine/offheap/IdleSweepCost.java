package io.larder.engine.offheap;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * Measures what an idle engine costs: fills it with {@code entries} entries that expire in an hour
 * (so none is due), then reports the CPU time its sweeper thread uses over a window of wall time.
 * Not a test: run by hand with the Chronicle flags, a fixed heap and pre-touched memory, e.g.
 * {@code java -Xms2g -Xmx2g -XX:+AlwaysPreTouch <flags> -cp ... io.larder.engine.offheap.IdleSweepCost 1000000 10}.
 */
public final class IdleSweepCost {

    private IdleSweepCost() {
    }

    public static void main(String[] args) throws InterruptedException {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (StorageEngine engine = Larder.open("offheap:?capacity=1g&maxValueSize=4k&averageValueSize=100"
                + "&averageKeySize=24&sweepInterval=1s")) {
            byte[] value = new byte[100];
            for (int i = 0; i < entries; i++) {
                engine.set(Key.of("/idle/" + i), value, Expiry.after(Duration.ofHours(1)), 0);
            }
            long held = engine.stats().entries();
            // Let the first passes run before measuring.
            Thread.sleep(2_000);
            long[] ids = sweeperIds(threads);
            long before = cpu(threads, ids);
            long wallBefore = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            long used = cpu(threads, ids) - before;
            long wall = System.nanoTime() - wallBefore;
            System.out.printf("entries held %d; sweeper CPU %.1f ms over %.1f s of wall time = %.3f%% of a core%n",
                    held, used / 1e6, wall / 1e9, 100.0 * used / wall);
        }
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    private static long[] sweeperIds(ThreadMXBean threads) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("sweeper"))
                .mapToLong(Thread::getId).toArray();
    }

    private static long cpu(ThreadMXBean threads, long[] ids) {
        long total = 0;
        for (long id : ids) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                total += t;
            }
        }
        return total;
    }
}
