package io.larder.engine.rocks;

import io.larder.spi.EngineClosedException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps operations off the native store once it is closing: each operation enters and leaves;
 * {@link #shut} refuses new ones and waits for those inside, so no call reaches a closed RocksDB
 * handle (which would crash the JVM, not throw). Entering costs a striped counter increment, not a
 * shared lock.
 */
final class Gate {

    private final String name;
    private final LongAdder inside = new LongAdder();
    private volatile boolean closed;

    Gate(String name) {
        this.name = name;
    }

    void enter() {
        inside.increment();
        if (closed) {
            inside.decrement();
            throw new EngineClosedException(name);
        }
    }

    void leave() {
        inside.decrement();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Refuses new operations and waits up to {@code millis} for those inside, whatever the caller's
     * interrupt status (which it keeps).
     *
     * @return whether every operation has left
     */
    boolean shut(long millis) {
        closed = true;
        long deadline = System.nanoTime() + millis * 1_000_000L;
        boolean interrupted = false;
        try {
            while (inside.sum() != 0) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
