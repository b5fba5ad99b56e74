package io.larder.engine.lmdb;

import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes: what each operation does to one key or one primary, inside a transaction run by
 * {@link Transactions}; every change to the stored entries goes through {@link EntryStore}. A
 * compute reads the entry, its tags' watermarks and any tag guard in the same write transaction
 * it commits in, so no tag invalidation (of this or another process) can fall between the check
 * and the commit.
 */
final class WritePath {

    private final StorageEngine engine;
    private final Transactions transactions;
    private final EntryStore store;
    private final ReadMarks marks;
    private final HitStats hitStats;
    private final Clock clock;
    private final long maxValueSize;

    WritePath(StorageEngine engine, Transactions transactions, EntryStore store, ReadMarks marks, HitStats hitStats,
            Clock clock, long maxValueSize) {
        this.engine = engine;
        this.transactions = transactions;
        this.store = store;
        this.marks = marks;
        this.hitStats = hitStats;
        this.clock = clock;
        this.maxValueSize = maxValueSize;
    }

    Entry compute(Key key, ComputeFunction function) {
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        byte[] fullKey = StoredKey.isShort(key) ? null : key.encodedBytes();
        return transactions.run(txn -> {
            long now = clock.millis();
            Found found = store.find(txn, key);
            // Under a digest key, another key's entry may sit there (a collision): it is not ours to
            // read or remove, but a store replaces it.
            boolean mine = EntryStore.isMine(found, key);
            byte[] value = mine && Expiry.isLive(found.expiresAt, now) ? found.valueCopy() : null;
            EntryStore.Judged judged = mine ? store.judge(txn, found, now) : null;
            boolean live = judged == EntryStore.Judged.LIVE || judged == EntryStore.Judged.STALE;
            Entry current = live ? entryOf(found, value, judged == EntryStore.Judged.STALE, now) : null;
            // What taking away the entry found counts as: a collision's or a live one's replacement
            // counts nothing, an expired or tag-invalidated one is reclaimed.
            EntryStore.Cause replaced = mine ? EntryStore.causeOf(judged, EntryStore.Cause.REPLACED)
                    : EntryStore.Cause.REPLACED;
            ComputeAction action = Checks.action(engine, function.apply(current));
            switch (action.kind()) {
                case KEEP:
                    return keep(txn, found, mine, current, judged);
                case REMOVE:
                    if (mine) {
                        store.remove(txn, found, EntryStore.causeOf(judged, EntryStore.Cause.DELETED));
                    }
                    return null;
                case TOUCH:
                    if (current == null || current.placeholder()) {
                        return keep(txn, found, mine, current, judged);
                    }
                    long touchedAt = action.expiry().expiresAt(now);
                    store.touch(txn, fullKey, found, value, touchedAt);
                    return copy(current, current.version(), touchedAt, current.stale(), current.leased());
                case STORE: {
                    byte[] newValue = action.value();
                    Checks.valueSize(newValue.length, maxValueSize);
                    long expiresAt = action.expiry().expiresAt(now);
                    byte[] tags = Tags.encode(action.tags());
                    if (action.tagGuard() > 0 && tags.length > 0
                            && store.tagMarks().invalidatedSince(txn, tags, action.tagGuard())) {
                        return keep(txn, found, mine, current, judged);
                    }
                    long version = store.put(txn, fullKey, ByteBuffer.wrap(newValue), action.flags(), expiresAt, now,
                            0, 0, tags, found, replaced);
                    return new Entry(newValue.clone(), version, expiresAt, action.flags(), now, action.tags(), false,
                            false, false, 0, now);
                }
                case PLACEHOLDER: {
                    long until = Math.min(Expiry.MAX_EPOCH_MILLIS, now + action.leaseMillis());
                    long version = store.put(txn, fullKey, ByteBuffer.allocate(0), 0, until, now, Record.PLACEHOLDER,
                            until, Tags.NONE, found, replaced);
                    return new Entry(new byte[0], version, until, 0, now, java.util.List.of(), false, true, true, 0,
                            now);
                }
                case MARK_STALE: {
                    if (current == null || current.placeholder()) {
                        return keep(txn, found, mine, current, judged);
                    }
                    long expiresAt = current.expiresAt();
                    if (action.expiry() != null) {
                        long grace = action.expiry().expiresAt(now);
                        expiresAt = expiresAt == 0 ? grace : grace == 0 ? expiresAt : Math.min(expiresAt, grace);
                    }
                    long version = rewrite(txn, fullKey, found, value, expiresAt, found.state | Record.STALE, 0);
                    return copy(current, version, expiresAt, true, false);
                }
                case LEASE: {
                    if (current == null || current.placeholder()) {
                        return keep(txn, found, mine, current, judged);
                    }
                    long until = Math.min(Expiry.MAX_EPOCH_MILLIS, now + action.leaseMillis());
                    int state = current.stale() ? found.state | Record.STALE : found.state & ~Record.STALE;
                    long version = rewrite(txn, fullKey, found, value, current.expiresAt(), state, until);
                    return copy(current, version, current.expiresAt(), current.stale(), true);
                }
                default:
                    throw new IllegalStateException("unknown compute action " + action.kind());
            }
        });
    }

