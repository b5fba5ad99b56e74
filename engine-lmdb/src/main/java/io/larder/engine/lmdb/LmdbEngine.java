package io.larder.engine.lmdb;

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
import io.larder.spi.LarderException;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.internal.BackgroundTask;
import io.larder.spi.internal.LeaseDecisions;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.lmdbjava.EnvInfo;

/**
 * A persistent engine on LMDB: a memory-mapped B+tree in one directory, shared by every process that
 * opens it (once per JVM).
 *
 * <p>Every write is one LMDB write transaction over the entries and their indexes (see {@link
 * Databases}), so they never disagree, even after a crash; versions come from a counter bumped in
 * the same transaction ({@link VersionCounter}). Room is kept as {@link Room} describes; reads are
 * zero-copy and never write ({@link ReadPath}); expired and tag-invalidated entries are reclaimed,
 * and tag watermarks no entry needs dropped ({@link VersionFloor}), by a background sweeper, and with {@code sync=false} a background flusher writes commits to disk; both survive
 * their failures, log them and count them in {@link EngineStats#backgroundFailures()}. A failed
 * flush makes writes fail until a flush succeeds ({@link Durability}).
 *
 * <p>{@link #close()} stops the background threads, waits for the write in flight and, up to
 * {@value #CLOSE_WAIT_SECONDS} s, for reads in flight, whatever the caller's interrupt status. A
 * read callback that has not returned by then keeps the store open until it returns; nothing
 * touches the environment after it is closed.
 */
public final class LmdbEngine implements StorageEngine {

    static final int EVICT_ABOVE_PERCENT = Room.EVICT_ABOVE_PERCENT;
    /** Most entries one background sweep transaction reclaims. */
    static final int MAX_BATCH = 1000;
    static final long CLOSE_WAIT_SECONDS = 10;

    static final Logger LOG = System.getLogger("io.larder.engine.lmdb");
    private static final String NAME = "lmdb";
    /** What a lookup on a lease placeholder answers: another caller rebuilds, nothing to serve. */
    private static final Lookup TAKEN_BY_PLACEHOLDER = Lookup.taken(null);

    private final LmdbSettings settings;
    private final Path claim;
    private final Databases db;
    private final Counters counters = new Counters();
    private final ReaderPool readers;
    private final Durability durability;
    private final Transactions transactions;
    private final ReadPath reads;
    private final WritePath writes;
    private final EntryStore store;
    private final VersionCounter versions;
    private final BackgroundTask sweeper;
    /** Rows one sweep transaction takes: {@link #MAX_BATCH}, or fewer in a small map (see {@link Room#sweepBatch}). */
    private final int sweepBatch;
    private final BackgroundTask flusher;
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private volatile EngineStats lastStats;

    private LmdbEngine(LmdbSettings settings, Path claim, Databases db) {
        this.settings = settings;
        this.claim = claim;
        this.db = db;
        ReadMarks marks = new ReadMarks();
        HitStats hitStats = new HitStats();
        VersionCounter versions = new VersionCounter(db, !settings.sync());
        this.store = new EntryStore(db, versions, counters, marks);
        this.readers = new ReaderPool(db.env, NAME, settings.maxReaders());
        this.durability = new Durability(db.env);
        Room room = new Room(db, store, versions, settings.capacity());
        this.sweepBatch = room.sweepBatch(MAX_BATCH);
        this.transactions = new Transactions(db, store, room, versions, readers, durability, settings.clock(),
                settings.capacity());
        this.reads = new ReadPath(db, readers, counters, marks, hitStats, settings.clock());
        this.writes = new WritePath(this, transactions, store, marks, hitStats, settings.clock(),
                settings.maxValueSize());
        this.versions = versions;
        transactions.run(txn -> {
            versions.seed(txn, settings.clock());
            return null;
        });
        this.sweeper = BackgroundTask.start("larder-lmdb-sweeper " + settings.path(), settings.sweepInterval(),
                this::sweepInBackground, LOG);
        this.flusher = settings.sync() || settings.syncInterval() == null ? null
                : BackgroundTask.start("larder-lmdb-flusher " + settings.path(), settings.syncInterval(),
                        durability::flush, LOG);
    }

