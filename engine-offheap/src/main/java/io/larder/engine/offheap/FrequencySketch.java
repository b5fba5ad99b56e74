package io.larder.engine.offheap;

/**
 * How often each key was seen lately, approximately: a count-min sketch of 4-bit counters, four
 * per key (one per row, rows spread over one table), packed sixteen to a {@code long}. A key's
 * frequency is the least of its four counters, so collisions only ever overstate it. Counters stop
 * at 15; after {@code 10 ×} the table's expected entries increments, every counter is halved, so
 * the sketch forgets old popularity (the "reset" of TinyLFU).
 *
 * <p>Updates are plain reads and writes of the table, without locks or atomics: racing threads may
 * lose an increment or a halving of one counter. The sketch only ranks keys for admission, so that
 * costs a little accuracy and never correctness.
 */
final class FrequencySketch {

    private static final long[] SEEDS = {0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L,
        0xD6E8FEB86659FD93L};
    private static final long HALF = 0x7777_7777_7777_7777L;

    private final long[] table;
    private final int mask;
    private final int sampleSize;
    private int additions;

    /** A sketch for about {@code expectedEntries} distinct live keys (sixteen counters each, 8 bytes). */
    FrequencySketch(long expectedEntries) {
        long entries = Math.max(64, Math.min(expectedEntries, 1L << 26));
        // The next power of two of the entries: sixteen counters per entry, so that the keys seen
        // once in a sample period (a scan) overstate one another little.
        int longs = Math.max(8, (int) Long.highestOneBit(entries - 1) << 1);
        this.table = new long[longs];
        this.mask = longs - 1;
        this.sampleSize = (int) Math.min(Integer.MAX_VALUE, 10 * entries);
    }

    /** A 64-bit hash of the first {@code length} bytes of {@code key}. */
    static long hash(byte[] key, int length) {
        long h = 0x243F6A8885A308D3L ^ length;
        for (int i = 0; i < length; i++) {
            h = (h ^ (key[i] & 0xFF)) * 0x100000001B3L;
        }
        return mix(h);
    }

    /** {@link #hash(byte[], int)} of {@code length} bytes at {@code offset} of {@code in}. */
    static long hash(net.openhft.chronicle.bytes.RandomDataInput in, long offset, int length) {
        long h = 0x243F6A8885A308D3L ^ length;
        for (int i = 0; i < length; i++) {
            h = (h ^ (in.readByte(offset + i) & 0xFF)) * 0x100000001B3L;
        }
        return mix(h);
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /** The estimated frequency of the key with {@code hash}, 0..15. */
    int frequency(long hash) {
        int min = 15;
        for (int row = 0; row < 4; row++) {
            long h = mix(hash + SEEDS[row]);
            int shift = (int) (h & 15) << 2;
            min = Math.min(min, (int) (table[(int) (h >>> 32) & mask] >>> shift) & 15);
        }
        return min;
    }

    /** Counts one sighting of the key with {@code hash}. */
    void increment(long hash) {
        boolean added = false;
        for (int row = 0; row < 4; row++) {
            long h = mix(hash + SEEDS[row]);
            int index = (int) (h >>> 32) & mask;
            int shift = (int) (h & 15) << 2;
            long word = table[index];
            if (((word >>> shift) & 15) < 15) {
                table[index] = word + (1L << shift);
                added = true;
            }
        }
        if (added && ++additions >= sampleSize) {
            halve();
        }
    }

    private void halve() {
        for (int i = 0; i < table.length; i++) {
            table[i] = (table[i] >>> 1) & HALF;
        }
        additions /= 2;
    }
}
