package io.larder.engine.offheap;

import io.larder.spi.EngineConfig;
import io.larder.spi.EngineProvider;
import io.larder.spi.Option;
import io.larder.spi.StorageEngine;
import java.time.Duration;
import java.util.List;

/**
 * Provides the {@code offheap} engine: {@code offheap:?capacity=512m&maxValueSize=1m&averageValueSize=1k}.
 *
 * <p>Its static initializer turns Chronicle's analytics and announcer off before any Chronicle
 * class can load: {@link java.util.ServiceLoader} instantiates this class before anything opens an
 * engine, and this class mentions no Chronicle type.
 */
public final class OffHeapEngineProvider implements EngineProvider {

    static {
        JvmFlags.quietChronicle();
    }

    /** Off-heap bytes the entries may take. */
    public static final Option<Long> CAPACITY = Option.size("capacity", 64L << 20, 1L << 20,
            "off-heap bytes the entries may take (keys, values, a 48-byte header and Chronicle's chunk rounding);"
                    + " Chronicle reserves about 1.2x this, see the README");
    /** The largest value stored. */
    public static final Option<Long> MAX_VALUE_SIZE = Option.size("maxValueSize", 1L << 20, 1,
            "the largest value stored; a larger one is refused. The capacity must hold at least two such entries");
    /** The expected average value, which sizes Chronicle's chunks and entry count. */
    public static final Option<Long> AVERAGE_VALUE_SIZE = Option.size("averageValueSize", 1L << 10, 1,
            "the expected average value size; sets Chronicle's chunk size and how many entries a segment"
                    + " holds (values far below half of it fill the entry count before the bytes)");
    /** The expected average encoded key. */
    public static final Option<Long> AVERAGE_KEY_SIZE = Option.size("averageKeySize", 64L, 3,
            "the expected average encoded key size (primary plus variant plus 2 bytes)");
    /** How often the sweeper reclaims expired entries. */
    public static final Option<Duration> SWEEP_INTERVAL = Option.duration("sweepInterval", Duration.ofSeconds(1),
            Duration.ofMillis(1), "how often a background daemon thread reclaims expired entries");

    /** Which new keys may displace cold entries when the engine is full. */
    public enum AdmissionPolicy {
        /** Every new key gets in; the least recently used entries make room. */
        NONE,
        /** A new key gets in only if seen more often than the entry it would displace (TinyLFU). */
        TINYLFU
    }

    /** The admission policy. */
    public static final Option<AdmissionPolicy> ADMISSION = Option.choice("admission", AdmissionPolicy.class,
            AdmissionPolicy.NONE, "none: every new key is stored; tinylfu: once full, a new key from set is stored only"
                    + " if a frequency sketch saw it more often than the coldest entry, which it then displaces");

    /** The name configurations use. */
    public static final String NAME = "offheap";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "bounded off-heap cache on Chronicle Map: per-key locking, batch LRU eviction, background expiry";
    }

    @Override
    public List<Option<?>> options() {
        return List.of(CAPACITY, MAX_VALUE_SIZE, AVERAGE_VALUE_SIZE, AVERAGE_KEY_SIZE, SWEEP_INTERVAL, ADMISSION);
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        Sizing sizing = Sizing.of(config.engine(), config.require(CAPACITY), config.require(MAX_VALUE_SIZE),
                config.require(AVERAGE_KEY_SIZE), config.require(AVERAGE_VALUE_SIZE));
        // Before any Chronicle class loads, so a JVM without the flags gets a message, not an AssertionError.
        JvmFlags.require();
        return new OffHeapEngine(config.engine(), config.clock(), sizing, config.require(SWEEP_INTERVAL),
                config.require(ADMISSION));
    }
}
