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
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.Versions;
import io.larder.spi.internal.BackgroundTask;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
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
 * Derived operations (add, CAS, append, increment, ...) are the SPI's defaults over {@link #compute},
 * so this engine also pins down what those defaults mean.
 */
public final class HeapEngine implements StorageEngine {

    /** Bytes charged per entry beyond its encoded key and value. */
    public static final int ENTRY_OVERHEAD = 64;

    private final String name;
    private final Clock clock;
    private final long capacity;
    private final long maxValueSize;
    private static final Logger LOG = System.getLogger("io.larder.engine.heap");

    private final BackgroundTask sweeper;

    // Access order: iteration starts at the least recently used entry.
    private final LinkedHashMap<Key, Stored> entries = new LinkedHashMap<>(16, 0.75f, true);
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
        return Set.of();
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
        Stored stored = live(key, clock.millis());
        if (stored == null) {
            misses++;
            return null;
        }
        hits++;
        return reader.read(stored.view());
    }

    @Override
    public synchronized Entry compute(Key key, ComputeFunction function) {
        ensureOpen();
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        long now = clock.millis();
        Stored current = live(key, now);
        ComputeAction action = Objects.requireNonNull(function.apply(current == null ? null : current.toEntry()),
                "compute function returned null; return ComputeAction.keep() to change nothing");
        switch (action.kind()) {
            case KEEP:
                return current == null ? null : current.toEntry();
            case REMOVE:
                if (current != null) {
                    remove(key, current);
                    deletes++;
                }
                return null;
            case TOUCH:
                if (current == null) {
                    return null;
                }
                Stored touched = current.withExpiresAt(action.expiry().expiresAt(now));
                entries.put(key, touched);
                return touched.toEntry();
            case STORE:
                Checks.valueSize(action.value().length, maxValueSize);
                long expiresAt = action.expiry().expiresAt(now);
                Stored stored = new Stored(action.value().clone(), ++lastVersion, expiresAt, action.flags(), now);
                if (current != null) {
                    remove(key, current);
                }
                entries.put(key, stored);
                bytesUsed += charge(key.encodedLength(), stored.value.length);
                writes++;
                makeRoom(now);
                return stored.toEntry();
            default:
                throw new IllegalStateException("unknown compute action " + action.kind());
        }
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
                if (e.getValue().isLive(now)) {
                    removed++;
                } else {
                    expirations++;
                }
                bytesUsed -= charge(e.getKey().encodedLength(), e.getValue().value.length);
                it.remove();
            }
        }
        invalidations += removed;
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
            if (e.getKey().hasPrimary(primary) && e.getValue().isLive(now)) {
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
            if (stored.isLive(now)) {
                invalidations++;
            } else {
                expirations++;
            }
        }
        entries.clear();
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

    /** Every entry, expired or not, in LRU order (for the file-backed mode's snapshots). */
    synchronized Map<Key, Entry> snapshot() {
        ensureOpen();
        Map<Key, Entry> copy = new LinkedHashMap<>();
        entries.forEach((k, v) -> copy.put(k, v.toEntry()));
        return copy;
    }

    /** Puts an entry as it was, keeping its version (for the file-backed mode's reload). */
    synchronized void restore(Key key, Entry entry) {
        Stored old = entries.put(key, new Stored(entry.value().clone(), entry.version(), entry.expiresAt(),
                entry.flags(), entry.storedAt()));
        if (old != null) {
            bytesUsed -= charge(key.encodedLength(), old.value.length);
        }
        bytesUsed += charge(key.encodedLength(), entry.value().length);
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

    private int sweep(long now) {
        int swept = 0;
        for (Iterator<Map.Entry<Key, Stored>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Stored> e = it.next();
            if (!e.getValue().isLive(now)) {
                bytesUsed -= charge(e.getKey().encodedLength(), e.getValue().value.length);
                it.remove();
                expirations++;
                swept++;
            }
        }
        return swept;
    }

    /** The live entry, reclaiming it first if it has expired. */
    private Stored live(Key key, long now) {
        Stored stored = entries.get(key);
        if (stored != null && !stored.isLive(now)) {
            remove(key, stored);
            expirations++;
            return null;
        }
        return stored;
    }

    private void remove(Key key, Stored stored) {
        entries.remove(key);
        bytesUsed -= charge(key.encodedLength(), stored.value.length);
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
            bytesUsed -= charge(e.getKey().encodedLength(), e.getValue().value.length);
            it.remove();
            if (e.getValue().isLive(now)) {
                evictions++;
            } else {
                expirations++;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineClosedException(name);
        }
    }

    private static final class Stored {
        final byte[] value;
        final long version;
        final long expiresAt;
        final int flags;
        final long storedAt;

        Stored(byte[] value, long version, long expiresAt, int flags, long storedAt) {
            this.value = value;
            this.version = version;
            this.expiresAt = expiresAt;
            this.flags = flags;
            this.storedAt = storedAt;
        }

        boolean isLive(long now) {
            return Expiry.isLive(expiresAt, now);
        }

        Stored withExpiresAt(long newExpiresAt) {
            return new Stored(value, version, newExpiresAt, flags, storedAt);
        }

        Entry toEntry() {
            return new Entry(value.clone(), version, expiresAt, flags, storedAt);
        }

        EntryView view() {
            return new EntryView() {
                @Override
                public ByteBuffer value() {
                    return ByteBuffer.wrap(value).asReadOnlyBuffer();
                }

                @Override
                public int valueLength() {
                    return value.length;
                }

                @Override
                public long version() {
                    return version;
                }

                @Override
                public long expiresAt() {
                    return expiresAt;
                }

                @Override
                public int flags() {
                    return flags;
                }

                @Override
                public long storedAt() {
                    return storedAt;
                }
            };
        }
    }
}
