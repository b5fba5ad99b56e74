package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link LmdbEngine} is opened with, checked by {@link LmdbEngineProvider}.
 *
 * @param path the store's directory
 * @param capacity the LMDB map size in bytes
 * @param maxValueSize the largest value stored
 * @param sync whether every commit is flushed to disk before it returns
 * @param syncInterval with {@code sync} off, how often a background flush runs; null for never
 * @param sweepInterval how often expired entries are reclaimed in the background
 * @param maxReaders LMDB reader slots, and the most read transactions this process keeps
 * @param clock the only clock the engine reads
 */
record LmdbSettings(Path path, long capacity, long maxValueSize, boolean sync, Duration syncInterval,
        Duration sweepInterval, int maxReaders, Clock clock) {

    LmdbSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(clock, "clock");
    }
}
