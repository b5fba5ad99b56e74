package io.larder.benchmarks.sidebyside;

import io.larder.benchmarks.ChildJvm;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Memory per entry beyond key and value, for every store of the side-by-side benchmark: each store
 * in its own JVM ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch}, so the heap's resident size is fixed),
 * opened after a small warm-up fill has loaded its classes, then filled; the growth during the
 * fill of the heap in use after GC plus that of the process's resident memory (native memory,
 * and for LMDB the mapped pages read), divided by the entries, less the encoded key and the value.
 * What a store reserves at open and never touches is not counted; what it touches is (Ehcache's
 * off-heap pool, RocksDB's memtable). Disk use is not
 * counted (see {@code rocks.RocksDiskUse}). Linux only (reads {@code /proc/self/status}).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.larder.benchmarks.sidebyside.MemoryPerEntry [valueSize] [entries] [store,store,...]}.
 */
public final class MemoryPerEntry {

    private MemoryPerEntry() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--one")) {
            measure(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int valueSize = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        List<String> stores = new ArrayList<>(Stores.ENGINES);
        stores.addAll(Stores.RAW);
        stores.addAll(Stores.PEERS);
        if (args.length > 2) {
            stores = Arrays.asList(args[2].split(","));
        }
        System.out.printf("%d-byte values, %,d entries; bytes per entry beyond encoded key and value%n", valueSize,
                entries);
        System.out.printf("%-14s %12s %12s %12s%n", "store", "heap", "native+rss", "total");
        for (String store : stores) {
            ChildJvm.Result child = ChildJvm.run(MemoryPerEntry.class, List.of("-Xms1g", "-Xmx1g",
                    "-XX:+AlwaysPreTouch", "--add-opens=java.base/java.nio=ALL-UNNAMED"), "--one", store,
                    String.valueOf(valueSize), String.valueOf(entries));
            System.out.println(child.status() == 0 ? child.output()
                    : String.format("%-14s FAILED (exit %d): %s", store, child.status(), child.output()));
        }
    }

    private static void measure(String name, int valueSize, int entries) throws Exception {
        fillAndClose(name, new Dataset(valueSize, 1_000));
        Dataset data = new Dataset(valueSize, entries);
        Path dir = Files.createTempDirectory("larder-memory-");
        try {
            try (Store store = Stores.open(name, data, dir)) {
                // from after open: what the entries cost, not the benchmark's own per-key buffers
                long heap0 = heapAfterGc();
                long rss0 = residentBytes();
                store.fill();
                long heap = heapAfterGc() - heap0;
                long rss = residentBytes() - rss0;
                long payload = (long) data.entries * valueSize;
                for (byte[] k : data.encodedKeys) {
                    payload += k.length;
                }
                System.out.printf("%-14s %12d %12d %12d%n", name, heap / data.entries, rss / data.entries,
                        (heap + rss - payload) / data.entries);
            }
        } finally {
            SideBySideBenchmark.deleteTree(dir);
        }
    }

    private static void fillAndClose(String name, Dataset data) throws Exception {
        Path dir = Files.createTempDirectory("larder-memory-warm-");
        try (Store store = Stores.open(name, data, dir)) {
            store.fill();
        } finally {
            SideBySideBenchmark.deleteTree(dir);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process. */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status: this measurement needs Linux");
    }
}
