package io.larder.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an engine's figures. Counters run from open (persistent engines need not keep them
 * across a reopen); {@code entries} and {@code bytesUsed} may include expired entries not yet
 * reclaimed.
 *
 * @param entries entries held
 * @param bytesUsed bytes of memory or disk the entries take, by the engine's own accounting
 * @param capacity the configured bound on {@code bytesUsed}
 * @param hits reads that found a live entry
 * @param misses reads that found none
 * @param evictions live entries removed to make room
 * @param expirations expired entries removed, on access or by the background sweeper
 * @param engineSpecific further figures, named by the engine
 */
public record EngineStats(long entries, long bytesUsed, long capacity, long hits, long misses, long evictions,
        long expirations, Map<String, Long> engineSpecific) {

    /** Copies {@code engineSpecific}. */
    public EngineStats {
        engineSpecific = Map.copyOf(Objects.requireNonNull(engineSpecific, "engineSpecific"));
    }
}
