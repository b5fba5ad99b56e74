package io.larder.tck;

import io.larder.spi.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the kit asks of an engine it opens.
 *
 * @param clock the only clock the engine may read
 * @param capacity the engine's capacity in bytes
 * @param maxValueSize the largest value the engine must store; it may accept larger ones
 * @param directory an empty, private directory for the engine's files; the same one on reopen. The
 *        kit creates and deletes it; an engine that keeps no files ignores it
 * @param sweepInterval how often the engine should reclaim expired entries in the background
 */
public record TckSetup(Clock clock, long capacity, long maxValueSize, Path directory, Duration sweepInterval) {

    /** Checks the fields. */
    public TckSetup {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
    }

    /**
     * The options an engine that keeps no files is opened with: {@code capacity}, {@code maxValueSize}
     * (bytes) and {@code sweepInterval} (milliseconds, as {@code 50ms}).
     */
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("capacity", Long.toString(capacity));
        options.put("maxValueSize", Long.toString(maxValueSize));
        options.put("sweepInterval", sweepInterval.toMillis() + "ms");
        return options;
    }

    /** {@link #options()} and {@code path}, the directory: for an engine that keeps files. */
    public Map<String, String> optionsWithPath() {
        Map<String, String> options = options();
        options.put("path", directory.toString());
        return options;
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
