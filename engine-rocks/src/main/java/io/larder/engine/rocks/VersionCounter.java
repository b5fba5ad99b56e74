package io.larder.engine.rocks;

import io.larder.spi.Clock;
import io.larder.spi.Versions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out versions that never repeat, across restarts and crashes: the store keeps a
 * reservation, a number above every version handed out, raised {@value #BLOCK} at a time by a
 * durable (fsynced WAL) write that completes before any version of the new block is handed out. A
 * reopen starts above the reservation and above {@link Versions#floor} of the clock.
 */
final class VersionCounter {

    /** How many versions one durable reservation write covers. */
    static final long BLOCK = 1L << 16;

    private final Store store;
    private final AtomicLong last;
    private volatile long reserved;

    VersionCounter(Store store, Clock clock) {
        this.store = store;
        byte[] onDisk = store.get(store.meta, Store.META_RESERVED);
        long start = Versions.floor(clock, onDisk == null ? 0 : Records.longOf(onDisk, 0));
        this.last = new AtomicLong(start);
        this.reserved = start;
    }

    /** A new version, above every one handed out before. */
    long next() {
        long v = last.incrementAndGet();
        if (v > reserved) {
            reserve(v);
        }
        return v;
    }

    private synchronized void reserve(long v) {
        while (v > reserved) {
            long raised = Math.max(reserved, v) + BLOCK;
            store.put(store.durable, store.meta, Store.META_RESERVED, Records.longBytes(raised));
            reserved = raised;
        }
    }

    /** The highest version handed out so far. */
    long last() {
        return last.get();
    }

    long reserved() {
        return reserved;
    }
}
