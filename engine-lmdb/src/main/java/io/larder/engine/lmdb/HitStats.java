package io.larder.engine.lmdb;

import io.larder.spi.Entry;

/**
 * The hit statistics of entries (hits, lastAccess), kept in this process's memory, never in the
 * store: a read runs in a read transaction and must not write. A fixed table keyed by the entry's
 * version (a new value has a new version, so a store starts its entry afresh without touching the
 * table), two ways per hash, the older version giving way: bounded at {@value #SLOTS} entries
 * (2 MB), whatever the store holds. Both ways of a hash are 32 adjacent bytes, so a read touches
 * one cache line of the table, or two for the groups that straddle a line: the JVM places the
 * array's elements after its header at no chosen alignment, so no padding of the index could
 * align every group.
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
    private static final long MASK = (1L << 48) - 1;

    /**
     * Per slot, two longs: the version, then its figures (hits in the top 16 bits, lastAccess in
     * epoch ms, below 2^48, in the rest). Slots 2k and 2k+1 are the two ways of a hash.
     */
    private final long[] table = new long[2 * SLOTS];

    /**
     * The figures before this read, packed (see {@link #hits}, {@link #lastAccess}); then counts
     * the read at {@code now}. -1 when the table knew nothing of {@code version}.
     */
    long hit(long version, long now) {
        int at = way(version);
        long before;
        if (table[at] == version) {
            before = table[at + 1];
        } else if (table[at + 2] == version) {
            at += 2;
            before = table[at + 1];
        } else {
            before = -1;
            if (table[at + 2] < table[at]) {
                at += 2; // the older of the two gives way
            }
            table[at] = version;
        }
        long hits = before == -1 ? 0 : before >>> 48;
        table[at + 1] = (Math.min(hits + 1, Entry.MAX_HITS) << 48) | (now & MASK);
        return before;
    }

    /** The figures of {@code version}, packed, or -1; counts nothing. */
    long peek(long version) {
        int at = way(version);
        if (table[at] == version) {
            return table[at + 1];
        }
        return table[at + 2] == version ? table[at + 3] : -1;
    }

    /** Gives the entry's new {@code to} version (a stale mark or a lease) the figures of {@code from}. */
    void carry(long from, long to) {
        long s = peek(from);
        if (s == -1) {
            return;
        }
        int at = way(to);
        if (table[at] != to && (table[at + 2] == to || table[at + 2] < table[at])) {
            at += 2;
        }
        table[at] = to;
        table[at + 1] = s;
    }

    static int hits(long packed) {
        return packed == -1 ? 0 : (int) (packed >>> 48);
    }

    static long lastAccess(long packed, long storedAt) {
        return packed == -1 ? storedAt : packed & MASK;
    }

    /** Index of the first way of {@code version}'s hash: a multiple of 4 longs (32 bytes). */
    private static int way(long version) {
        return (int) ((version * 0x9E3779B97F4A7C15L) >>> (64 - BITS + 1)) << 2;
    }
}
