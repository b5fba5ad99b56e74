package io.larder.engine.heap;

import io.larder.spi.ConfigException;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineProvider;
import io.larder.spi.Key;
import io.larder.spi.Option;
import io.larder.spi.StorageEngine;
import java.time.Duration;
import java.util.List;

/** Provides the {@code heap} reference engine: {@code heap:?capacity=64m&maxValueSize=1m&sweepInterval=1s}. */
public final class HeapEngineProvider implements EngineProvider {

    /** Bytes of heap the entries may take, keys, values and per-entry overhead included. */
    public static final Option<Long> CAPACITY = Option.size("capacity", 64L << 20, 64L << 10,
            "bytes the entries may take, keys, values and " + HeapEngine.ENTRY_OVERHEAD + " bytes per entry included");
    /** The largest value stored. */
    public static final Option<Long> MAX_VALUE_SIZE = Option.size("maxValueSize", 1L << 20, 1,
            "the largest value stored; a larger one is refused");
    /** How often the sweeper reclaims expired entries. */
    public static final Option<Duration> SWEEP_INTERVAL = Option.duration("sweepInterval", Duration.ofSeconds(1),
            Duration.ofMillis(1), "how often a background thread reclaims expired entries");

    /** The largest value a {@code byte[]} can carry, with room for the JVM's array headers. */
    static final long LARGEST_ARRAY = Integer.MAX_VALUE - (64 << 10);

    @Override
    public String name() {
        return "heap";
    }

    @Override
    public String description() {
        return "on-heap reference engine: one lock, exact LRU; the executable model of the contract";
    }

    @Override
    public List<Option<?>> options() {
        return List.of(CAPACITY, MAX_VALUE_SIZE, SWEEP_INTERVAL);
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        long capacity = config.require(CAPACITY);
        long maxValueSize = config.require(MAX_VALUE_SIZE);
        checkFits(config.engine(), capacity, maxValueSize);
        return new HeapEngine(name(), config.clock(), capacity, maxValueSize, config.require(SWEEP_INTERVAL), 0);
    }

    /** Capacity must hold at least one largest entry, so that no valid write can fail for room. */
    static void checkFits(String engine, long capacity, long maxValueSize) {
        if (maxValueSize > LARGEST_ARRAY) {
            throw new ConfigException("engine '" + engine + "': maxValueSize " + maxValueSize + " bytes is more than a "
                    + "Java array holds; the limit is " + LARGEST_ARRAY + " bytes");
        }
        long largest = HeapEngine.charge(Key.MAX_ENCODED_BYTES, 0) + HeapEngine.MAX_TAG_CHARGE + maxValueSize;
        if (capacity < largest) {
            throw new ConfigException("engine '" + engine + "': capacity " + capacity + " bytes cannot hold one entry"
                    + " of maxValueSize " + maxValueSize + " bytes with the longest key and the most tags; capacity must be at least "
                    + largest + " bytes (or lower maxValueSize)");
        }
    }
}
