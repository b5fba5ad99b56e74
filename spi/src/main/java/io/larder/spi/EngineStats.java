package io.larder.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an engine's figures. Counters run from open (persistent engines need not keep them
 * across a reopen); {@code entries} and {@code bytesUsed} may include expired entries not yet
 * reclaimed. After {@link StorageEngine#close()}, {@link StorageEngine#stats()} returns the last
 * figures rather than throwing, so a metrics scrape that outlives the engine stays quiet.
 *
 * <p>Entries leave a store for one of five causes, each counted on its own: {@code deletes}
 * (a delete operation), {@code invalidations} (a purge of a primary's variants, or a clear),
 * {@code evictions} (room for other entries), {@code expirations} (their time passed), and
 * replacement by a write (counted in {@code writes}).
 *
 * @param entries entries held
 * @param bytesUsed bytes of memory or disk the entries take, by the engine's own accounting
 * @param capacity the configured bound on {@code bytesUsed}
 * @param hits reads that found a live entry
 * @param misses reads that found none
 * @param writes operations that stored a value (set, add, replace, CAS, append, prepend,
 *        increment, decrement, compute storing); refused writes are not counted
 * @param deletes live entries removed by a delete
 * @param invalidations live entries removed by {@code invalidate} or {@code clear}
 * @param evictions live entries removed to make room
 * @param expirations expired entries removed, on access or by the background sweeper
 * @param backgroundFailures runs of background work (sweeping, flushing) that failed; each is also
 *        logged. Non-zero means the engine needs attention
 * @param engineSpecific further figures, named by the engine
 */
public record EngineStats(long entries, long bytesUsed, long capacity, long hits, long misses, long writes,
        long deletes, long invalidations, long evictions, long expirations, long backgroundFailures,
        Map<String, Long> engineSpecific) {

    /**
     * Copies {@code engineSpecific}.
     *
     * @param entries entries held
     * @param bytesUsed bytes the entries take
     * @param capacity the bound on {@code bytesUsed}
     * @param hits reads that found a live entry
     * @param misses reads that found none
     * @param writes operations that stored a value
     * @param deletes live entries removed by a delete
     * @param invalidations live entries removed by {@code invalidate} or {@code clear}
     * @param evictions live entries removed to make room
     * @param expirations expired entries removed
     * @param backgroundFailures failed runs of background work
     * @param engineSpecific further figures, named by the engine
     * @throws NullPointerException if {@code engineSpecific} or one of its keys or values is null
     */
    public EngineStats {
        engineSpecific = Map.copyOf(Objects.requireNonNull(engineSpecific, "engineSpecific"));
    }
}
