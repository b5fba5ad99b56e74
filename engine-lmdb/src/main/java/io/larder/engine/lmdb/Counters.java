package io.larder.engine.lmdb;

import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters. Reads count at once; what a write transaction does is counted by
 * {@link EntryStore} as pending and added here only when the transaction commits, so an aborted or
 * retried transaction counts nothing.
 */
final class Counters {

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder expirations = new LongAdder();
}
