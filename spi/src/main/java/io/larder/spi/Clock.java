package io.larder.spi;

/**
 * The only source of time an engine reads: given at open, so tests can use a {@link ManualClock}.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Clock {

    /** {@return the current time in epoch milliseconds} */
    long millis();

    /** {@return the system wall clock} */
    static Clock system() {
        return System::currentTimeMillis;
    }
}
