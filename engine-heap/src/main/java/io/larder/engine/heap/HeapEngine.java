package io.larder.engine.heap;

import io.larder.spi.Capability;
import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.EntryView;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.WriteOptions;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.Versions;
import io.larder.spi.internal.BackgroundTask;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The reference engine: the contract made executable, obviously rather than quickly. Every
 * operation holds one lock, so each is trivially atomic and linearizable; entries live in one
 * access-ordered map, so eviction is exact LRU.
 *
 * <p>Capacity accounting: each entry is charged its encoded key, its value, and {@link #ENTRY_OVERHEAD}
 * bytes; {@code bytesUsed} never exceeds {@code capacity} after a write returns. Expired entries are
 * removed when touched and by a background sweeper thread every {@code sweepInterval}; the sweeper
 * survives its own failures, logs them (logger {@code io.larder.engine.heap}) and counts them in
 * {@link EngineStats#backgroundFailures()}.
 *
 * <p>Versions start above {@link Versions#floor} of the clock at open, so they do not repeat across
 * restarts of the process although nothing is kept. After {@link #close()}, {@link #stats()}
 * returns the figures as they were at close.
 * Derived operations (add, CAS, append, increment, lookup, markStale, ...) are the SPI's defaults
 * over {@link #compute}, so this engine also pins down what those defaults mean.
 *
 * <p>Cache semantics: lease placeholders, stale marks, leases and tags live in each entry; tag
 * invalidations are per-tag watermarks (a version from the entries' counter) checked when an entry
 * is reached, so invalidating a tag touches no entry. An entry carrying a tag whose remove mark is
 * above its version is absent and reclaimed where it is met (counted as an invalidation); one whose
 * stale mark is above its version is served stale. The watermark table is bounded by the tags
 * invalidated since the sweeper last found no entry old enough to need them.
 */
public final class HeapEngine implements StorageEngine {

    /** Bytes charged per entry beyond its encoded key and value. */
    public static final int ENTRY_OVERHEAD = 64;

    /** The most bytes an entry's tags are charged: each tag's UTF-8 bytes plus 2. */
    public static final int MAX_TAG_CHARGE = WriteOptions.MAX_TAGS * (WriteOptions.MAX_TAG_BYTES + 2);

    private final String name;
    private final Clock clock;
    private final long capacity;
    private final long maxValueSize;
    private static final Logger LOG = System.getLogger("io.larder.engine.heap");

    private final BackgroundTask sweeper;

    // Access order: iteration starts at the least recently used entry.
    private final LinkedHashMap<Key, Stored> entries = new LinkedHashMap<>(16, 0.75f, true);
    // tag -> {removeMark, staleMark}
    private final Map<String, long[]> watermarks = new HashMap<>();
    private long bytesUsed;
    private long lastVersion;
    private long hits;
    private long misses;
    private long evictions;
    private long expirations;
    private long writes;
    private long deletes;
    private long invalidations;
    private boolean closed;
    private EngineStats lastStats;

    /**
     * Opens an engine.
     *
     * @param name the name it reports (and puts in errors)
     * @param sweepInterval how often the sweeper reclaims expired entries; null for no sweeper thread
     * @param lastVersion the highest version handed out before (0 for a new store); versions start
     *        above it and above {@link Versions#floor} of the clock
     * @throws IllegalStateException if the clock reads outside the range {@link Versions} accepts
     */
    HeapEngine(String name, Clock clock, long capacity, long maxValueSize, Duration sweepInterval, long lastVersion) {
        this.name = name;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.capacity = capacity;
        this.maxValueSize = maxValueSize;
        this.lastVersion = Versions.floor(clock, lastVersion);
        this.sweeper = sweepInterval == null ? null
                : BackgroundTask.start("larder-" + name + "-sweeper", sweepInterval, this::sweepOnce, LOG);
        LOG.log(Level.DEBUG, () -> "engine '" + name + "' opened: capacity " + capacity + " bytes, maxValueSize "
                + maxValueSize + " bytes, sweepInterval " + sweepInterval + ", versions above " + this.lastVersion);
    }

    /** Charge of one entry against capacity. */
    public static long charge(int encodedKeyLength, int valueLength) {
        return (long) encodedKeyLength + valueLength + ENTRY_OVERHEAD;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CACHE_SEMANTICS);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public long maxValueSize() {
        return maxValueSize;
    }

    @Override
    public synchronized <R> R read(Key key, EntryReader<R> reader) {
        ensureOpen();
        Checks.key(key);
        Objects.requireNonNull(reader, "reader must not be null");
        long now = clock.millis();
        Stored stored = live(key, now);
        if (stored == null || stored.placeholder) {
            misses++;
            return null;
        }
        hits++;
        EntryView view = stored.view(isStale(stored), now);
        stored.hit(now);
        return reader.read(view);
    }

    @Override
    public synchronized Entry compute(Key key, ComputeFunction function) {
        ensureOpen();
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        long now = clock.millis();
        Stored current = live(key, now);
        ComputeAction action = Checks.action(this, function.apply(current == null ? null : entryOf(current, now)));
        boolean withValue = current != null && !current.placeholder;
        switch (action.kind()) {
            case KEEP:
                return current == null ? null : entryOf(current, now);
            case REMOVE:
                if (current != null) {
                    remove(key, current);
                    deletes++;
                }
                return null;
            case TOUCH:
                if (!withValue) {
                    return current == null ? null : entryOf(current, now);
                }
                return put(key, current, current.withExpiresAt(action.expiry().expiresAt(now)), now, false);
            case STORE:
                Checks.valueSize(action.value().length, maxValueSize);
                long expiresAt = action.expiry().expiresAt(now);
                if (action.tagGuard() > 0 && invalidatedSince(action.tags(), action.tagGuard())) {
                    return current == null ? null : entryOf(current, now);
                }
                return put(key, current, new Stored(action.value().clone(), ++lastVersion, expiresAt, action.flags(),
                        now, action.tags(), false, false, 0), now, true);
            case PLACEHOLDER:
                long leaseEnd = Expiry.afterMillis(action.leaseMillis()).expiresAt(now);
                return put(key, current, new Stored(new byte[0], ++lastVersion, leaseEnd, 0, now, List.of(), false,
                        true, leaseEnd), now, true);
            case MARK_STALE:
                if (!withValue) {
                    return current == null ? null : entryOf(current, now);
                }
                long graceEnd = action.expiry() == null ? current.expiresAt : earlier(current.expiresAt,
                        action.expiry().expiresAt(now));
                return put(key, current, current.marked(++lastVersion, graceEnd, true, 0), now, true);
            case LEASE:
                if (!withValue) {
                    return current == null ? null : entryOf(current, now);
                }
                long until = Math.min(Expiry.MAX_EPOCH_MILLIS, now + action.leaseMillis());
                return put(key, current, current.marked(++lastVersion, current.expiresAt, isStale(current), until),
                        now, true);
            default:
                throw new IllegalStateException("unknown compute action " + action.kind());
        }
    }

    /** Replaces {@code current} (or nothing) by {@code next} and makes room; returns the copy. */
    private Entry put(Key key, Stored current, Stored next, long now, boolean isWrite) {
        if (current != null) {
            bytesUsed -= charge(key, current);
        }
        entries.put(key, next);
        bytesUsed += charge(key, next);
        if (isWrite) {
            writes++;
        }
        makeRoom(now);
        return entryOf(next, now);
    }

    private static long earlier(long expiresAt, long grace) {
        return expiresAt == 0 ? grace : grace == 0 ? expiresAt : Math.min(expiresAt, grace);
    }

    @Override
    public synchronized long invalidateTag(String tag, InvalidationMode mode) {
        ensureOpen();
        WriteOptions.checkTag(tag);
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        long mark = ++lastVersion;
        watermarks.computeIfAbsent(tag, t -> new long[2])[mode == InvalidationMode.REMOVE ? 0 : 1] = mark;
        return mark;
    }

    @Override
    public synchronized int invalidate(byte[] primary, InvalidationMode mode) {
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        if (mode == InvalidationMode.REMOVE) {
            return invalidate(primary);
        }
        ensureOpen();
        Key.checkPrimary(primary);
        long now = clock.millis();
        List<Key> reached = new ArrayList<>();
        for (Map.Entry<Key, Stored> e : entries.entrySet()) {
            if (e.getKey().hasPrimary(primary)) {
                reached.add(e.getKey());
            }
        }
        int marked = 0;
        for (Key key : reached) {
            Stored current = live(key, now);
            if (current != null && !current.placeholder) {
                entries.put(key, current.marked(++lastVersion, current.expiresAt, true, 0));
                marked++;
            }
        }
        invalidations += marked;
        return marked;
    }

    @Override
    public synchronized int invalidate(byte[] primary) {
        ensureOpen();
        Key.checkPrimary(primary);
        long now = clock.millis();
        int removed = 0;
        for (Iterator<Map.Entry<Key, Stored>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Stored> e = it.next();
            if (e.getKey().hasPrimary(primary)) {
                Gone gone = gone(e.getValue(), now);
                if (gone == null && !e.getValue().placeholder) {
                    removed++;
                    invalidations++;
                } else {
                    countGone(gone);
                }
                bytesUsed -= charge(e.getKey(), e.getValue());
                it.remove();
            }
        }
        return removed;
    }

    @Override
    public synchronized List<Variant> variants(byte[] primary) {
        ensureOpen();
        Key.checkPrimary(primary);
        long now = clock.millis();
        List<Variant> variants = new ArrayList<>();
        // Iterating the entry set does not reorder an access-ordered map.
        for (Map.Entry<Key, Stored> e : entries.entrySet()) {
            if (e.getKey().hasPrimary(primary) && gone(e.getValue(), now) == null && !e.getValue().placeholder) {
                variants.add(e.getKey().variant());
            }
        }
        return variants;
    }

    @Override
    public synchronized void clear() {
        ensureOpen();
        long now = clock.millis();
        for (Stored stored : entries.values()) {
            Gone gone = gone(stored, now);
            if (gone == null) {
                invalidations++;
            } else {
                countGone(gone);
            }
        }
        entries.clear();
        // no entry is left that a watermark could invalidate; later ones have higher versions
        watermarks.clear();
        bytesUsed = 0;
    }

    @Override
    public synchronized EngineStats stats() {
        return closed ? lastStats : figures();
    }

    private EngineStats figures() {
        return new EngineStats(entries.size(), bytesUsed, capacity, hits, misses, writes, deletes, invalidations,
                evictions, expirations, sweeper == null ? 0L : sweeper.failures(),
                Map.of("lastVersion", lastVersion));
    }

    /** Removes every expired entry now; returns how many. The sweeper thread calls this. */
    public synchronized int sweepExpired() {
        ensureOpen();
        return sweep(clock.millis());
    }

    /** The highest version handed out so far. */
    synchronized long lastVersion() {
        return lastVersion;
    }

    /** Raises the highest version handed out (for the file-backed mode's reload). */
    synchronized void restoreLastVersion(long version) {
        lastVersion = Math.max(lastVersion, version);
    }

    /**
     * Every entry, expired or not, in LRU order, with its own stale mark (not the one a stale
     * watermark gives) and with {@code leased} set when a lease was ever handed out on it (for the
     * file-backed mode's snapshots; {@link #leaseUntil} gives the lease's end).
     */
    synchronized Map<Key, Entry> snapshot() {
        ensureOpen();
        Map<Key, Entry> copy = new LinkedHashMap<>();
        entries.forEach((k, v) -> copy.put(k, new Entry(v.value.clone(), v.version, v.expiresAt, v.flags, v.storedAt,
                v.tags, v.staleMark, v.placeholder, v.leaseUntil != 0, v.hits, v.lastAccess)));
        return copy;
    }

    /** The end of the lease on the entry under {@code key}, 0 for none (for the file-backed mode). */
    synchronized long leaseUntil(Key key) {
        Stored stored = entries.get(key);
        return stored == null ? 0 : stored.leaseUntil;
    }

    /** The watermarks, tag to {removeMark, staleMark} (for the file-backed mode's snapshots). */
    synchronized Map<String, long[]> watermarks() {
        Map<String, long[]> copy = new HashMap<>();
        watermarks.forEach((t, m) -> copy.put(t, m.clone()));
        return copy;
    }

    /** Raises a tag's watermarks to at least these (for the file-backed mode's reload). */
    synchronized void restoreWatermarks(String tag, long removeMark, long staleMark) {
        long[] marks = watermarks.computeIfAbsent(tag, t -> new long[2]);
        marks[0] = Math.max(marks[0], removeMark);
        marks[1] = Math.max(marks[1], staleMark);
        lastVersion = Math.max(lastVersion, Math.max(removeMark, staleMark));
    }

    /** Puts an entry as it was, keeping its version (for the file-backed mode's reload). */
    synchronized void restore(Key key, Entry entry) {
        restore(key, entry, entry.placeholder() ? entry.expiresAt() : 0);
    }

    /**
     * Puts an entry as it was, keeping its version, its own stale mark, and a lease ending at
     * {@code leaseUntil} (for the file-backed mode's reload).
     */
    synchronized void restore(Key key, Entry entry, long leaseUntil) {
        Stored restored = new Stored(entry.value().clone(), entry.version(), entry.expiresAt(), entry.flags(),
                entry.storedAt(), entry.tags(), entry.stale(), entry.placeholder(), leaseUntil);
        Stored old = entries.put(key, restored);
        if (old != null) {
            bytesUsed -= charge(key, old);
        }
        bytesUsed += charge(key, restored);
        lastVersion = Math.max(lastVersion, entry.version());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            lastStats = figures();
            closed = true;
        }
        // Outside the lock: the sweeper's run in progress needs it to finish.
        if (sweeper != null) {
            sweeper.close();
        }
        EngineStats last;
        synchronized (this) {
            lastStats = figures();
            last = lastStats;
            entries.clear();
            bytesUsed = 0;
        }
        LOG.log(Level.DEBUG, () -> "engine '" + name + "' closed: " + last);
    }

    /** Whether {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** One run of the sweeper; what it throws, the background task counts and logs. */
    private synchronized void sweepOnce() {
        if (!closed) {
            sweep(clock.millis());
        }
    }

    /** Reclaims expired and tag-invalidated entries, and drops watermarks no entry needs any more. */
    private int sweep(long now) {
        int swept = 0;
        long oldestTagged = Long.MAX_VALUE;
        for (Iterator<Map.Entry<Key, Stored>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Stored> e = it.next();
            Gone gone = gone(e.getValue(), now);
            if (gone != null) {
                bytesUsed -= charge(e.getKey(), e.getValue());
                it.remove();
                countGone(gone);
                swept++;
            } else if (!e.getValue().tags.isEmpty()) {
                oldestTagged = Math.min(oldestTagged, e.getValue().version);
            }
        }
        // a watermark only reaches entries with lower versions; with none left, later ones are all above it
        long floor = oldestTagged;
        watermarks.values().removeIf(m -> m[0] <= floor && m[1] <= floor);
        return swept;
    }

    /** Why an entry no longer counts. */
    private enum Gone { EXPIRED, INVALIDATED }

    /** Whether the entry is gone, and why: null while it is live. */
    private Gone gone(Stored stored, long now) {
        if (!Expiry.isLive(stored.expiresAt, now)) {
            return Gone.EXPIRED;
        }
        return removedByTag(stored) ? Gone.INVALIDATED : null;
    }

    private void countGone(Gone gone) {
        if (gone == Gone.EXPIRED) {
            expirations++;
        } else if (gone == Gone.INVALIDATED) {
            invalidations++;
        }
    }

    private boolean removedByTag(Stored stored) {
        for (String tag : stored.tags) {
            long[] marks = watermarks.get(tag);
            if (marks != null && marks[0] > stored.version) {
                return true;
            }
        }
        return false;
    }

    private boolean isStale(Stored stored) {
        if (stored.staleMark) {
            return true;
        }
        for (String tag : stored.tags) {
            long[] marks = watermarks.get(tag);
            if (marks != null && marks[1] > stored.version) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of {@code tags} was invalidated, in either mode, after {@code version}. */
    private boolean invalidatedSince(List<String> tags, long version) {
        for (String tag : tags) {
            long[] marks = watermarks.get(tag);
            if (marks != null && (marks[0] > version || marks[1] > version)) {
                return true;
            }
        }
        return false;
    }

    /** The live entry (a placeholder too), reclaiming it first if it has expired or been invalidated. */
    private Stored live(Key key, long now) {
        Stored stored = entries.get(key);
        if (stored == null) {
            return null;
        }
        Gone gone = gone(stored, now);
        if (gone != null) {
            remove(key, stored);
            countGone(gone);
            return null;
        }
        return stored;
    }

    private Entry entryOf(Stored stored, long now) {
        return stored.toEntry(isStale(stored), now);
    }

    private void remove(Key key, Stored stored) {
        entries.remove(key);
        bytesUsed -= charge(key, stored);
    }

    private static long charge(Key key, Stored stored) {
        return charge(key.encodedLength(), stored.value.length) + stored.tagBytes;
    }

    /**
     * Evicts the least recently used entries until within capacity; an expired one met on the way
     * counts as an expiration, not an eviction. O(entries removed), not a sweep of the store.
     */
    private void makeRoom(long now) {
        Iterator<Map.Entry<Key, Stored>> it = entries.entrySet().iterator();
        // The entry just written is the most recently used, last in order; capacity admits any one entry.
        while (bytesUsed > capacity && it.hasNext()) {
            Map.Entry<Key, Stored> e = it.next();
            bytesUsed -= charge(e.getKey(), e.getValue());
            it.remove();
            Gone gone = gone(e.getValue(), now);
            if (gone == null) {
                evictions++;
            } else {
                countGone(gone);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineClosedException(name);
        }
    }
}
