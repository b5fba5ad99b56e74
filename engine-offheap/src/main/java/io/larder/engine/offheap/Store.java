package io.larder.engine.offheap;

import io.larder.engine.offheap.Counters.Cause;
import io.larder.spi.Expiry;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * The only code that inserts, replaces or removes an entry. Each change keeps the Chronicle map,
 * the per-segment accounting, the {@link VariantIndex}, the {@link ExpiryIndex} and the removal
 * figures in step, under the key's segment lock, which the caller holds through a query context
 * (or a segment context while iterating).
 *
 * <p><b>Versions.</b> A write takes its version only once it holds its segment's write lock, and the
 * write becomes visible when that lock is released: no read of that segment can start in between,
 * so a write that got a lower version is visible before any write with a higher one returns.
 */
final class Store {

    final ChronicleMap<byte[], byte[]> map;
    final Sizing sizing;
    final Counters counters;
    final VariantIndex variants = new VariantIndex();
    final ExpiryIndex expiries;
    private final AtomicLong lastVersion;
    private final AtomicLongArray segmentChunks;
    private final AtomicLongArray segmentEntries;

    Store(ChronicleMap<byte[], byte[]> map, Sizing sizing, Counters counters, long firstVersionFloor,
            long expiryResolutionMillis) {
        this.map = map;
        this.sizing = sizing;
        this.counters = counters;
        this.lastVersion = new AtomicLong(firstVersionFloor);
        this.segmentChunks = new AtomicLongArray(sizing.segments());
        this.segmentEntries = new AtomicLongArray(sizing.segments());
        this.expiries = new ExpiryIndex(sizing.segments(), expiryResolutionMillis);
    }

    long lastVersion() {
        return lastVersion.get();
    }

    long chunks(int segment) {
        return segmentChunks.get(segment);
    }

    long entries(int segment) {
        return segmentEntries.get(segment);
    }

    // ---- writes ---------------------------------------------------------------------------

    /**
     * Writes header and value straight over a stored entry of the same size (same chunks, so no
     * budget change), under the write lock, so readers see the old entry or the new, never a mix.
     */
    long overwrite(ExternalMapQueryContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e, int segment, byte[] key,
            ByteBuffer value, int flags, long expiresAt, long now) {
        c.writeLock().lock();
        long oldExpiresAt = EntryCodec.expiresAt(e);
        long version = lastVersion.incrementAndGet();
        EntryCodec.overwrite(e, value, flags, version, expiresAt, now, counters.tick());
        expiries.move(segment, key, key.length, oldExpiresAt, expiresAt);
        wrote(oldExpiresAt, now);
        return version;
    }

    /**
     * Stores the entry prepared in {@code prepared} under {@code key}, replacing {@code e} if there is
     * one, with a new version. A value no longer than the old one replaces it in place; a longer
     * one is removed and inserted afresh, because a Chronicle relocation that cannot find room frees
     * the old chunks before it fails, while a failed insert changes nothing. If that insert finds no
     * room, the old entry, copied into {@code s} first, goes back where it was (its chunks were just
     * freed), so the key the caller is writing is never lost for room. The key stays in the variant
     * index throughout, so {@code invalidate} never misses it.
     *
     * @throws SegmentFullException if Chronicle found no contiguous room; the store is as it was then
     */
    long write(ExternalMapQueryContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e, int segment, Scratch s,
            BytesStore<?, ?> prepared, long preparedLength, byte[] key, int prefixLength, long expiresAt, long now) {
        int keyLength = key.length;
        boolean variant = keyLength > prefixLength;
        c.writeLock().lock();
        long version = lastVersion.incrementAndGet();
        EntryCodec.writeVersion(prepared, version);
        Data<byte[]> data = c.wrapValueBytesAsData(prepared, 0, preparedLength);
        long newChunks = sizing.chunks(keyLength, preparedLength);
        long oldExpiresAt = 0;
        if (e != null) {
            oldExpiresAt = EntryCodec.expiresAt(e);
            long oldSize = e.value().size();
            long oldChunks = sizing.chunks(keyLength, oldSize);
            if (oldSize >= preparedLength) {
                e.doReplaceValue(data);
                segmentChunks.addAndGet(segment, newChunks - oldChunks);
                expiries.move(segment, key, keyLength, oldExpiresAt, expiresAt);
                wrote(oldExpiresAt, now);
                return version;
            }
            byte[] old = s.keep(e.value());
            e.doRemove();
            try {
                c.absentEntry().doInsert(data);
            } catch (IllegalStateException full) {
                // Fragmentation beat the headroom. The old entry's chunks are free again: it fits back.
                restoreOrDrop(c, old, oldSize, segment, key, prefixLength, oldChunks, oldExpiresAt, now);
                throw new SegmentFullException(full);
            }
            segmentChunks.addAndGet(segment, newChunks - oldChunks);
            expiries.move(segment, key, keyLength, oldExpiresAt, expiresAt);
            wrote(oldExpiresAt, now);
            return version;
        }
        if (variant) {
            // Indexed before it is inserted: the index may hold a key briefly absent, never miss one.
            variants.add(key, keyLength, prefixLength);
        }
        try {
            c.absentEntry().doInsert(data);
        } catch (IllegalStateException full) {
            if (variant) {
                variants.remove(key, keyLength, prefixLength);
            }
            throw new SegmentFullException(full);
        }
        segmentChunks.addAndGet(segment, newChunks);
        segmentEntries.incrementAndGet(segment);
        expiries.add(segment, key, keyLength, expiresAt);
        wrote(0, now);
        return version;
    }

