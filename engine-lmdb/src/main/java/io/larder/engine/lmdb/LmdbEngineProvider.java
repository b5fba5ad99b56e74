package io.larder.engine.lmdb;

import io.larder.spi.ConfigException;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineProvider;
import io.larder.spi.Option;
import io.larder.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Provides the {@code lmdb} engine:
 * {@code lmdb:/var/cache/pages?capacity=8g&sync=false}. The URI's path is the store's directory.
 */
public final class LmdbEngineProvider implements EngineProvider {

    /** The store's directory; created owner-only (0700) if missing. */
    public static final Option<Path> PATH = Option.path("path",
            "directory of the store, created owner-only (0700) if missing; its files are 0600");
    /** LMDB's map size. */
    public static final Option<Long> CAPACITY = Option.size("capacity", 1L << 30, 1L << 20,
            "LMDB map size: the most the data file grows to. Entries are kept to " + LmdbEngine.EVICT_ABOVE_PERCENT
                    + "% of it (the rest is room LMDB needs for copy-on-write, pages pinned by open reads and"
                    + " fragmentation), evicting oldest-written first, with a second chance for entries read. Every"
                    + " process sharing the store must give the same capacity");
    /** The largest value. */
    public static final Option<Long> MAX_VALUE_SIZE = Option.size("maxValueSize", 1L << 20, 1,
            "the largest value stored (a larger one is refused); at most capacity/" + LmdbEngineProvider.VALUE_SHARE);
    /** Durability of each commit. */
    public static final Option<Boolean> SYNC = Option.bool("sync", true,
            "true: each write is flushed to disk before it returns, and survives a process crash and a power loss;"
                    + " false: writes survive a process crash (kill -9) but a power loss or OS crash may lose those"
                    + " since the last background flush, or, on file systems that reorder writes, the whole store");
    /** Background flush period with {@code sync=false}. */
    public static final Option<Duration> SYNC_INTERVAL = Option.duration("syncInterval", Duration.ofSeconds(1),
            Duration.ofMillis(1), "with sync=false, how often a background thread flushes the store to disk");
    /** Sweep period: expired and tag-invalidated entries, unneeded watermarks. */
    public static final Option<Duration> SWEEP_INTERVAL = Option.duration("sweepInterval", Duration.ofSeconds(1),
            Duration.ofMillis(1), "how often a background thread reclaims expired and tag-invalidated entries and drops"
                    + " tag watermarks no entry needs, at most " + LmdbEngine.MAX_BATCH + " rows per transaction");
    /** LMDB reader slots. */
    public static final Option<Integer> MAX_READERS = Option.integer("maxReaders", 126, 4, 32_768,
            "LMDB reader slots, shared by every process on the store; this process keeps at most this many read"
                    + " transactions, and more concurrent reader threads wait for one");

    /** Capacity must be at least this many times maxValueSize, so eviction can always make room. */
    static final int VALUE_SHARE = 8;

    @Override
    public String name() {
        return "lmdb";
    }

    @Override
    public String description() {
        return "persistent, memory-mapped engine on LMDB; zero-copy reads, shared between processes";
    }

    @Override
    public List<Option<?>> options() {
        return List.of(PATH, CAPACITY, MAX_VALUE_SIZE, SYNC, SYNC_INTERVAL, SWEEP_INTERVAL, MAX_READERS);
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        return LmdbEngine.open(settings(config));
    }

    /** Reads and cross-checks the options. */
    static LmdbSettings settings(EngineConfig config) {
        String engine = config.engine();
        Path path = config.require(PATH);
        long capacity = config.require(CAPACITY);
        long maxValueSize = config.require(MAX_VALUE_SIZE);
        boolean sync = config.require(SYNC);
        if (maxValueSize > capacity / VALUE_SHARE) {
            throw new ConfigException("engine '" + engine + "': maxValueSize " + maxValueSize + " bytes is more than"
                    + " capacity/" + VALUE_SHARE + " (" + capacity / VALUE_SHARE + " bytes for capacity " + capacity
                    + "); raise capacity to at least " + Option.formatSize(maxValueSize * VALUE_SHARE)
                    + " or lower maxValueSize");
        }
        if (maxValueSize > Integer.MAX_VALUE - (1 << 16)) {
            throw new ConfigException("engine '" + engine + "': maxValueSize " + maxValueSize
                    + " bytes is above what one LMDB value holds here (2g less 64k)");
        }
        if (sync && config.options().containsKey(SYNC_INTERVAL.name())) {
            throw new ConfigException("engine '" + engine + "': syncInterval applies only with sync=false (with"
                    + " sync=true every write is flushed as it commits); drop it or set sync=false");
        }
        return new LmdbSettings(path, capacity, maxValueSize, sync, sync ? null : config.require(SYNC_INTERVAL),
                config.require(SWEEP_INTERVAL), config.require(MAX_READERS), config.clock());
    }
}
