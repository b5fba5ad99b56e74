package io.larder.engine.rocks;

import io.larder.spi.Entry;

/**
 * Hit statistics of this process, kept in memory so that reads never write to the store: a
 * set-associative table keyed by entry version (so a rewritten entry starts afresh by itself),
 * {@value #WAYS} ways per set. A version not in the table has 0 hits and its store time as last
 * access; when a set is full the slot read least recently is reused, so under a working set above
 * {@value #SLOTS} entries the figures of cold entries restart at 0. Each set has its own lock, so
 * there is no global lock on the read path; one thread's reads of one key count exactly.
 */
final class HitStats {

    static final int SLOTS = 1 << 16;
    static final int WAYS = 4;
    private static final int SETS = SLOTS / WAYS;

    private final long[] versions = new long[SLOTS];
    private final long[] lastAccess = new long[SLOTS];
    private final int[] hits = new int[SLOTS];
    private final Object[] locks = new Object[SETS];

    HitStats() {
        for (int i = 0; i < SETS; i++) {
            locks[i] = new Object();
        }
    }

    private static int set(long version) {
        long h = version * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (SETS - 1);
    }

    /**
     * Counts a read hit of {@code version} at {@code now}, and returns the figures before it packed
     * as {@link #hitsOf} / {@link #lastAccessOf} read them.
     */
    long hit(long version, long storedAt, long now, long[] before) {
        int set = set(version);
        int base = set * WAYS;
        synchronized (locks[set]) {
            int slot = -1;
            int oldest = base;
            for (int i = base; i < base + WAYS; i++) {
                if (versions[i] == version) {
                    slot = i;
                    break;
                }
                if (lastAccess[i] < lastAccess[oldest]) {
                    oldest = i;
                }
            }
            if (slot < 0) {
                slot = oldest;
                versions[slot] = version;
                hits[slot] = 0;
                lastAccess[slot] = storedAt;
            }
            before[0] = hits[slot];
            before[1] = lastAccess[slot];
            hits[slot] = Math.min(Entry.MAX_HITS, hits[slot] + 1);
            lastAccess[slot] = Math.max(now, 1);
            return before[0];
        }
    }

    /** The figures of {@code version} without counting a hit: into {@code out} (hits, lastAccess). */
    void peek(long version, long storedAt, long[] out) {
        int set = set(version);
        int base = set * WAYS;
        synchronized (locks[set]) {
            for (int i = base; i < base + WAYS; i++) {
                if (versions[i] == version) {
                    out[0] = hits[i];
                    out[1] = lastAccess[i];
                    return;
                }
            }
        }
        out[0] = 0;
        out[1] = storedAt;
    }

    /** Carries the figures of {@code from} over to {@code to} (a stale mark or lease: a new version, same value). */
    void carry(long from, long to, long storedAt) {
        long[] figures = new long[2];
        peek(from, storedAt, figures);
        if (figures[0] == 0 && figures[1] == storedAt) {
            return;
        }
        int set = set(to);
        int base = set * WAYS;
        synchronized (locks[set]) {
            int slot = base;
            for (int i = base; i < base + WAYS; i++) {
                if (versions[i] == to) {
                    slot = i;
                    break;
                }
                if (lastAccess[i] < lastAccess[slot]) {
                    slot = i;
                }
            }
            versions[slot] = to;
            hits[slot] = (int) figures[0];
            lastAccess[slot] = figures[1];
        }
    }
}
