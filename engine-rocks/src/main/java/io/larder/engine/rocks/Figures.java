package io.larder.engine.rocks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters. {@code entries} and {@code bytes} mirror the store's merge counters
 * (read at open, changed in the same batch as each entry); the others count from open.
 */
final class Figures {
    final AtomicLong entries = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder expirations = new LongAdder();
    final LongAdder secondChances = new LongAdder();

    /** Why an entry left, for the counter it goes to. */
    enum Gone {
        EXPIRED, INVALIDATED, EVICTED, DELETED, REPLACED
    }

    void count(Gone gone) {
        switch (gone) {
            case EXPIRED:
                expirations.increment();
                break;
            case INVALIDATED:
                invalidations.increment();
                break;
            case EVICTED:
                evictions.increment();
                break;
            case DELETED:
                deletes.increment();
                break;
            default:
                break;
        }
    }
}
