package io.larder.engine.offheap;

import io.larder.engine.offheap.Counters.Cause;
import io.larder.engine.offheap.Store.SegmentFullException;
import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Writes and purges: {@code set}, {@code compute}, {@code invalidate}, {@code variants} and
 * {@code clear}. Each runs inside a Chronicle query context for its key, holding the segment's
 * update lock while it reads, decides and writes (through the {@link Store}); a write that does not
 * fit its segment's budget leaves the context, has the {@link Evictor} make room, and retries.
 */
final class WritePath {

    private final Store store;
    private final Evictor evictor;
    private final Clock clock;
    private static final byte[] EMPTY = new byte[0];

    private final StorageEngine engine;
    private final long maxValueSize;

    WritePath(StorageEngine engine, Store store, Evictor evictor, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.evictor = evictor;
        this.clock = clock;
        this.maxValueSize = store.sizing.maxValueSize();
    }

    long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Scratch s = Scratch.get();
        byte[] k = s.exactKey(key);
        int keyLength = k.length;
        int prefixLength = key.primaryPrefixLength();
        int valueLength = value.remaining();
        Admission admission = store.admission;
        boolean weighed = admission == null;
        if (admission != null) {
            admission.record(k, keyLength);
        }
        // Chronicle wraps a byte[] key anew for every query; a key in native memory it takes as is
        BytesStore<?, ?> nativeKey = s.setKey(k);
        for (int fullRetries = 0; ; ) {
            long now = clock.millis();
            long expiresAt = expiry.expiresAt(now);
            int segment;
            long needChunks;
            try (ExternalMapQueryContext<byte[], byte[], ?> c = nativeKey == null ? store.map.queryContext(k)
                    : store.map.queryContext(nativeKey, 0, keyLength)) {
                c.updateLock().lock();
                segment = c.segmentIndex();
                MapEntry<byte[], byte[]> e = c.entry();
                if (e != null && e.value().size() == EntryHeader.LENGTH + valueLength
                        && (value.hasArray() || value.isDirect())) {
                    // Same size: same chunks; overwrite in place. (A read-only heap buffer, whose
                    // array is hidden, goes the general way.)
                    return store.overwrite(c, e, segment, k, value, flags, expiresAt, now);
                }
                if (!weighed && e == null && store.nearlyFull(segment, keyLength, EntryHeader.LENGTH + valueLength)) {
                    needChunks = -1; // weigh it outside the context: displacing a victim locks its segment
                } else {
                    needChunks = store.roomNeeded(segment, e, keyLength, EntryHeader.LENGTH + valueLength);
                    if (needChunks == 0) {
                        try {
                            return store.write(c, e, segment, s, s.prepare(value, flags, expiresAt, now,
                                    store.counters.tick()), s.preparedLength, k, prefixLength, expiresAt, now, null,
                                    0);
                        } catch (SegmentFullException full) {
                            needChunks = store.roomAfterFull(fullRetries++);
                        }
                    }
                }
            }
            if (needChunks < 0) {
                weighed = true;
                Admission.Victim victim = admission.decide(segment, k);
                if (victim == Admission.REJECT) {
                    // Dropped as if evicted at once: a version no entry has, so a CAS on it finds nothing.
                    store.counters.admissionRejected.increment();
                    return store.nextVersion();
                }
                if (victim != null) {
                    store.evictIfCold(victim.key(), victim.stamp(), now);
                }
                continue;
            }
            evictor.evict(segment, needChunks, s, k);
        }
    }

    Entry compute(Key key, ComputeFunction function) {
        return compute(key, function, false);
    }

    /**
     * {@code compute}; with {@code softPurge}, a MARK_STALE it commits is counted as an invalidation
     * rather than a write, as a soft purge of a primary is.
     */
    private Entry compute(Key key, ComputeFunction function, boolean softPurge) {
        Scratch s = Scratch.get();
        // Its own copy of the key: the function may call back into the engine on this thread.
        byte[] k = key.encodedBytes();
        int keyLength = k.length;
        int prefixLength = key.primaryPrefixLength();
        for (int fullRetries = 0; ; ) {
            long now = clock.millis();
            int segment;
            long needChunks;
            try (ExternalMapQueryContext<byte[], byte[], ?> c = store.map.queryContext(k)) {
                c.updateLock().lock();
                segment = c.segmentIndex();
                MapEntry<byte[], byte[]> e = c.entry();
                // A tagged entry is judged against the marks, and keeps them from moving until it
                // commits (see TagMarks): an invalidation drawn but unpublished must not be missed.
                boolean tagLocked = e != null && (EntryCodec.marks(e) & EntryHeader.TAGGED) != 0;
                if (tagLocked) {
                    store.tagMarks.lockWrites();
                }
                try {
                    if (e != null) {
                        Cause dead = store.deadCause(e, now);
                        if (dead != null) {
                            store.remove(e, segment, k, keyLength, prefixLength, dead);
                            e = null;
                        }
                    }
                    Entry current = e == null ? null : current(e, now);
                    ComputeAction action = Checks.action(engine, function.apply(current));
                    if (!tagLocked && !action.tags().isEmpty()) {
                        // Tags to store: the guard check and the version must not straddle a mark.
                        store.tagMarks.lockWrites();
                        tagLocked = true;
                    }
                    boolean valued = current != null && !current.placeholder();
                    Prepared next;
                    switch (action.kind()) {
                        case KEEP:
                            return current;
                        case REMOVE:
                            if (e != null) {
                                store.remove(e, segment, k, keyLength, prefixLength, Cause.DELETE);
                            }
                            return null;
                        case TOUCH:
                            if (!valued) {
                                return current;
                            }
                            long expiresAt = action.expiry().expiresAt(now);
                            store.touch(c, e, segment, k, expiresAt);
                            return new Entry(current.value(), current.version(), expiresAt, current.flags(),
                                    current.storedAt(), current.tags(), current.stale(), false, current.leased(),
                                    current.hits(), current.lastAccess());
                        case STORE:
                            Checks.valueSize(action.value().length, maxValueSize);
                            next = new Prepared(action.value(), 0, action.flags(), action.expiry().expiresAt(now), now,
                                    0, now, 0, action.tags());
                            break;
                        case PLACEHOLDER:
                            long until = plus(now, action.leaseMillis());
                            next = new Prepared(EMPTY, EntryHeader.PLACEHOLDER, 0, until, now, 0, now, 0, List.of());
                            break;
                        case MARK_STALE:
                            if (!valued) {
                                return current;
                            }
                            next = new Prepared(current.value(), EntryHeader.STALE, current.flags(),
                                    grace(current.expiresAt(), action.expiry(), now), current.storedAt(), current.hits(),
                                    current.lastAccess(), 0, current.tags());
                            break;
                        case LEASE:
                            if (!valued) {
                                return current;
                            }
                            next = new Prepared(current.value(), (current.stale() ? EntryHeader.STALE : 0)
                                    | EntryHeader.LEASED, current.flags(), current.expiresAt(), current.storedAt(),
                                    current.hits(), current.lastAccess(), plus(now, action.leaseMillis()),
                                    current.tags());
                            break;
                        default:
                            throw new IllegalStateException("unknown compute action " + action.kind());
                    }
                    needChunks = store.roomNeeded(segment, e, keyLength, next.storedLength());
                    if (needChunks == 0) {
                        try {
                            long version = store.write(c, e, segment, s, s.prepare(ByteBuffer.wrap(next.value), next.marks,
                                    next.flags, next.expiresAt, next.storedAt, store.counters.tick(),
                                    EntryCodec.stats(next.hits, next.lastAccess), next.leaseUntil, next.tagSection),
                                    s.preparedLength, k, prefixLength, next.expiresAt, now, next.tags, action.tagGuard());
                            if (version == 0) {
                                // A guarded store whose tags were invalidated since its guard: as KEEP.
                                return current;
                            }
                            if (softPurge && action.kind() == ComputeAction.Kind.MARK_STALE) {
                                // Store.write counted a write; a soft purge is an invalidation.
                                store.counters.writes.decrement();
                                store.counters.invalidations.increment();
                            }
                            return next.entry(version, now);
                        } catch (SegmentFullException full) {
                            // The old entry, if any, is still there: the function sees it again on the retry.
                            needChunks = store.roomAfterFull(fullRetries++);
                        }
                    }
                } finally {
                    if (tagLocked) {
                        store.tagMarks.unlockWrites();
                    }
                }
            }
            // Room is made outside the key's context (Chronicle locks one segment at a time), then the
            // function runs again on what is there now, as its contract allows.
            evictor.evict(segment, needChunks, s, k);
        }
    }

    /** The live entry {@code e} as the compute function sees it, with its cache state. */
    private Entry current(MapEntry<byte[], byte[]> e, long now) {
        Data<byte[]> v = e.value();
        int marks = EntryCodec.marks(e);
        List<String> tags = List.of();
        int tagState = TagMarks.VALID;
        if ((marks & EntryHeader.TAGGED) != 0) {
            tags = EntryCodec.tags(e);
            tagState = store.tagMarks.state(tags, EntryCodec.version(e));
        }
        return EntryCodec.toEntry(v.bytes(), v.offset(), v.size(), now, tags, tagState);
    }

    /** The earlier of an expiry (0 for never) and the grace expiry, if any. */
    private static long grace(long expiresAt, Expiry grace, long now) {
        if (grace == null) {
            return expiresAt;
        }
        long graceAt = grace.expiresAt(now);
        return expiresAt == 0 ? graceAt : graceAt == 0 ? expiresAt : Math.min(expiresAt, graceAt);
    }

    /** {@code now + millis}, kept to the latest expiry the contract allows. */
    private static long plus(long now, long millis) {
        return millis > Expiry.MAX_EPOCH_MILLIS - now ? Expiry.MAX_EPOCH_MILLIS : now + millis;
    }

    /** What a compute action writes, before its version is known. */
    private static final class Prepared {
        final byte[] value;
        final int marks;
        final int flags;
        final long expiresAt;
        final long storedAt;
        final int hits;
        final long lastAccess;
        final long leaseUntil;
        final List<String> tags;
        final byte[] tagSection;

        Prepared(byte[] value, int marks, int flags, long expiresAt, long storedAt, int hits, long lastAccess,
                long leaseUntil, List<String> tags) {
            this.value = value;
            this.marks = marks;
            this.flags = flags;
            this.expiresAt = expiresAt;
            this.storedAt = storedAt;
            this.hits = hits;
            this.lastAccess = lastAccess;
            this.leaseUntil = leaseUntil;
            this.tags = tags;
            this.tagSection = TagCodec.encode(tags);
        }

        long storedLength() {
            return EntryCodec.headerLength(marks, tagSection) + value.length;
        }

        /** The entry as stored with {@code version}. */
        Entry entry(long version, long now) {
            boolean placeholder = (marks & EntryHeader.PLACEHOLDER) != 0;
            long until = placeholder ? expiresAt : leaseUntil;
            return new Entry(placeholder ? EMPTY : value.clone(), version, expiresAt, flags, storedAt, tags,
                    (marks & EntryHeader.STALE) != 0, placeholder, until > now, hits, lastAccess);
        }
    }

    int invalidate(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        long now = clock.millis();
        int removed = store.removeKey(prefix, now, Cause.INVALIDATION);
        for (byte[] key : store.variants.keysOf(prefix)) {
            removed += store.removeKey(key, now, Cause.INVALIDATION);
        }
        return removed;
    }

    /** Marks stale every entry with a value under {@code primary}, each atomically; how many. */
    int markStale(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        List<byte[]> keys = new ArrayList<>();
        keys.add(prefix);
        keys.addAll(store.variants.keysOf(prefix));
        int marked = 0;
        for (byte[] key : keys) {
            Entry after = compute(Key.decode(key), current -> current == null || current.placeholder()
                    ? ComputeAction.keep() : ComputeAction.markStale(null), true);
            if (after != null && !after.placeholder()) { // a live entry with a value is always marked
                marked++;
            }
        }
        return marked;
    }

    List<Variant> variants(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        long now = clock.millis();
        List<Variant> variants = new ArrayList<>();
        if (store.hasValue(prefix, now)) {
            variants.add(Variant.EMPTY);
        }
        for (byte[] key : store.variants.keysOf(prefix)) {
            if (store.hasValue(key, now)) {
                variants.add(Key.decode(key).variant());
            }
        }
        return variants;
    }

    void clear() {
        Scratch s = Scratch.get();
        long now = clock.millis();
        for (int segment = 0; segment < store.sizing.segments(); segment++) {
            int seg = segment;
            try (MapSegmentContext<byte[], byte[], ?> c = store.map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> {
                    Cause dead = store.deadCause(e, now);
                    boolean placeholder = (EntryCodec.marks(e) & EntryHeader.PLACEHOLDER) != 0;
                    store.removeIterated(e, seg, s, dead != null ? dead
                            : placeholder ? Cause.REPLACEMENT : Cause.INVALIDATION);
                });
            }
        }
    }
}
