package io.larder.spi;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to, for tests. Thread-safe. */
public final class ManualClock implements Clock {

    private final AtomicLong now;

    /**
     * A clock reading {@code epochMillis}.
     *
     * @param epochMillis the time it starts at
     */
    public ManualClock(long epochMillis) {
        this.now = new AtomicLong(epochMillis);
    }

    /** A clock reading 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_767_225_600_000L);
    }

    @Override
    public long millis() {
        return now.get();
    }

    /**
     * Moves the clock forward (or back, for a negative amount).
     *
     * @param by how far, in whole milliseconds
     * @return the new time in epoch milliseconds
     */
    public long advance(Duration by) {
        return now.addAndGet(by.toMillis());
    }

    /**
     * {@link #advance(Duration)} in milliseconds.
     *
     * @param millis how far
     * @return the new time in epoch milliseconds
     */
    public long advanceMillis(long millis) {
        return now.addAndGet(millis);
    }

    /**
     * Sets the time.
     *
     * @param epochMillis the new time
     */
    public void set(long epochMillis) {
        now.set(epochMillis);
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "]";
    }
}