    /** KEEP: reclaims an entry found absent (expired, or removed by a tag invalidation). */
    private Entry keep(org.lmdbjava.Txn<ByteBuffer> txn, Found found, boolean mine, Entry current,
            EntryStore.Judged judged) {
        if (mine && current == null) {
            store.remove(txn, found, EntryStore.causeOf(judged, EntryStore.Cause.NONE));
        } else if (current != null) {
            marks.mark(current.version());
        }
        return current;
    }

    /** A new version of the live entry {@code found}, value, flags, tags and storedAt kept; its hit statistics follow it. */
    private long rewrite(org.lmdbjava.Txn<ByteBuffer> txn, byte[] fullKey, Found found, byte[] value, long expiresAt,
            int state, long leaseUntil) {
        long old = found.version;
        long version = store.put(txn, fullKey, ByteBuffer.wrap(value), found.flags, expiresAt, found.storedAt, state,
                leaseUntil, found.tagArea, found, EntryStore.Cause.REPLACED);
        hitStats.carry(old, version);
        return version;
    }

    private Entry entryOf(Found f, byte[] value, boolean stale, long now) {
        long packed = hitStats.peek(f.version);
        boolean placeholder = f.placeholder();
        return new Entry(value, f.version, f.expiresAt, f.flags, f.storedAt, Tags.decode(f.tagArea),
                stale && !placeholder, placeholder, f.leaseUntil > now, HitStats.hits(packed),
                HitStats.lastAccess(packed, f.storedAt));
    }

    private static Entry copy(Entry e, long version, long expiresAt, boolean stale, boolean leased) {
        return new Entry(e.value().clone(), version, expiresAt, e.flags(), e.storedAt(), e.tags(), stale,
                e.placeholder(), leased, e.hits(), e.lastAccess());
    }

    /** A set straight from the caller's buffer into the map: no intermediate copy; no tags. */
    long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        Checks.value(value, maxValueSize);
        Checks.expiry(expiry);
        byte[] fullKey = StoredKey.isShort(key) ? null : key.encodedBytes();
        return transactions.run(txn -> {
            long now = clock.millis();
            Found old = store.find(txn, key);
            EntryStore.Cause cause = EntryStore.Cause.REPLACED;
            if (EntryStore.isMine(old, key)) {
                cause = EntryStore.causeOf(store.judge(txn, old, now), EntryStore.Cause.REPLACED);
            }
            return store.put(txn, fullKey, value, flags, expiry.expiresAt(now), now, 0, 0, Tags.NONE, old, cause);
        });
    }

    /** Raises {@code tag}'s watermark of {@code mode} to a new version, in one write transaction; returns it. */
    long invalidateTag(String tag, InvalidationMode mode) {
        byte[] bytes = WriteOptions.checkTag(tag);
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        return transactions.run(txn -> store.invalidateTag(txn, bytes, mode));
    }

    int invalidate(byte[] primary) {
        Key.checkPrimary(primary);
        byte[] prefix = StoredKey.rangePrefix(primary);
        byte[] clearPrefix = Key.primaryPrefix(primary);
        return transactions.run(txn -> store.invalidate(txn, prefix, clearPrefix, clock.millis()));
    }

    /**
     * Marks every live variant of {@code primary} with a value stale, each with a new version, in
     * one write transaction; each counts an invalidation. Returns how many.
     */
    int invalidateSoftly(byte[] primary) {
        Key.checkPrimary(primary);
        byte[] prefix = StoredKey.rangePrefix(primary);
        byte[] clearPrefix = Key.primaryPrefix(primary);
        return transactions.run(txn -> {
            long now = clock.millis();
            int marked = 0;
            for (Key key : store.keysOf(txn, prefix, clearPrefix)) {
                Found found = store.find(txn, key);
                if (!EntryStore.isMine(found, key) || found.placeholder() || !Expiry.isLive(found.expiresAt, now)) {
                    continue;
                }
                byte[] value = found.valueCopy();
                EntryStore.Judged judged = store.judge(txn, found, now);
                if (judged == EntryStore.Judged.LIVE || judged == EntryStore.Judged.STALE) {
                    rewrite(txn, StoredKey.isShort(key) ? null : key.encodedBytes(), found, value, found.expiresAt,
                            found.state | Record.STALE, 0);
                    store.countedAsInvalidation();
                    marked++;
                }
            }
            return marked;
        });
    }

    void clear() {
        transactions.run(txn -> {
            store.clear(txn, clock.millis());
            return null;
        });
    }

    /**
     * Removes expired entries, then entries removed by tag invalidations, then drops the tag
     * watermarks no entry needs any more, now, in transactions of at most {@code batch}; returns how
     * many index rows of entries it took.
     */
    int sweepExpired(int batch) {
        int total = 0;
        while (true) {
            int swept = transactions.run(txn -> store.sweep(txn, clock.millis(), batch));
            total += swept;
            if (swept < batch) {
                break;
            }
        }
        while (true) {
            int swept = transactions.run(txn -> store.sweepTags(txn, clock.millis(), batch));
            total += swept;
            if (swept == 0) {
                break;
            }
        }
        byte[] from = null;
        do {
            byte[] at = from;
            from = transactions.run(txn -> store.dropWatermarks(txn, at, batch));
        } while (from != null);
        return total;
    }
}
