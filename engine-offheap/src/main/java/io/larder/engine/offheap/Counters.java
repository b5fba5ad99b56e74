package io.larder.engine.offheap;

import java.util.concurrent.atomic.LongAdder;

/** The engine's running figures; each is counted where its event happens, once. */
final class Counters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder expirations = new LongAdder();
    /** Writes that found no contiguous room although the budget admitted them. */
    final LongAdder segmentFulls = new LongAdder();
    /** New keys {@link Admission} kept out. */
    final LongAdder admissionRejected = new LongAdder();
    /** Entries the sweeper looked at: what it costs. */
    final LongAdder sweepExamined = new LongAdder();
    /** Entries the sweeper looked at to reclaim what tag removals hid. */
    final LongAdder tagSweepVisited = new LongAdder();

    /** The eviction clock: counts hits and writes, racily, since it only ranks entries. */
    private long ticks;

    long tick() {
        return ++ticks;
    }

    /** Why an entry left the store: each cause has its own figure (a replacement has none). */
    enum Cause {
        DELETE, INVALIDATION, EVICTION, EXPIRATION, REPLACEMENT
    }

    void removed(Cause cause) {
        switch (cause) {
            case DELETE -> deletes.increment();
            case INVALIDATION -> invalidations.increment();
            case EVICTION -> evictions.increment();
            case EXPIRATION -> expirations.increment();
            case REPLACEMENT -> {
            }
        }
    }
}
