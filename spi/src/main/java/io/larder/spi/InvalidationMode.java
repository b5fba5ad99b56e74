package io.larder.spi;

/**
 * What an invalidation does to the entries it reaches ({@link StorageEngine#invalidate(byte[],
 * InvalidationMode)}, {@link StorageEngine#invalidateTag(String, InvalidationMode)}).
 */
public enum InvalidationMode {
    /** The entries are removed: absent for every operation (a hard purge). */
    REMOVE,
    /**
     * The entries are kept but marked stale, with a new version (a soft purge, HTTP grace): reads
     * return them with {@link Entry#stale()} set, and the first {@link StorageEngine#lookup} that
     * reaches one wins the lease to rebuild it.
     */
    MARK_STALE
}
