package io.larder.spi;

/**
 * What an engine offers beyond the contract every engine keeps. The TCK runs the tests of a
 * capability only against engines that declare it.
 */
public enum Capability {
    /** Entries survive close and reopen at the same path, and a process crash in the durable mode. */
    PERSISTENT,
    /** Several processes may open the same store at once and see each other's writes atomically. */
    SHARED_BETWEEN_PROCESSES,
    /** {@link StorageEngine#read} hands the reader the stored bytes themselves, not a copy. */
    ZERO_COPY_READS,
    /** The store keeps keys in encoded order, so a primary's variants are one range. */
    ORDERED_KEYS,
    /**
     * Leases, stale entries, tags and per-entry hit statistics: {@link StorageEngine#lookup},
     * {@link StorageEngine#markStale}, soft invalidation, {@link StorageEngine#invalidateTag},
     * writes with tags, and the cache actions of {@link ComputeAction}. Without it those throw
     * {@link UnsupportedOperationException}.
     */
    CACHE_SEMANTICS
}
