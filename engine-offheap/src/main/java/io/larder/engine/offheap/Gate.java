package io.larder.engine.offheap;

import io.larder.spi.EngineClosedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets operations in until the engine closes, and lets {@link #close} wait for exactly those that
 * got in. Each thread counts its operations in its own stripe (so threads rarely share a cache
 * line); an operation first raises its stripe and then checks the flag, and close first sets the
 * flag and then waits for every stripe to reach zero: an operation that got in is seen, one that
 * did not backs out without touching anything.
 */
final class Gate {

    private static final int STRIPES = 32;
    /** Longs between stripes: one stripe per 128 bytes. */
    private static final int SPACING = 16;

    private final String engine;
    private final AtomicLongArray inFlight = new AtomicLongArray(STRIPES * SPACING);
    private volatile boolean closed;

    Gate(String engine) {
        this.engine = engine;
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    private static int stripe() {
        return ((int) Thread.currentThread().getId() & (STRIPES - 1)) * SPACING;
    }

    /**
     * Admits an operation; {@link #exit()} must follow in a {@code finally}.
     *
     * @throws EngineClosedException once the engine is closing
     */
    void enter() {
        if (!tryEnter()) {
            throw new EngineClosedException(engine);
        }
    }

    /** Admits an operation if the engine is open; then {@link #exit()} must follow. */
    boolean tryEnter() {
        int stripe = stripe();
        inFlight.incrementAndGet(stripe);
        if (closed) {
            inFlight.decrementAndGet(stripe);
            return false;
        }
        return true;
    }

    void exit() {
        inFlight.decrementAndGet(stripe());
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Closes the gate, then waits until every admitted operation has left, whatever the caller's
     * interrupt status (which it keeps). Returns false if it was closed already.
     */
    synchronized boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        boolean interrupted = Thread.interrupted();
        try {
            for (int stripe = 0; stripe < STRIPES * SPACING; stripe += SPACING) {
                while (inFlight.get(stripe) > 0) {
                    LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(100));
                    // parkNanos returns at once for an interrupted thread: keep the flag clear here.
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }
}
