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
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
    private final long maxValueSize;

    WritePath(Store store, Evictor evictor, Clock clock) {
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
        for (int fullRetries = 0; ; ) {
            long now = clock.millis();
            long expiresAt = expiry.expiresAt(now);
            int segment;
            long needChunks;
            try (ExternalMapQueryContext<byte[], byte[], ?> c = store.map.queryContext(k)) {
                c.updateLock().lock();
                segment = c.segmentIndex();
                MapEntry<byte[], byte[]> e = c.entry();
                if (e != null && e.value().size() == EntryHeader.LENGTH + valueLength
                        && (value.hasArray() || value.isDirect())) {
                    // Same size: same chunks; overwrite in place. (A read-only heap buffer, whose
                    // array is hidden, goes the general way.)
                    return store.overwrite(c, e, segment, k, value, flags, expiresAt, now);
                }
                needChunks = store.roomNeeded(segment, e, keyLength, valueLength);
                if (needChunks == 0) {
                    try {
                        return store.write(c, e, segment, s, s.prepare(value, flags, expiresAt, now,
                                store.counters.tick()), s.preparedLength, k, prefixLength, expiresAt, now);
                    } catch (SegmentFullException full) {
                        needChunks = store.roomAfterFull(fullRetries++);
                    }
                }
            }
            evictor.evict(segment, needChunks, s, k);
        }
    }

    Entry compute(Key key, ComputeFunction function) {
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
                if (e != null && !EntryCodec.isLive(e, now)) {
                    store.remove(e, segment, k, keyLength, prefixLength, Cause.EXPIRATION);
                    e = null;
                }
                Entry current = e == null ? null : EntryCodec.toEntry(e);
                ComputeAction action = Objects.requireNonNull(function.apply(current),
                        "compute function returned null; return ComputeAction.keep() to change nothing");
                switch (action.kind()) {
                    case KEEP:
                        return current;
                    case REMOVE:
                        if (e != null) {
                            store.remove(e, segment, k, keyLength, prefixLength, Cause.DELETE);
                        }
                        return null;
                    case TOUCH:
                        if (e == null) {
                            return null;
                        }
                        long expiresAt = action.expiry().expiresAt(now);
                        store.touch(c, e, segment, k, expiresAt);
                        return new Entry(current.value(), current.version(), expiresAt, current.flags(),
                                current.storedAt());
                    case STORE:
                        byte[] value = action.value();
                        Checks.valueSize(value.length, maxValueSize);
                        long storeExpiresAt = action.expiry().expiresAt(now);
                        needChunks = store.roomNeeded(segment, e, keyLength, value.length);
                        if (needChunks == 0) {
                            try {
                                long version = store.write(c, e, segment, s, s.prepare(ByteBuffer.wrap(value),
                                        action.flags(), storeExpiresAt, now, store.counters.tick()),
                                        s.preparedLength, k, prefixLength, storeExpiresAt, now);
                                return new Entry(value.clone(), version, storeExpiresAt, action.flags(), now);
                            } catch (SegmentFullException full) {
                                // The old entry, if any, is still there: the function sees it again on the retry.
                                needChunks = store.roomAfterFull(fullRetries++);
                            }
                        }
                        break;
                    default:
                        throw new IllegalStateException("unknown compute action " + action.kind());
                }
            }
            // Room is made outside the key's context (Chronicle locks one segment at a time), then the
            // function runs again on what is there now, as its contract allows.
            evictor.evict(segment, needChunks, s, k);
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

    List<Variant> variants(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        long now = clock.millis();
        List<Variant> variants = new ArrayList<>();
        if (store.isLive(prefix, now)) {
            variants.add(Variant.EMPTY);
        }
        for (byte[] key : store.variants.keysOf(prefix)) {
            if (store.isLive(key, now)) {
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
                c.forEachSegmentEntry(e -> store.removeIterated(e, seg, s,
                        EntryCodec.isLive(e, now) ? Cause.INVALIDATION : Cause.EXPIRATION));
            }
        }
    }
}