    /**
     * Opens (creating if needed) the store in {@code settings.path()}.
     *
     * @throws LarderException if the directory cannot be made, LMDB cannot open it, it holds a
     *         store of another format or no Larder store at all, or this JVM has it open already
     */
    static LmdbEngine open(LmdbSettings settings) {
        Databases.createPrivateDirectory(settings.path());
        Path claim = OpenPaths.claim(settings.path());
        try {
            Databases db = Databases.open(settings);
            try {
                LmdbEngine engine = new LmdbEngine(settings, claim, db);
                LOG.log(Level.DEBUG, () -> "opened lmdb store " + settings.path() + ": capacity " + settings.capacity()
                        + " bytes, maxValueSize " + settings.maxValueSize() + ", sync " + settings.sync()
                        + (settings.sync() ? "" : ", syncInterval " + settings.syncInterval()) + ", sweepInterval "
                        + settings.sweepInterval() + ", maxReaders " + settings.maxReaders());
                return engine;
            } catch (RuntimeException | Error e) {
                db.env.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            OpenPaths.release(claim);
            throw e;
        }
    }

    // ---- identity ---------------------------------------------------------------------------

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.PERSISTENT, Capability.SHARED_BETWEEN_PROCESSES, Capability.ZERO_COPY_READS,
                Capability.ORDERED_KEYS, Capability.CACHE_SEMANTICS);
    }

    @Override
    public Clock clock() {
        return settings.clock();
    }

    @Override
    public long maxValueSize() {
        return settings.maxValueSize();
    }

    /** The directory the store lives in. */
    public Path path() {
        return settings.path();
    }

    // ---- operations -------------------------------------------------------------------------

    @Override
    public <R> R read(Key key, EntryReader<R> reader) {
        ensureOpen();
        return reads.read(key, reader);
    }

    @Override
    public int copyValue(Key key, ByteBuffer dst) {
        ensureOpen();
        return reads.copyValue(key, dst);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Decided in a read transaction whenever no lease is to be handed out: a fresh hit, a lease
     * held on a stale entry, and a lease placeholder (another caller rebuilds) take no write
     * transaction, so callers waiting on a missing key never queue on the write lock. Only a miss
     * and an entry due for a lease go on to a write transaction, which decides again atomically.
     */
    @Override
    public Lookup lookup(Key key, LeaseOptions options) {
        Checks.key(key);
        Objects.requireNonNull(options, "lease options must not be null");
        ensureOpen();
        Clock clock = settings.clock();
        Lookup served = reads.read(key, view -> LeaseDecisions.onRead(view, options, clock.millis()),
                TAKEN_BY_PLACEHOLDER);
        return served != null ? served : LeaseDecisions.byCompute(this, key, options, TAKEN_BY_PLACEHOLDER);
    }

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        ensureOpen();
        return writes.compute(key, function);
    }

    @Override
    public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        ensureOpen();
        return writes.set(key, value, expiry, flags);
    }

    @Override
    public long set(Key key, byte[] value, Expiry expiry, int flags) {
        ensureOpen();
        return writes.set(key, ByteBuffer.wrap(io.larder.spi.Checks.value(value, settings.maxValueSize())), expiry,
                flags);
    }

    @Override
    public int invalidate(byte[] primary) {
        ensureOpen();
        return writes.invalidate(primary);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The watermark is written in the same write transaction that draws its version, in the
     * store's {@code tagMarks} database, so it survives restarts and crashes as any write does, and
     * every process on the store sees it from its next read; the removed entries are reclaimed by
     * the sweeper and count as invalidations then.
     */
    @Override
    public long invalidateTag(String tag, InvalidationMode mode) {
        ensureOpen();
        return writes.invalidateTag(tag, mode);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Both modes run in one write transaction, so no write of the primary falls between its
     * variants.
     */
    @Override
    public int invalidate(byte[] primary, InvalidationMode mode) {
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        ensureOpen();
        return mode == InvalidationMode.REMOVE ? writes.invalidate(primary) : writes.invalidateSoftly(primary);
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        ensureOpen();
        return reads.variants(primary);
    }

    @Override
    public void clear() {
        ensureOpen();
        writes.clear();
    }

    /**
     * Removes expired entries and lease placeholders, then entries removed by tag invalidations,
     * then drops the tag watermarks no entry needs any more, now, in transactions of at most
     * {@value #MAX_BATCH} rows (fewer in a small map, so that a transaction finds the pages it
     * copies). The background sweeper does the same.
     *
     * @return how many index rows of entries it took
     * @throws EngineClosedException if the engine is closed
     */
    public int sweepExpired() {
        ensureOpen();
        return writes.sweepExpired(sweepBatch);
    }

    private void sweepInBackground() {
        try {
            if (!closed) {
                writes.sweepExpired(sweepBatch);
                db.env.readerCheck(); // frees reader slots of processes that died
            }
        } catch (EngineClosedException e) {
            // closing: the next run does not come
        }
    }

    // ---- stats ------------------------------------------------------------------------------

    /** {@inheritDoc} After close, the figures taken as it closed. */
    @Override
    public EngineStats stats() {
        if (closed) {
            return lastStats();
        }
        try {
            return currentStats();
        } catch (EngineClosedException e) {
            return lastStats();
        }
    }

    private EngineStats lastStats() {
        EngineStats last = lastStats;
        return last != null ? last : new EngineStats(0, 0, settings.capacity(), counters.hits.sum(),
                counters.misses.sum(), counters.writes.sum(), counters.deletes.sum(), counters.invalidations.sum(),
                counters.evictions.sum(), counters.expirations.sum(), backgroundFailures(), Map.of());
    }

    private EngineStats currentStats() {
        Reader r = readers.acquire();
        try {
            long count = db.entries.stat(r.txn).entries;
            long used = db.treePages(r.txn) * db.pageSize;
            long lastVersion = db.metaNumber(r.txn, Databases.direct(Databases.LAST_VERSION_KEY));
            EnvInfo info = db.env.info();
            return new EngineStats(count, used, settings.capacity(), counters.hits.sum(), counters.misses.sum(),
                    counters.writes.sum(), counters.deletes.sum(), counters.invalidations.sum(),
                    counters.evictions.sum(), counters.expirations.sum(), backgroundFailures(), Map.of(
                            "lastVersion", lastVersion,
                            "mapSize", info.mapSize,
                            "pageSize", (long) db.pageSize,
                            "fileBytes", (info.lastPageNumber + 1) * db.pageSize,
                            "readerSlotsUsed", (long) info.numReaders));
        } finally {
            readers.release(r);
        }
    }

    private long backgroundFailures() {
        return sweeper.failures() + (flusher == null ? 0 : flusher.failures());
    }

    // ---- close ------------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Joins whatever the caller's interrupt status: nothing of theirs runs past this point.
        sweeper.close();
        if (flusher != null) {
            flusher.close();
        }
        transactions.close(); // waits for the write in flight; none starts after
        try {
            lastStats = currentStats();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not take the last stats of the lmdb store " + settings.path(), e);
        }
        if (readers.close(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS, this::closeEnvironment)) {
            closeEnvironment();
        } else {
            LOG.log(Level.WARNING, () -> "closing the lmdb store " + settings.path() + ": a read callback has not"
                    + " returned after " + CLOSE_WAIT_SECONDS + " s; the store stays open until it does");
        }
    }

    /** Runs once no reader, writer or background task can touch the environment any more. */
    private void closeEnvironment() {
        try {
            if (!settings.sync()) {
                try {
                    durability.flush();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "the last flush of the lmdb store " + settings.path() + " failed; writes"
                            + " since the last successful flush may be lost on a power loss", e);
                }
            }
            db.env.close();
        } finally {
            OpenPaths.release(claim);
        }
        LOG.log(Level.DEBUG, () -> "closed lmdb store " + settings.path());
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
    }

    // ---- for tests --------------------------------------------------------------------------

    /**
     * Checks that the indexes and the version counter agree with the entries; returns what does
     * not (empty when consistent). Reads one snapshot.
     */
    List<String> verify() {
        ensureOpen();
        Reader r = readers.acquire();
        try {
            return StoreCheck.verify(db, versions, r.txn);
        } finally {
            readers.release(r);
        }
    }

    /** Write transactions this engine has begun, whether they changed anything or not. */
    long writeTransactions() {
        return db.writeTransactions();
    }

    /** How many tags have a watermark row, in one snapshot. */
    long tagMarkRows() {
        ensureOpen();
        Reader r = readers.acquire();
        try {
            return db.tagMarks.stat(r.txn).entries;
        } finally {
            readers.release(r);
        }
    }

    /** Makes flushes fail with {@code fault} from now on; null makes them succeed again. */
    void injectFlushFailure(RuntimeException fault) {
        durability.inject(fault);
    }
}
