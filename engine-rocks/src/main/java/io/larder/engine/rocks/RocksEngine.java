package io.larder.engine.rocks;

import io.larder.engine.rocks.Figures.Gone;
import io.larder.spi.Capability;
import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeFunction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import io.larder.spi.internal.BackgroundTask;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The {@code rocksdb} engine: a persistent, larger-than-memory store on RocksDB. This class wires
 * the seams together and guards the native store's lifetime; each seam is its own class: opening
 * and closing ({@link Store}), versions ({@link VersionCounter}), the read path ({@link ReadPath}),
 * the write path ({@link WritePath}), expiry and tag reclaim ({@link Sweeper}), eviction
 * ({@link Room}), the disk budget ({@link DiskBudget}), tag watermarks ({@link Watermarks}) and hit
 * statistics ({@link HitStats}).
 *
 * <p>Every operation is atomic and linearizable per key: a read is one point read of the key's
 * record (RocksDB reads see whole write batches); a read-modify-write runs under the key's stripe
 * lock ({@link Stripes}) and commits one batch. Reads take no lock. After {@link #close()} every
 * operation but {@link #name}, {@link #capabilities}, {@link #maxValueSize}, {@link #clock} and
 * {@link #stats} throws {@link EngineClosedException}.
 *
 * <p>The full description (options, durability modes, eviction policy, limits) is the module's
 * README.
 */
public final class RocksEngine implements StorageEngine {

    private static final Logger LOG = System.getLogger("io.larder.engine.rocks");
    /** How long close waits for operations in flight (a reader's callback) before giving up. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final String name = "rocksdb";
    private final RocksSettings settings;
    private final Clock clock;
    private final Store store;
    private final Gate gate;
    private final VersionCounter versions;
    private final Watermarks marks;
    private final Figures figures = new Figures();
    private final Stripes stripes = new Stripes();
    private final WritePath writes;
    private final ReadPath reads;
    private final Room room;
    private final DiskBudget disk;
    private final Sweeper sweeper;
    private final BackgroundTask upkeep;
    private final Object closeLock = new Object();
    private volatile EngineStats lastStats;

    private RocksEngine(RocksSettings settings, Store store) {
        this.settings = settings;
        this.clock = settings.clock();
        this.store = store;
        this.gate = new Gate(name);
        this.versions = new VersionCounter(store, clock);
        this.marks = new Watermarks(store);
        figures.entries.set(Records.fromDelta(store.get(store.meta, Store.META_COUNT)));
        figures.bytes.set(Records.fromDelta(store.get(store.meta, Store.META_BYTES)));
        HitStats stats = new HitStats();
        ReadMarks readMarks = new ReadMarks();
        this.writes = new WritePath(this, store, versions, marks, stats, readMarks, figures, stripes, clock,
                settings.maxValueSize());
        this.reads = new ReadPath(store, marks, stats, readMarks, figures, clock);
        this.room = new Room(store, writes, versions, readMarks, figures, clock, settings.capacity());
        this.disk = new DiskBudget(store, room, figures, settings.capacity());
        this.sweeper = new Sweeper(store, writes, marks, figures, clock);
        // a store reopened with a smaller capacity
        room.makeRoom(null);
        this.upkeep = BackgroundTask.start("larder-rocksdb-sweeper", settings.sweepInterval(), this::upkeepOnce, LOG);
    }

    /**
     * Opens the engine on the settings' directory, creating the store if missing.
     *
     * @throws io.larder.spi.LarderException if the store cannot be opened, is open elsewhere, or is in
     *         a format this build does not read
     */
    static RocksEngine open(RocksSettings settings) {
        Store store = Store.open(settings, LOG);
        RocksEngine engine;
        try {
            engine = new RocksEngine(settings, store);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        LOG.log(Level.DEBUG, () -> "engine 'rocksdb' opened: " + settings + ", " + engine.figures.entries.get()
                + " entries, versions above " + engine.versions.last());
        return engine;
    }

    private void upkeepOnce() {
        if (gate.isClosed()) {
            return;
        }
        sweeper.run();
        disk.run();
        room.makeRoom(null);
    }

    // ---- identity ---------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.PERSISTENT, Capability.ORDERED_KEYS, Capability.CACHE_SEMANTICS);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public long maxValueSize() {
        return settings.maxValueSize();
    }

    // ---- reads ------------------------------------------------------------------------------

    @Override
    public <R> R read(Key key, EntryReader<R> reader) {
        gate.enter();
        try {
            return reads.read(key, reader);
        } finally {
            gate.leave();
        }
    }

    @Override
    public int copyValue(Key key, ByteBuffer dst) {
        gate.enter();
        try {
            return reads.copyValue(key, dst);
        } finally {
            gate.leave();
        }
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        Key.checkPrimary(primary);
        gate.enter();
        try {
            return reads.variants(primary);
        } finally {
            gate.leave();
        }
    }

    // ---- writes -----------------------------------------------------------------------------

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        gate.enter();
        try {
            Entry after = writes.compute(key, function);
            if (room.over()) {
                room.makeRoom(key.encodedBytes());
            }
            return after;
        } finally {
            gate.leave();
        }
    }

    // a set does not look at the current entry: it reads only the old record's head (WritePath#set)
    @Override
    public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        Checks.value(value, settings.maxValueSize());
        Checks.expiry(expiry);
        return set(key, value, expiry, flags, List.of());
    }

    @Override
    public long set(Key key, ByteBuffer value, WriteOptions options) {
        Objects.requireNonNull(options, "write options must not be null");
        Checks.key(key);
        Checks.value(value, settings.maxValueSize());
        Checks.expiry(options.expiry());
        return set(key, value, options.expiry(), options.flags(), options.tags());
    }

    private long set(Key key, ByteBuffer value, Expiry expiry, int flags, List<String> tags) {
        gate.enter();
        try {
            long version = writes.set(key, value, expiry, flags, tags);
            if (room.over()) {
                room.makeRoom(key.encodedBytes());
            }
            return version;
        } finally {
            gate.leave();
        }
    }

    @Override
    public long invalidateTag(String tag, InvalidationMode mode) {
        WriteOptions.checkTag(tag);
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        gate.enter();
        try {
            return marks.invalidate(tag, mode == InvalidationMode.REMOVE, versions, writes.commits());
        } finally {
            gate.leave();
        }
    }

    @Override
    public int invalidate(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        gate.enter();
        try {
            int removed = 0;
            while (true) {
                List<byte[]> batch = new ArrayList<>();
                try (Range range = Range.of(store, store.entries, prefix)) {
                    RocksIterator it = range.iterator();
                    for (it.seek(prefix); it.isValid() && batch.size() < Sweeper.MAX_BATCH; it.next()) {
                        batch.add(it.key());
                    }
                }
                for (byte[] k : batch) {
                    removed += removeInvalidated(k) ? 1 : 0;
                }
                if (batch.size() < Sweeper.MAX_BATCH) {
                    return removed;
                }
            }
        } finally {
            gate.leave();
        }
    }

    /** Removes the entry under {@code k}; true when it was live with a value (an invalidation). */
    private boolean removeInvalidated(byte[] k) {
        ReentrantLock stripe = writes.stripe(k);
        stripe.lock();
        try {
            Record cur = writes.record(k);
            if (cur == null) {
                return false;
            }
            Gone gone = writes.gone(cur, clock.millis());
            writes.replace(k, cur, null, -1);
            if (gone != null) {
                figures.count(gone);
                return false;
            }
            if (cur.placeholder()) {
                return false;
            }
            figures.invalidations.increment();
            return true;
        } finally {
            stripe.unlock();
        }
    }

    /** Every key's first byte is below these: encoded keys start with a primary length up to 4096. */
    private static final byte[] ENTRIES_END = {0x7F};
    private static final byte[] POSITIVE_LONG_END = {(byte) 0x80};
    private static final byte[] ANY_END = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    @Override
    public void clear() {
        gate.enter();
        try {
            room.lock().lock();
            stripes.lockAll();
            try {
                long now = clock.millis();
                try (Range range = Range.below(store, store.entries, null)) {
                    RocksIterator it = range.iterator();
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        Gone gone = writes.gone(Records.decode(it.value()), now);
                        figures.count(gone == null ? Gone.INVALIDATED : gone);
                    }
                }
                marks.clear(() -> {
                    try (WriteBatch b = new WriteBatch()) {
                        byte[] start = new byte[0];
                        b.deleteRange(store.entries, start, ENTRIES_END);
                        b.deleteRange(store.queue, start, POSITIVE_LONG_END);
                        b.deleteRange(store.expiry, start, POSITIVE_LONG_END);
                        b.deleteRange(store.tagged, start, ANY_END);
                        b.deleteRange(store.tags, start, ANY_END);
                        b.put(store.meta, Store.META_COUNT, Records.delta(0));
                        b.put(store.meta, Store.META_BYTES, Records.delta(0));
                        store.write(b);
                    } catch (RocksDBException e) {
                        throw Store.failure("write", e);
                    }
                });
                figures.entries.set(0);
                figures.bytes.set(0);
                room.reset();
            } finally {
                stripes.unlockAll();
                room.lock().unlock();
            }
        } finally {
            gate.leave();
        }
    }

    // ---- stats and close --------------------------------------------------------------------

    @Override
    public EngineStats stats() {
        EngineStats last = lastStats;
        if (last != null) {
            return last;
        }
        try {
            gate.enter();
        } catch (EngineClosedException closing) {
            return figures(false);
        }
        try {
            return figures(true);
        } finally {
            gate.leave();
        }
    }

    private EngineStats figures(boolean withDisk) {
        Map<String, Long> specific = new java.util.HashMap<>();
        specific.put("lastVersion", versions.last());
        specific.put("reservedVersion", versions.reserved());
        specific.put("tagWatermarks", (long) marks.size());
        specific.put("secondChances", figures.secondChances.sum());
        specific.put("writeGroups", writes.commits().groups.sum());
        specific.put("evictionTarget", room.target());
        if (withDisk) {
            specific.put("diskBytes", store.diskBytes());
            specific.put("blockCacheBytes", store.property(store.entries, "rocksdb.block-cache-usage"));
        }
        Figures f = figures;
        return new EngineStats(f.entries.get(), f.bytes.get(), settings.capacity(), f.hits.sum(), f.misses.sum(),
                f.writes.sum(), f.deletes.sum(), f.invalidations.sum(), f.evictions.sum(), f.expirations.sum(),
                upkeep == null ? 0 : upkeep.failures(), specific);
    }

    /**
     * Stops the sweeper, waits for operations in flight (up to 10 s, whatever the caller's interrupt
     * status), and closes the store and every native object; with {@code disableWAL} it flushes the
     * memtables first. If a reader's callback is still running after 10 s, the store is left open (a
     * closed RocksDB handle must never be touched) and a WARNING is logged. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (lastStats != null) {
                return;
            }
            boolean idle = gate.shut(CLOSE_WAIT_MILLIS);
            upkeep.close();
            EngineStats last = figures(idle);
            if (idle) {
                writes.close();
                store.close();
            } else {
                LOG.log(Level.WARNING, "engine 'rocksdb' in " + store.dir + ": a read callback still runs after "
                        + CLOSE_WAIT_MILLIS + " ms; the store stays open until the process exits");
            }
            lastStats = last;
            LOG.log(Level.DEBUG, () -> "engine 'rocksdb' closed: " + last);
        }
    }

    /** Checks without entering (for tests of the seams). */
    boolean isClosed() {
        return gate.isClosed();
    }

    /** The highest version handed out so far. */
    long lastVersion() {
        return versions.last();
    }

    /** Runs the sweeper once now (for tests). */
    int sweepNow() {
        gate.enter();
        try {
            return sweeper.run();
        } finally {
            gate.leave();
        }
    }

    /** Compacts every column family now (for tests and benchmarks of disk use). */
    void compactNow() {
        gate.enter();
        try {
            store.compactAll();
        } finally {
            gate.leave();
        }
    }

    static {
        // Checks is used by the SPI defaults; touch it so a missing SPI fails at class load, not mid-write
        Objects.requireNonNull(Checks.class);
    }
}
