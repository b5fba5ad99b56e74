package io.larder.engine.offheap;

import io.larder.spi.ConfigException;
import io.larder.spi.Key;
import io.larder.spi.Option;

/**
 * Chronicle Map's low-level geometry, derived from the engine's capacity so that the memory
 * Chronicle reserves is known up front and no segment ever needs an extra tier.
 *
 * <p>The engine charges each entry the chunks Chronicle gives it ({@link #chunks}) and keeps every
 * segment within {@link #budgetChunks} of them and {@link #maxEntriesPerSegment} entries, evicting
 * ahead of a write that would pass either; the segments' budgets add up to the capacity. Each
 * segment tier has {@link #tierChunks} chunks: the budget plus headroom for fragmentation (an entry
 * needs contiguous chunks), so that an entry the budget admits finds room.
 *
 * <ul>
 *   <li>chunk size: a power of two near an eighth of the average entry, 8..1024 bytes, so chunk
 *       rounding wastes about 6% of an average entry;</li>
 *   <li>segments: a power of two, at most {@value #MAX_SEGMENTS}, and few enough that each
 *       segment's budget holds {@value #ENTRIES_OF_MAX_SIZE_PER_SEGMENT} largest entries, so that
 *       storing one evicts at most a fraction of its segment;</li>
 *   <li>headroom: an eighth of the budget plus one largest entry;</li>
 *   <li>entries per segment: twice what the budget holds at the average size, so the entry-count
 *       bound only bites when entries are well under half the average size.</li>
 * </ul>
 *
 * @param capacity configured capacity in bytes
 * @param maxValueSize largest value stored
 * @param chunkSize Chronicle's chunk size, bytes
 * @param segments Chronicle's segment count
 * @param budgetChunks chunks each segment may use
 * @param tierChunks chunks each segment's single tier has
 * @param maxEntriesPerSegment entries each segment may hold
 * @param maxEntryChunks chunks the largest entry takes
 */
record Sizing(long capacity, long maxValueSize, int chunkSize, int segments, long budgetChunks, long tierChunks,
        long maxEntriesPerSegment, long maxEntryChunks) {

    static final int MAX_SEGMENTS = 256;
    static final int ENTRIES_OF_MAX_SIZE_PER_SEGMENT = 4;
    private static final int MIN_SEGMENT_BUDGET_ENTRIES = 2;

    /**
     * Derives the geometry.
     *
     * @throws ConfigException if the capacity cannot hold two of the largest entries
     */
    static Sizing of(String engine, long capacity, long maxValueSize, long averageKeySize, long averageValueSize) {
        if (averageValueSize > maxValueSize) {
            throw new ConfigException("engine '" + engine + "': averageValueSize " + averageValueSize
                    + " bytes is above maxValueSize " + maxValueSize + " bytes");
        }
        long averageEntry = entryBytes(averageKeySize, EntryHeader.LENGTH + averageValueSize);
        int chunkSize = (int) Math.max(8, Math.min(1024, Long.highestOneBit(Math.max(1, averageEntry / 8))));
        // The largest entry: the longest key, a leased header with the longest tags, the largest value.
        long maxEntryChunks = ceilDiv(entryBytes(Key.MAX_ENCODED_BYTES,
                EntryHeader.LEASED_LENGTH + TagCodec.MAX_LENGTH + maxValueSize), chunkSize);
        long maxEntryBytes = maxEntryChunks * chunkSize;
        long capacityChunks = capacity / chunkSize;
        if (capacityChunks < MIN_SEGMENT_BUDGET_ENTRIES * maxEntryChunks) {
            throw new ConfigException("engine '" + engine + "': capacity " + Option.formatSize(capacity)
                    + " cannot hold two entries of maxValueSize " + Option.formatSize(maxValueSize)
                    + " with the longest key (" + maxEntryBytes + " bytes each); capacity must be at least "
                    + MIN_SEGMENT_BUDGET_ENTRIES * maxEntryBytes + " bytes, or lower maxValueSize");
        }
        int segments = 1;
        while (segments < MAX_SEGMENTS
                && capacityChunks / (segments * 2L) >= ENTRIES_OF_MAX_SIZE_PER_SEGMENT * maxEntryChunks) {
            segments *= 2;
        }
        long budgetChunks = capacityChunks / segments;
        long tierChunks = budgetChunks + budgetChunks / 8 + maxEntryChunks;
        long averageChunks = ceilDiv(averageEntry, chunkSize);
        long maxEntries = Math.max(16, Math.min(tierChunks, 2 * ceilDiv(budgetChunks, averageChunks)));
        return new Sizing(capacity, maxValueSize, chunkSize, segments, budgetChunks, tierChunks, maxEntries,
                maxEntryChunks);
    }

    /** Chunks an entry with this encoded key and stored value (header included) takes. */
    long chunks(long keyLength, long storedValueLength) {
        return ceilDiv(entryBytes(keyLength, storedValueLength), chunkSize);
    }

    /** Bytes of chunk space the capacity admits: what {@code bytesUsed} is measured in. */
    long chunkBytes(long chunks) {
        return chunks * chunkSize;
    }

    /** Chronicle's entry: stop-bit encoded key size, key, stop-bit encoded value size, value. */
    static long entryBytes(long keyLength, long storedValueLength) {
        return stopBitLength(keyLength) + keyLength + stopBitLength(storedValueLength) + storedValueLength;
    }

    private static int stopBitLength(long n) {
        int length = 1;
        while ((n >>>= 7) != 0) {
            length++;
        }
        return length;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