    /**
     * Puts a removed entry back, bytes as they were (version included), under the lock that
     * removed it; the accounting never saw it go. Should Chronicle refuse even that, the entry is
     * accounted gone, as an eviction, so the store's figures stay true.
     */
    private void restoreOrDrop(ExternalMapQueryContext<byte[], byte[], ?> c, byte[] old, long oldSize, int segment,
            byte[] key, int prefixLength, long oldChunks, long oldExpiresAt, long now) {
        try {
            c.absentEntry().doInsert(c.wrapValueBytesAsData(BytesStore.wrap(old), 0, oldSize));
        } catch (IllegalStateException stillFull) {
            segmentChunks.addAndGet(segment, -oldChunks);
            segmentEntries.decrementAndGet(segment);
            expiries.remove(segment, key, key.length, oldExpiresAt);
            if (key.length > prefixLength) {
                variants.remove(key, key.length, prefixLength);
            }
            counters.removed(Expiry.isLive(oldExpiresAt, now) ? Cause.EVICTION : Cause.EXPIRATION);
        }
    }

    /** Counts a write, and the expiration of the entry it replaced if that one had expired. */
    private void wrote(long replacedExpiresAt, long now) {
        counters.writes.increment();
        if (replacedExpiresAt != 0 && !Expiry.isLive(replacedExpiresAt, now)) {
            counters.expirations.increment();
        }
    }

    /** Sets a live entry's expiry in place, keeping its version. */
    void touch(ExternalMapQueryContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e, int segment, byte[] key,
            long expiresAt) {
        c.writeLock().lock();
        long old = EntryCodec.expiresAt(e);
        EntryCodec.writeExpiresAt(e, expiresAt);
        expiries.move(segment, key, key.length, old, expiresAt);
    }

    /**
     * Chunks to free in the segment before a write fits, 0 if it fits now. Each segment stays
     * within its chunk and entry budgets, so Chronicle never needs a tier it does not have.
     */
    long roomNeeded(int segment, MapEntry<byte[], byte[]> e, int keyLength, long valueLength) {
        long newChunks = sizing.chunks(keyLength, EntryHeader.LENGTH + valueLength);
        long oldChunks = e == null ? 0 : sizing.chunks(keyLength, e.value().size());
        long over = segmentChunks.get(segment) - oldChunks + newChunks - sizing.budgetChunks();
        boolean tooMany = e == null && segmentEntries.get(segment) + 1 > sizing.maxEntriesPerSegment();
        if (over <= 0 && !tooMany) {
            return 0;
        }
        return Math.max(1, over);
    }

    /**
     * Chunks to free after Chronicle found no contiguous run for an entry the budget admitted: a
     * largest entry's worth, then a quarter of the segment more on each further failure, so that
     * a run of failures ends with the segment emptied, where every entry fits.
     */
    long roomAfterFull(int fullRetries) {
        counters.segmentFulls.increment();
        return sizing.maxEntryChunks() + fullRetries * (sizing.budgetChunks() / 4);
    }

    // ---- removals -------------------------------------------------------------------------

    /** Removes a queried entry and everything that points at it, counting it under {@code cause}. */
    void remove(MapEntry<byte[], byte[]> e, int segment, byte[] key, int keyLength, int prefixLength, Cause cause) {
        long chunks = sizing.chunks(keyLength, e.value().size());
        long expiresAt = EntryCodec.expiresAt(e);
        e.doRemove();
        segmentChunks.addAndGet(segment, -chunks);
        segmentEntries.decrementAndGet(segment);
        if (keyLength > prefixLength) {
            variants.remove(key, keyLength, prefixLength);
        }
        expiries.remove(segment, key, keyLength, expiresAt);
        counters.removed(cause);
    }

    /** Removes an entry met while iterating a segment, reading its key into the thread's scratch. */
    void removeIterated(MapEntry<byte[], byte[]> e, int segment, Scratch s, Cause cause) {
        Data<byte[]> k = e.key();
        int keyLength = (int) k.size();
        byte[] key = s.otherKey(keyLength);
        k.bytes().read(k.offset(), key, 0, keyLength);
        remove(e, segment, key, keyLength, primaryPrefixLength(key), cause);
    }

    /**
     * Removes the entry under {@code key}, if any: a live one counted under {@code liveCause}, an
     * expired one as an expiration. Returns 1 if it was live.
     */
    int removeKey(byte[] key, long now, Cause liveCause) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return 0;
            }
            boolean live = EntryCodec.isLive(e, now);
            remove(e, c.segmentIndex(), key, key.length, primaryPrefixLength(key), live ? liveCause : Cause.EXPIRATION);
            return live ? 1 : 0;
        }
    }

    /** Removes the entry under {@code key} if it has expired; whether it did. */
    boolean removeIfExpired(byte[] key, long now) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null || EntryCodec.isLive(e, now)) {
                return false;
            }
            remove(e, c.segmentIndex(), key, key.length, primaryPrefixLength(key), Cause.EXPIRATION);
            return true;
        }
    }

    /** Whether a live entry is stored under {@code key}; takes only the read lock. */
    boolean isLive(byte[] key, long now) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(key)) {
            c.readLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            return e != null && EntryCodec.isLive(e, now);
        }
    }

    static int primaryPrefixLength(byte[] encoded) {
        return 2 + (((encoded[0] & 0xFF) << 8) | (encoded[1] & 0xFF));
    }

    /** A write found no contiguous room in its segment; the caller evicts and retries. */
    static final class SegmentFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SegmentFullException(IllegalStateException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
