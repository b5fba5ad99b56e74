package io.larder.tck;

import io.larder.spi.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What the kit asks of an engine it opens.
 *
 * @param clock the only clock the engine may read
 * @param capacity the engine's capacity in bytes
 * @param maxValueSize the largest value the engine must store; it may accept larger ones
 * @param directory an empty, private directory for the engine's files; the same one on reopen
 * @param sweepInterval how often the engine should reclaim expired entries in the background
 */
public record TckSetup(Clock clock, long capacity, long maxValueSize, Path directory, Duration sweepInterval) {

    /** Checks the fields. */
    public TckSetup {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
    }

    /** The same setup with another capacity. */
    public TckSetup withCapacity(long newCapacity) {
        return new TckSetup(clock, newCapacity, maxValueSize, directory, sweepInterval);
    }

    /** The same setup with another clock. */
    public TckSetup withClock(Clock newClock) {
        return new TckSetup(newClock, capacity, maxValueSize, directory, sweepInterval);
    }
}
