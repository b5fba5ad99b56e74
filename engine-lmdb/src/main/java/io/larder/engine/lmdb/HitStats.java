package io.larder.engine.lmdb;

import io.larder.spi.Entry;

/**
 * The hit statistics of entries (hits, lastAccess), kept in this process's memory, never in the
 * store: a read runs in a read transaction and must not write. A fixed table keyed by the entry's
 * version (a new value has a new version, so a store starts its entry afresh without touching the
 * table), two slots per hash, the older version giving way: bounded at {@value #SLOTS} entries
 * (2 MB), whatever the store holds.
 *
 * <p>What it promises: one thread's reads of one entry in one process count exactly while the
 * entry stays in the table; reads racing on one slot from several threads may lose an increment;
 * an entry pushed out of the table, or read by another process, or read before a reopen, starts
 * again at 0 hits with lastAccess = storedAt. Eviction's second chances use {@link ReadMarks}, not
 * these figures.
 */
final class HitStats {

    /** log2 of the number of slots. */
    static final int BITS = 17;
    static final int SLOTS = 1 << BITS;

    private final long[] versions = new long[SLOTS];
    /** hits in the top 16 bits, lastAccess (epoch ms, below 2^48) in the rest. */
    private final long[] stats = new long[SLOTS];

    /**
     * The figures before this read, packed (see {@link #hits}, {@link #lastAccess}); then counts
     * the read at {@code now}. -1 when the table knew nothing of {@code version}.
     */
    long hit(long version, long now) {
        int i = slot(version);
        long before;
        if (versions[i] == version) {
            before = stats[i];
        } else if (versions[i ^ 1] == version) {
            i ^= 1;
            before = stats[i];
        } else {
            before = -1;
            if (versions[i ^ 1] < versions[i]) {
                i ^= 1; // the older of the two gives way
            }
            versions[i] = version;
        }
        long hits = before == -1 ? 0 : before >>> 48;
        stats[i] = (Math.min(hits + 1, Entry.MAX_HITS) << 48) | (now & MASK);
        return before;
    }

    /** The figures of {@code version}, packed, or -1; counts nothing. */
    long peek(long version) {
        int i = slot(version);
        long s = stats[i];
        if (versions[i] == version) {
            return s;
        }
        s = stats[i ^ 1];
        return versions[i ^ 1] == version ? s : -1;
    }

    /** Gives the entry's new {@code to} version (a stale mark or a lease) the figures of {@code from}. */
    void carry(long from, long to) {
        long s = peek(from);
        if (s == -1) {
            return;
        }
        int i = slot(to);
        if (versions[i] != to && (versions[i ^ 1] == to || versions[i ^ 1] < versions[i])) {
            i ^= 1;
        }
        versions[i] = to;
        stats[i] = s;
    }

    static int hits(long packed) {
        return packed == -1 ? 0 : (int) (packed >>> 48);
    }

    static long lastAccess(long packed, long storedAt) {
        return packed == -1 ? storedAt : packed & MASK;
    }

    private static final long MASK = (1L << 48) - 1;

    private static int slot(long version) {
        return (int) ((version * 0x9E3779B97F4A7C15L) >>> (64 - BITS)) & ~1;
    }
}
