package io.larder.engine.rocks;

import io.larder.spi.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link RocksEngine} is opened with, checked by {@link RocksEngineProvider}.
 *
 * @param path the store's directory
 * @param capacity the bound on the entries' bytes (keys, records and per-entry overhead) and on the
 *        disk (live SST files plus the WAL)
 * @param maxValueSize the largest value stored
 * @param sync whether every write is flushed to disk (fsync of the WAL) before it returns
 * @param disableWal whether writes skip the write-ahead log (lost on a crash)
 * @param sweepInterval how often expired and tag-invalidated entries are reclaimed
 * @param blockCache bytes of RocksDB's block cache
 * @param bloomBitsPerKey bits per key of the bloom filters; 0 for none
 * @param compression compression of every level but the last
 * @param bottommostCompression compression of the last level
 * @param writeBuffer bytes of the entries' memtable before it is flushed (given, or derived from capacity)
 * @param clock the only clock the engine reads
 */
record RocksSettings(Path path, long capacity, long maxValueSize, boolean sync, boolean disableWal,
        Duration sweepInterval, long blockCache, int bloomBitsPerKey, Compression compression,
        Compression bottommostCompression, long writeBuffer, Clock clock) {

    /** Compression of SST files. */
    enum Compression {
        /** No compression. */
        NONE,
        /** LZ4: fast, modest ratio. */
        LZ4,
        /** ZSTD: slower, better ratio. */
        ZSTD
    }

    RocksSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(bottommostCompression, "bottommostCompression");
        Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String toString() {
        return "path " + path + ", capacity " + capacity + " bytes, maxValueSize " + maxValueSize + " bytes, sync "
                + sync + ", disableWAL " + disableWal + ", sweepInterval " + sweepInterval + ", blockCache "
                + blockCache + " bytes, bloomBitsPerKey " + bloomBitsPerKey + ", compression " + compression
                + ", bottommostCompression " + bottommostCompression + ", writeBuffer " + writeBuffer + " bytes";
    }
}
