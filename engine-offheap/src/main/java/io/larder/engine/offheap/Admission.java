package io.larder.engine.offheap;

import java.util.ArrayDeque;

/**
 * TinyLFU admission ({@code admission=tinylfu}): a new key that would take room in a full segment
 * gets in only if the {@link FrequencySketch} has seen it more often than the segment's coldest
 * entry, which it then displaces; otherwise the write is dropped (as if evicted at once) and the
 * cold entry stays. So a scan or a long tail of one-off keys cannot flush the entries that are
 * read again and again.
 *
 * <p>The evictor, too, evicts the least frequent entries first (then the least recently used), so
 * room made for an admitted newcomer is not taken from the entries the sketch knows as popular.
 *
 * <p>Every read (hit or miss) and every {@code set} counts one sighting of its key. Each segment
 * has a short queue of its coldest entries (by the eviction stamp), filled by the {@link Evictor}
 * when it evicts; a newcomer is weighed against the head of its segment's queue. A segment counts
 * as full once its free room is within the eviction batch (a {@value Evictor#BATCH_DIVISOR}th of
 * its budget): the room a batch frees is handed out by admission, not first come first served.
 * An empty queue (no eviction yet in that segment) admits.
 *
 * <p>Only {@code set} of a new key is weighed: writes through {@code compute} (add,
 * compare-and-set, tagged writes, placeholders) ask for that key specifically, and their callers
 * expect the entry to be there.
 */
final class Admission {

    /** Victims kept per segment. */
    static final int QUEUE_LENGTH = 32;

    /** A cold entry, its eviction stamp when queued, its key's hash and its place in the eviction order. */
    record Victim(byte[] key, long stamp, long hash, long rank) {
    }

    /** The answer that drops the newcomer. */
    static final Victim REJECT = new Victim(new byte[0], 0, 0, 0);

    private final FrequencySketch sketch;
    private final ArrayDeque<Victim>[] queues;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Admission(int segments, long expectedEntries) {
        this.sketch = new FrequencySketch(expectedEntries);
        this.queues = new ArrayDeque[segments];
        for (int i = 0; i < segments; i++) {
            queues[i] = new ArrayDeque<>(QUEUE_LENGTH);
        }
    }

    /** Counts a sighting of the first {@code length} bytes of {@code key}. */
    void record(byte[] key, int length) {
        sketch.increment(FrequencySketch.hash(key, length));
    }

    /** The sketch's estimate for the key with {@code hash}, 0..15. */
    int frequency(long hash) {
        return sketch.frequency(hash);
    }

    /** Replaces the segment's queue with {@code coldestFirst}. */
    void offer(int segment, java.util.List<Victim> coldestFirst) {
        ArrayDeque<Victim> queue = queues[segment];
        synchronized (queue) {
            queue.clear();
            queue.addAll(coldestFirst);
        }
    }

    /**
     * Weighs a newcomer against the segment's coldest entry: {@link #REJECT}, null to admit
     * without a victim, or the victim the newcomer displaces (to remove if it is still that cold).
     */
    Victim decide(int segment, byte[] key) {
        int candidate = sketch.frequency(FrequencySketch.hash(key, key.length));
        ArrayDeque<Victim> queue = queues[segment];
        synchronized (queue) {
            Victim victim = queue.peek();
            if (victim == null) {
                return null;
            }
            if (candidate <= sketch.frequency(victim.hash())) {
                return REJECT;
            }
            return queue.poll();
        }
    }
}
