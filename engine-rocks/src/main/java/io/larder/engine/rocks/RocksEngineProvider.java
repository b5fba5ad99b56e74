package io.larder.engine.rocks;

import io.larder.engine.rocks.RocksSettings.Compression;
import io.larder.spi.ConfigException;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineProvider;
import io.larder.spi.Key;
import io.larder.spi.Option;
import io.larder.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Provides the {@code rocksdb} engine:
 * {@code rocksdb:/var/cache/pages?capacity=200g&blockCache=1g}. The URI's path is the store's directory.
 */
public final class RocksEngineProvider implements EngineProvider {

    /** The store's directory; created owner-only (0700) if missing. */
    public static final Option<Path> PATH = Option.path("path",
            "directory of the store, created owner-only (0700) if missing; its files are made 0600");
    /** The bound on the entries' bytes and on the disk. */
    public static final Option<Long> CAPACITY = Option.size("capacity", 1L << 30, 1L << 20,
            "bytes the entries may take (encoded key, record header, tags, value and " + Records.ENTRY_OVERHEAD
                    + " bytes of index rows per entry), and the disk budget (live SST files plus the WAL);"
                    + " past either the oldest-written entries are evicted, with a second chance for entries read"
                    + " since");
    /** The largest value. */
    public static final Option<Long> MAX_VALUE_SIZE = Option.size("maxValueSize", 1L << 20, 1,
            "the largest value stored (a larger one is refused); at most capacity/" + RocksEngineProvider.VALUE_SHARE
                    + " and at most 256m");
    /** fsync per write. */
    public static final Option<Boolean> SYNC = Option.bool("sync", false,
            "true: each write's WAL record is fsynced before it returns (survives a power loss); false: each write"
                    + " is in the WAL in the OS page cache when it returns (survives kill -9, not a power loss)");
    /** No WAL at all. */
    public static final Option<Boolean> DISABLE_WAL = Option.bool("disableWAL", false,
            "true: writes skip the write-ahead log; a crash (even kill -9) loses every write since the last"
                    + " memtable flush. Only for caches that may lose their content on a crash");
    /** Sweep period. */
    public static final Option<Duration> SWEEP_INTERVAL = Option.duration("sweepInterval", Duration.ofSeconds(1),
            Duration.ofMillis(1), "how often a background thread reclaims expired and tag-invalidated entries");
    /** Block cache. */
    public static final Option<Long> BLOCK_CACHE = Option.size("blockCache", 64L << 20, 1L << 20,
            "bytes of RocksDB's LRU block cache (uncompressed blocks, index and filter blocks)");
    /** Bloom filters. */
    public static final Option<Integer> BLOOM_BITS = Option.integer("bloomBitsPerKey", 10, 0, 64,
            "bits per key of the bloom filters that let a point read of a missing key skip SST files; 0 for none");
    /** Compression. */
    public static final Option<Compression> COMPRESSION = Option.choice("compression", Compression.class,
            Compression.LZ4, "compression of SST files above the last level");
    /** Bottommost compression. */
    public static final Option<Compression> BOTTOMMOST_COMPRESSION = Option.choice("bottommostCompression",
            Compression.class, Compression.ZSTD, "compression of the last level, where most of the data lies");
    /** Write buffer. */
    public static final Option<Long> WRITE_BUFFER = Option.size("writeBuffer", 64L << 20, 1L << 20,
            "bytes of the entries' memtable before it is flushed to an SST file (the index column families use a"
                    + " quarter of it, at least 1m); when not given, capacity/" + RocksEngineProvider.BUFFER_SHARE
                    + " between 64k and 64m, so memtables and the WAL stay a small part of the disk budget");

    /** Capacity must be at least this many times maxValueSize, so eviction always makes room. */
    static final int VALUE_SHARE = 8;
    /** Without a writeBuffer option, the memtable is this share of capacity (it and the WAL pin disk). */
    static final int BUFFER_SHARE = 16;
    /** Bounds of the write buffer derived from capacity. */
    static final long SMALLEST_DERIVED_BUFFER = 64L << 10;
    static final long LARGEST_DERIVED_BUFFER = 64L << 20;
    /** The largest maxValueSize: a value is handled as one array. */
    static final long LARGEST_VALUE = 256L << 20;

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public String description() {
        return "persistent, larger-than-memory engine on RocksDB (LSM tree on SSD)";
    }

    @Override
    public List<Option<?>> options() {
        return List.of(PATH, CAPACITY, MAX_VALUE_SIZE, SYNC, DISABLE_WAL, SWEEP_INTERVAL, BLOCK_CACHE, BLOOM_BITS,
                COMPRESSION, BOTTOMMOST_COMPRESSION, WRITE_BUFFER);
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        return RocksEngine.open(settings(config));
    }

    /** Reads and cross-checks the options. */
    static RocksSettings settings(EngineConfig config) {
        String engine = config.engine();
        long capacity = config.require(CAPACITY);
        long maxValueSize = config.require(MAX_VALUE_SIZE);
        boolean sync = config.require(SYNC);
        boolean disableWal = config.require(DISABLE_WAL);
        if (maxValueSize > LARGEST_VALUE) {
            throw new ConfigException("engine '" + engine + "': maxValueSize " + maxValueSize + " bytes is above the"
                    + " limit of " + LARGEST_VALUE + " bytes (256m)");
        }
        if (maxValueSize > capacity / VALUE_SHARE) {
            throw new ConfigException("engine '" + engine + "': maxValueSize " + maxValueSize + " bytes is more than"
                    + " capacity/" + VALUE_SHARE + " (" + capacity / VALUE_SHARE + " bytes for capacity " + capacity
                    + "); raise capacity to at least " + Option.formatSize(maxValueSize * VALUE_SHARE)
                    + " or lower maxValueSize");
        }
        long largest = Records.charge(Key.MAX_ENCODED_BYTES, Records.MAX_TAG_SECTION + maxValueSize);
        if (capacity < largest) {
            throw new ConfigException("engine '" + engine + "': capacity " + capacity + " bytes cannot hold one entry"
                    + " of maxValueSize " + maxValueSize + " bytes with the longest key and tags; capacity must be at"
                    + " least " + largest + " bytes");
        }
        if (sync && disableWal) {
            throw new ConfigException("engine '" + engine + "': sync=true and disableWAL=true conflict (sync flushes"
                    + " the WAL that disableWAL turns off); drop one");
        }
        return new RocksSettings(config.require(PATH), capacity, maxValueSize, sync, disableWal,
                config.require(SWEEP_INTERVAL), config.require(BLOCK_CACHE), config.require(BLOOM_BITS),
                config.require(COMPRESSION), config.require(BOTTOMMOST_COMPRESSION), writeBuffer(config, capacity),
                config.clock());
    }

    /** The given write buffer, or one derived from capacity so a small store is not pinned over budget. */
    static long writeBuffer(EngineConfig config, long capacity) {
        if (config.options().containsKey(WRITE_BUFFER.name())) {
            return config.require(WRITE_BUFFER);
        }
        return Math.max(SMALLEST_DERIVED_BUFFER, Math.min(LARGEST_DERIVED_BUFFER, capacity / BUFFER_SHARE));
    }
}
