package io.larder.engine.offheap;

import io.larder.engine.offheap.Counters.Cause;
import io.larder.spi.Clock;
import java.util.Arrays;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Makes room in a segment: expired and tag-invalidated entries first, then the least recently used, by the
 * eviction clock's reading stamped into each entry at its last hit or write (with {@link Admission}, the
 * least frequent first, then the least recently used). A batch LRU, exact within a
 * segment and sampled across segments (keys spread evenly over segments by hash).
 */
final class Evictor {

    /** Each eviction frees this fraction of the segment's budget beyond what the write needs. */
    static final int BATCH_DIVISOR = 32;

    private final Store store;
    private final Sizing sizing;
    private final Clock clock;

    Evictor(Store store, Clock clock) {
        this.store = store;
        this.sizing = store.sizing;
        this.clock = clock;
    }

    /**
     * Frees at least {@code needChunks} chunks and one entry slot in the segment, plus a batch of a
     * {@value #BATCH_DIVISOR}th of its budget so that evictions amortise over many writes. The key
     * being written is spared.
     */
    void evict(int segment, long needChunks, Scratch s, byte[] protectedKey) {
        long now = clock.millis();
        try (MapSegmentContext<byte[], byte[], ?> c = store.map.segmentContext(segment)) {
            // A segment context takes no lock until it iterates, then holds the update lock until it
            // closes. Taken here (the iteration stops at once) so the targets below are read under it:
            // no write to this segment can move the figures while they are computed and met.
            c.forEachSegmentEntryWhile(e -> false);
            long targetChunks = Math.min(store.chunks(segment), sizing.budgetChunks()) - needChunks
                    - sizing.budgetChunks() / BATCH_DIVISOR;
            long targetEntries = sizing.maxEntriesPerSegment() - 1 - sizing.maxEntriesPerSegment() / BATCH_DIVISOR;
            for (int round = 0; round < 4 && over(segment, targetChunks, targetEntries); round++) {
                long[] stamps = collectStamps(store, c, now, (int) store.entries(segment));
                int n = stamps.length;
                long overChunks = store.chunks(segment) - Math.max(0, targetChunks);
                long averageChunks = Math.max(1, store.chunks(segment) / Math.max(1, n));
                long victims = Math.max(store.entries(segment) - targetEntries, overChunks / averageChunks + 1);
                // The last round spares nothing but the key being written.
                long threshold = round == 3 || victims >= n ? Long.MAX_VALUE : select(stamps, (int) victims);
                c.forEachSegmentEntryWhile(e -> {
                    if (!over(segment, targetChunks, targetEntries)) {
                        return false;
                    }
                    Cause dead = store.deadCause(e, now);
                    if ((dead != null || rank(store, e) <= threshold) && !isKey(e, protectedKey)) {
                        store.removeIterated(e, segment, s, dead != null ? dead : Cause.EVICTION);
                    }
                    return true;
                });
            }
            if (store.admission != null) {
                queueVictims(c, segment, now, protectedKey);
            }
        }
    }

    /** Hands {@link Admission} the segment's coldest live entries, coldest first. */
    private void queueVictims(MapSegmentContext<byte[], byte[], ?> c, int segment, long now, byte[] protectedKey) {
        long[] stamps = collectStamps(store, c, now, (int) store.entries(segment));
        if (stamps.length == 0) {
            store.admission.offer(segment, java.util.List.of());
            return;
        }
        long bar = select(stamps, Admission.QUEUE_LENGTH);
        java.util.List<Admission.Victim> victims = new java.util.ArrayList<>();
        c.forEachSegmentEntry(e -> {
            long rank = rank(store, e);
            if (rank <= bar && victims.size() < 2 * Admission.QUEUE_LENGTH && store.deadCause(e, now) == null
                    && !isKey(e, protectedKey)) {
                Data<byte[]> k = e.key();
                byte[] key = new byte[(int) k.size()];
                k.bytes().read(k.offset(), key, 0, key.length);
                victims.add(new Admission.Victim(key, EntryCodec.access(e), FrequencySketch.hash(key, key.length),
                        rank));
            }
        });
        victims.sort(java.util.Comparator.comparingLong(Admission.Victim::rank));
        store.admission.offer(segment, victims.subList(0, Math.min(victims.size(), Admission.QUEUE_LENGTH)));
    }

    /**
     * A live entry's place in the eviction order, lowest first: its eviction stamp (least recently
     * used first) or, with admission, its key's frequency and then its stamp (least frequent first).
     */
    private static long rank(Store store, MapEntry<byte[], byte[]> e) {
        long stamp = EntryCodec.access(e);
        if (store.admission == null) {
            return stamp;
        }
        Data<byte[]> k = e.key();
        long frequency = store.admission.frequency(FrequencySketch.hash(k.bytes(), k.offset(), (int) k.size()));
        return (frequency << 58) | (stamp & ((1L << 58) - 1));
    }

    private boolean over(int segment, long targetChunks, long targetEntries) {
        return store.chunks(segment) > Math.max(0, targetChunks) || store.entries(segment) > Math.max(0, targetEntries);
    }

    private static long[] collectStamps(Store store, MapSegmentContext<byte[], byte[], ?> c, long now, int expected) {
        long[][] stamps = {new long[Math.max(16, expected + 16)]};
        int[] n = {0};
        c.forEachSegmentEntry(e -> {
            if (n[0] == stamps[0].length) {
                stamps[0] = Arrays.copyOf(stamps[0], n[0] * 2);
            }
            stamps[0][n[0]++] = store.deadCause(e, now) == null ? rank(store, e) : Long.MIN_VALUE;
        });
        return Arrays.copyOf(stamps[0], n[0]);
    }

    /** The {@code k}th smallest stamp (1-based): entries at or below it are the victims. */
    private static long select(long[] stamps, int k) {
        Arrays.sort(stamps);
        return stamps[Math.max(0, Math.min(stamps.length, k) - 1)];
    }

    private static boolean isKey(MapEntry<byte[], byte[]> e, byte[] key) {
        Data<byte[]> k = e.key();
        if (k.size() != key.length) {
            return false;
        }
        RandomDataInput in = k.bytes();
        long offset = k.offset();
        for (int i = 0; i < key.length; i++) {
            if (in.readByte(offset + i) != key[i]) {
                return false;
            }
        }
        return true;
    }
}
