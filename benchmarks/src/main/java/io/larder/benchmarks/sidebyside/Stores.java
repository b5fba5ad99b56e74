package io.larder.benchmarks.sidebyside;

import java.nio.file.Path;
import java.util.List;

/** The stores by the names the benchmark's {@code store} parameter takes. */
public final class Stores {

    /** Larder's engines, through the SPI. */
    public static final List<String> ENGINES = List.of("heap", "offheap", "lmdb", "rocksdb");

    /** Each engine's raw store, where it has one. */
    public static final List<String> RAW = List.of("raw-chronicle", "raw-lmdb", "raw-rocksdb");

    /** What a user would pick instead. */
    public static final List<String> PEERS = List.of("caffeine", "chm", "ohc", "ehcache");

    private Stores() {
    }

    /** The raw store an engine is built on, or {@code null}. */
    public static String rawOf(String engine) {
        switch (engine) {
            case "offheap":
                return "raw-chronicle";
            case "lmdb":
                return "raw-lmdb";
            case "rocksdb":
                return "raw-rocksdb";
            default:
                return null;
        }
    }

    /**
     * Opens the named store, empty.
     *
     * @throws IllegalArgumentException if the name is none of {@link #ENGINES}, {@link #RAW}, {@link #PEERS}
     */
    static Store open(String name, Dataset data, Path dir) throws Exception {
        if (ENGINES.contains(name)) {
            return LarderStore.open(name, data, dir);
        }
        switch (name) {
            case "raw-chronicle":
                return new RawChronicleStore(data);
            case "raw-lmdb":
                return new RawLmdbStore(data, dir);
            case "raw-rocksdb":
                return new RawRocksStore(data, dir);
            case "caffeine":
                return OnHeapStore.caffeine(data);
            case "chm":
                return OnHeapStore.concurrentHashMap(data);
            case "ohc":
                return new OhcStore(data);
            case "ehcache":
                return new EhcacheStore(data);
            default:
                throw new IllegalArgumentException("unknown store '" + name + "'; known: " + ENGINES + " " + RAW
                        + " " + PEERS);
        }
    }
}
