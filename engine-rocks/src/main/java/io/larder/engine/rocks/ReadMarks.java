package io.larder.engine.rocks;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * "Read since it joined the eviction queue", per key hash, in memory (reads never write to the
 * store): one bit per hash bucket, {@value #BITS} buckets. Two keys in one bucket share their bit,
 * so a cold key can now and then get the second chance a hot key earned.
 */
final class ReadMarks {

    static final int BITS = 1 << 22;

    private final AtomicLongArray words = new AtomicLongArray(BITS / 64);

    private static int bucket(int hash) {
        return (hash * 0x9E3779B9 >>> 10) & (BITS - 1);
    }

    void mark(int hash) {
        int b = bucket(hash);
        long bit = 1L << (b & 63);
        int w = b >>> 6;
        // plain read first: a hot key's bit is usually set already, and a write would bounce the line
        if ((words.get(w) & bit) == 0) {
            words.getAndUpdate(w, v -> v | bit);
        }
    }

    void clear(int hash) {
        int b = bucket(hash);
        long bit = 1L << (b & 63);
        int w = b >>> 6;
        if ((words.get(w) & bit) != 0) {
            words.getAndUpdate(w, v -> v & ~bit);
        }
    }

    /** Whether the bit was set; clears it. */
    boolean takeMark(int hash) {
        int b = bucket(hash);
        long bit = 1L << (b & 63);
        int w = b >>> 6;
        return (words.getAndUpdate(w, v -> v & ~bit) & bit) != 0;
    }
}
