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
     * The URI that opens the named engine sized for {@code data} with room to spare, so nothing is
     * evicted: capacity twice what the entries take plus 64 MiB; for {@code lmdb} a sparse map with
     * room for overflow pages and {@code sync=false}; for {@code rocksdb} a 256 MiB block cache and a
     * 64 MiB write buffer.
     *
     * @param name one of {@link #ENGINES}
     * @param data what the store will hold
     * @param dir an empty directory for file engines
     * @param options more URI options ({@code name=value} joined by {@code &}), or empty
     * @throws IllegalArgumentException if the name is not one of {@link #ENGINES}
     */
    public static String engineUri(String name, Dataset data, Path dir, String options) {
        long capacity = data.capacityBytes();
        String uri;
        switch (name) {
            case "heap":
                uri = "heap:?capacity=" + capacity;
                break;
            case "offheap":
                uri = "offheap:?capacity=" + capacity + "&averageValueSize=" + data.valueSize + "&averageKeySize=40";
                break;
            case "lmdb":
                uri = "lmdb:" + dir.resolve("lmdb") + "?capacity=" + data.lmdbMapBytes() + "&sync=false";
                break;
            case "rocksdb":
                uri = "rocksdb:" + dir.resolve("rocksdb") + "?capacity=" + capacity + "&blockCache=256m&writeBuffer=64m";
                break;
            default:
                throw new IllegalArgumentException("not a Larder engine: '" + name + "'; engines: " + ENGINES);
        }
        return options.isEmpty() ? uri : uri + "&" + options;
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
