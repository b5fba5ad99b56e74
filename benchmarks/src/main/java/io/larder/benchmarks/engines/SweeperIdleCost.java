package io.larder.benchmarks.engines;

import io.larder.benchmarks.ChildJvm;
import io.larder.benchmarks.sidebyside.Dataset;
import io.larder.benchmarks.sidebyside.SideBySideBenchmark;
import io.larder.benchmarks.sidebyside.Stores;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an idle engine costs: each engine in its own JVM ({@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}
 * and the build's fork flags) is filled with 100-byte entries that expire in an hour, so its expiry
 * bookkeeping holds them all and its sweeper (default interval) finds nothing to remove; after a
 * settling pause, the CPU the process and Larder's own threads ({@code larder-*}) use over a quiet
 * window is reported per second. A JVM that opens nothing ({@code none}) gives the floor: the
 * JVM's own idle work.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.larder.benchmarks.engines.SweeperIdleCost
 * [entries] [seconds] [engine,engine,...]} (defaults: 1,000,000 entries, 30 seconds, every engine).
 */
public final class SweeperIdleCost {

    private SweeperIdleCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--one")) {
            measure(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> stores = new ArrayList<>(List.of("none"));
        stores.addAll(args.length > 2 ? Arrays.asList(args[2].split(",")) : Stores.ENGINES);
        System.out.printf(Locale.ROOT, "%,d entries of 100 bytes expiring in an hour, idle for %d s; CPU per second"
                + " of idle time%n", entries, seconds);
        System.out.printf(Locale.ROOT, "%-10s %16s %18s%n", "engine", "process ms/s", "larder-* threads ms/s");
        for (String store : stores) {
            ChildJvm.Result child = ChildJvm.run(SweeperIdleCost.class, List.of("-Xms2g", "-Xmx2g",
                    "-XX:+AlwaysPreTouch"), "--one", store, String.valueOf(entries), String.valueOf(seconds));
            System.out.println(child.status() == 0 ? child.output()
                    : String.format("%-10s FAILED (exit %d): %s", store, child.status(), child.output()));
        }
    }

    private static void measure(String store, int entries, int seconds) throws Exception {
        Path dir = Files.createTempDirectory("larder-idle-");
        StorageEngine engine = null;
        try {
            if (!store.equals("none")) {
                engine = Larder.open(Stores.engineUri(store, new Dataset(100, entries), dir, ""));
                byte[] value = new byte[100];
                Expiry inAnHour = Expiry.after(Duration.ofHours(1));
                for (int i = 0; i < entries; i++) {
                    engine.set(Key.of("https://example.org/object/" + i), value, inAnHour, 0);
                }
            }
            System.gc();
            Thread.sleep(5_000);
            long process0 = processCpuNanos();
            long larder0 = larderThreadsCpuNanos();
            Thread.sleep(seconds * 1_000L);
            long process1 = processCpuNanos();
            long larder1 = larderThreadsCpuNanos();
            if (engine != null && engine.stats().entries() != entries) {
                throw new IllegalStateException(store + " holds " + engine.stats().entries() + " entries of " + entries);
            }
            System.out.printf(Locale.ROOT, "%-10s %16.2f %18.2f%n", store, (process1 - process0) / 1e6 / seconds,
                    (larder1 - larder0) / 1e6 / seconds);
        } finally {
            if (engine != null) {
                engine.close();
            }
            SideBySideBenchmark.deleteTree(dir);
        }
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("this platform does not report process CPU time"))
                .toNanos();
    }

    /**
     * CPU of the threads named {@code larder-*} alive now; a thread that ended in the window is lost,
     * but Larder's background threads live as long as their engine.
     */
    private static long larderThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("larder-")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }
}
