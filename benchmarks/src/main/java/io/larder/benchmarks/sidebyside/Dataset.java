package io.larder.benchmarks.sidebyside;

import io.larder.spi.Key;
import java.util.Arrays;

/**
 * The keys and values every store in one trial holds: {@link #entries} keys
 * {@code https://example.org/object/<i>} and two values of {@link #valueSize} bytes that differ in
 * their first byte (a compare-and-set swaps one for the other).
 */
public final class Dataset {

    /** The bytes of values each trial stores at most, so every value size fits the forks' heaps. */
    static final long DATA_BYTES = 256L << 20;

    final int valueSize;
    final int entries;
    final Key[] keys;
    final byte[][] encodedKeys;
    final byte[] valueA;
    final byte[] valueB;

    /**
     * @param valueSize bytes per value
     * @param maxEntries the most keys; fewer when {@link #DATA_BYTES} of values would be passed
     * @throws IllegalArgumentException if either is below 1
     */
    public Dataset(int valueSize, int maxEntries) {
        if (valueSize < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("valueSize and maxEntries must be at least 1, got " + valueSize
                    + " and " + maxEntries);
        }
        this.valueSize = valueSize;
        this.entries = (int) Math.min(maxEntries, Math.max(1_000, DATA_BYTES / valueSize));
        keys = new Key[entries];
        encodedKeys = new byte[entries][];
        for (int i = 0; i < entries; i++) {
            keys[i] = Key.of("https://example.org/object/" + i);
            encodedKeys[i] = keys[i].encodedBytes();
        }
        valueA = new byte[valueSize];
        Arrays.fill(valueA, (byte) 'a');
        valueB = valueA.clone();
        valueB[0] = 'b';
    }

    /** A budget every store gets, well above what the entries take, so nothing is evicted. */
    long capacityBytes() {
        return 2L * entries * (valueSize + 128L) + (64L << 20);
    }

    /**
     * LMDB's map size: a value past half a page takes whole overflow pages (a 4 KiB value two 4 KiB
     * pages), and the engine keeps entries to 60% of the map; the map is sparse, so room costs
     * nothing until used.
     */
    long lmdbMapBytes() {
        return 4L * entries * (valueSize + 4096L + 128L) + (64L << 20);
    }
}
