package io.larder.engine.offheap;

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
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.Versions;
import io.larder.spi.WriteOptions;
import io.larder.spi.internal.BackgroundTask;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.openhft.chronicle.hash.serialization.impl.ByteArrayDataAccess;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * A bounded, evicting cache in one in-memory Chronicle Map: values and their metadata live off the
 * Java heap, keyed by {@link Key}'s encoding.
 *
 * <p><b>Atomicity.</b> Every operation on a key runs inside a Chronicle query context for that key,
 * holding its segment's update lock (shared with readers, exclusive among writers) while it reads,
 * decides and writes; reads take only the read lock. There is no global lock. A write takes its
 * version from one counter under its segment's write lock, so versions order writes across the
 * whole store (see {@link Store}). Versions start above {@link Versions#floor} of the clock at
 * open, so they do not repeat across restarts.
 *
 * <p><b>Capacity and eviction.</b> See {@link Sizing} and {@link Evictor}: each segment has a chunk
 * budget and an entry budget, and a write that would pass its segment's budget first evicts that
 * segment's coldest entries (expired ones first, counted as expirations), then retries.
 *
 * <p><b>Expiry.</b> An expired entry is absent to every operation at once; a write that finds one
 * replaces it, a read leaves it alone, and a background task ({@link Sweeper}) reclaims the due ones
 * every {@code sweepInterval}, looking only at entries whose expiry has come ({@link ExpiryIndex}).
 *
 * <p>This class is the facade: argument checks, the open/closed {@link Gate}, stats and close. The
 * work is in {@link ReadPath}, {@link WritePath}, {@link Store}, {@link Evictor} and {@link Sweeper};
 * the entry layout in {@link EntryCodec}.
 */
public final class OffHeapEngine implements StorageEngine {

    static {
        JvmFlags.quietChronicle();
    }

    private static final Logger LOG = System.getLogger("io.larder.engine.offheap");
    /** The finest grain of the expiry index, whatever the sweep interval. */
    private static final long MAX_EXPIRY_RESOLUTION_MILLIS = 100;
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.CACHE_SEMANTICS);

    private final String name;
    private final Clock clock;
    private final Sizing sizing;
    private final Counters counters = new Counters();
    private final Gate gate;
    private final ChronicleMap<byte[], byte[]> map;
    private final Store store;
    private final ReadPath reads;
    private final WritePath writes;
    private final Sweeper sweeper;
    private final BackgroundTask sweeperTask;
    /** Off-heap bytes Chronicle had reserved when the engine closed. */
    private volatile long offHeapReservedAtClose;

    OffHeapEngine(String name, Clock clock, Sizing sizing, Duration sweepInterval) {
        this(name, clock, sizing, sweepInterval, OffHeapEngineProvider.AdmissionPolicy.NONE);
    }

    OffHeapEngine(String name, Clock clock, Sizing sizing, Duration sweepInterval,
            OffHeapEngineProvider.AdmissionPolicy admissionPolicy) {
        JvmFlags.require();
        this.name = name;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sizing = sizing;
        this.gate = new Gate(name);
        this.reads = new ReadPath(clock, counters);
        // Before the map exists: a clock the versions cannot be seeded from leaves nothing to undo.
        long versionFloor = Versions.floor(clock, 0);
        ChronicleMap<byte[], byte[]> created;
        try {
            created = ChronicleMapBuilder.of(byte[].class, byte[].class)
                    .name("larder-" + name)
                    .actualSegments(sizing.segments())
                    .actualChunkSize(sizing.chunkSize())
                    .entriesPerSegment(sizing.maxEntriesPerSegment())
                    .actualChunksPerSegmentTier(sizing.tierChunks())
                    .allowSegmentTiering(false)
                    .checksumEntries(false)
                    // the application closes the engine; Chronicle's own exit hook would close the map
                    // under it, in no set order with the application's hooks
                    .skipCloseOnExitHook(true)
                    .valueReaderAndDataAccess(reads.valueReader(), new ByteArrayDataAccess())
                    .create();
        } catch (RuntimeException | Error e) {
            throw new LarderException("cannot create the Chronicle map for engine '" + name + "' (" + sizing + "): "
                    + e, e);
        }
        this.map = created;
        BackgroundTask task = null;
        try {
            JvmFlags.tidyAfterOpen();
            long resolution = Math.min(MAX_EXPIRY_RESOLUTION_MILLIS, sweepInterval.toMillis());
            Admission admission = admissionPolicy == OffHeapEngineProvider.AdmissionPolicy.TINYLFU
                    ? new Admission(sizing.segments(), sizing.segments() * sizing.maxEntriesPerSegment() / 2) : null;
            this.store = new Store(map, sizing, counters, versionFloor, resolution, admission);
            reads.attach(map, store.tagMarks, admission);
            this.writes = new WritePath(this, store, new Evictor(store, clock), clock);
            this.sweeper = new Sweeper(store, clock);
            task = BackgroundTask.start("larder-" + name + "-sweeper", sweepInterval, this::sweepInBackground, LOG);
            LOG.log(Level.DEBUG, () -> "opened offheap engine '" + name + "': " + sizing + ", sweepInterval "
                    + sweepInterval + ", admission " + admissionPolicy + ", off-heap reserved "
                    + map.offHeapMemoryUsed() + " bytes");
        } catch (RuntimeException | Error e) {
            // No engine to close comes out of a failed open: free what it had taken here.
            undoOpen(task, e);
            throw e;
        }
        this.sweeperTask = task;
    }

    /** Stops the sweeper, if it started, and frees the map, keeping their failures with {@code cause}. */
    private void undoOpen(BackgroundTask task, Throwable cause) {
        try {
            if (task != null) {
                task.close();
            }
        } catch (RuntimeException | Error e) {
            cause.addSuppressed(e);
        } finally {
            try {
                map.close();
            } catch (RuntimeException | Error e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** The running figures, for tests. */
    Counters counters() {
        return store.counters;
    }

    /** The tag watermarks, for tests. */
    TagMarks tagMarks() {
        return store.tagMarks;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public long maxValueSize() {
        return sizing.maxValueSize();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R read(Key key, EntryReader<R> reader) {
        Checks.key(key);
        Objects.requireNonNull(reader, "reader must not be null");
        gate.enter();
        try {
            return (R) reads.lookup(key, reader);
        } finally {
            gate.exit();
        }
    }

    @Override
    public Entry get(Key key) {
        Checks.key(key);
        gate.enter();
        try {
            return (Entry) reads.lookup(key, null);
        } finally {
            gate.exit();
        }
    }

    @Override
    public int copyValue(Key key, ByteBuffer dst) {
        Checks.key(key);
        Checks.destination(dst);
        gate.enter();
        try {
            return reads.copyValue(key, dst);
        } finally {
            gate.exit();
        }
    }

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        gate.enter();
        try {
            return writes.compute(key, function);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        Checks.value(value, sizing.maxValueSize());
        Checks.expiry(expiry);
        gate.enter();
        try {
            return writes.set(key, value, expiry, flags);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long set(Key key, byte[] value, Expiry expiry, int flags) {
        return set(key, ByteBuffer.wrap(Checks.value(value, sizing.maxValueSize())), expiry, flags);
    }

    /**
     * With {@link InvalidationMode#MARK_STALE}, marks each entry with a value under {@code primary}
     * stale, each atomically (a variant written meanwhile may be left fresh), counting each as an
     * invalidation; with {@code REMOVE}, {@link #invalidate(byte[])}.
     *
     * @throws NullPointerException if {@code primary} or {@code mode} is null
     * @throws IllegalArgumentException if {@code primary} is not a valid primary key
     * @throws EngineClosedException if the engine is closed
     */
    @Override
    public int invalidate(byte[] primary, InvalidationMode mode) {
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        if (mode == InvalidationMode.REMOVE) {
            return invalidate(primary);
        }
        Key.checkPrimary(primary);
        gate.enter();
        try {
            return writes.markStale(primary);
        } finally {
            gate.exit();
        }
    }

    @Override
    public int invalidate(byte[] primary) {
        Key.checkPrimary(primary);
        gate.enter();
        try {
            return writes.invalidate(primary);
        } finally {
            gate.exit();
        }
    }

    /**
     * Removes or marks stale every entry carrying {@code tag} written before this call, by raising
     * the tag's watermark (see {@link TagMarks} for how this stays linearizable with concurrent
     * writes); the sweeper's next pass reclaims the removed entries.
     *
     * @throws NullPointerException if {@code tag} or {@code mode} is null
     * @throws IllegalArgumentException if the tag is outside the limits of {@link WriteOptions}
     * @throws EngineClosedException if the engine is closed
     */
    @Override
    public long invalidateTag(String tag, InvalidationMode mode) {
        WriteOptions.checkTag(tag);
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        gate.enter();
        try {
            long mark = store.tagMarks.invalidate(tag, mode);
            if (mode == InvalidationMode.REMOVE) {
                sweeper.tagRemoved(tag);
            }
            return mark;
        } finally {
            gate.exit();
        }
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        Key.checkPrimary(primary);
        gate.enter();
        try {
            return writes.variants(primary);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void clear() {
        gate.enter();
        try {
            writes.clear();
        } finally {
            gate.exit();
        }
    }

    /**
     * Removes every entry whose expiry has come, now, as the background sweeper does each interval.
     *
     * @return how many were removed
     * @throws EngineClosedException if the engine is closed
     */
    public int sweepExpired() {
        gate.enter();
        try {
            return sweeper.sweep(gate::isClosed);
        } finally {
            gate.exit();
        }
    }

    private void sweepInBackground() {
        if (gate.tryEnter()) {
            try {
                sweeper.sweep(gate::isClosed);
            } finally {
                gate.exit();
            }
        }
    }

    /** Figures from open; after close, the last ones. Never throws. */
    @Override
    public EngineStats stats() {
        if (!gate.tryEnter()) {
            return figures(offHeapReservedAtClose);
        }
        try {
            return figures(map.offHeapMemoryUsed());
        } finally {
            gate.exit();
        }
    }

    private EngineStats figures(long offHeapReserved) {
        long chunks = 0;
        long entries = 0;
        for (int i = 0; i < sizing.segments(); i++) {
            chunks += store.chunks(i);
            entries += store.entries(i);
        }
        Counters c = counters;
        return new EngineStats(entries, sizing.chunkBytes(chunks), sizing.capacity(), c.hits.sum(), c.misses.sum(),
                c.writes.sum(), c.deletes.sum(), c.invalidations.sum(), c.evictions.sum(), c.expirations.sum(),
                sweeperTask.failures(), Map.ofEntries(
                        Map.entry("offHeapReserved", offHeapReserved),
                        Map.entry("segments", (long) sizing.segments()),
                        Map.entry("chunkSize", (long) sizing.chunkSize()),
                        Map.entry("maxEntriesPerSegment", sizing.maxEntriesPerSegment()),
                        Map.entry("lastVersion", store.lastVersion()),
                        Map.entry("indexedPrimaries", store.variants.primaries()),
                        Map.entry("indexedVariants", store.variants.variants()),
                        Map.entry("indexHeapBytes", store.variants.heapBytes()),
                        Map.entry("segmentFullRetries", c.segmentFulls.sum()),
                        Map.entry("sweepExamined", c.sweepExamined.sum()),
                        Map.entry("admissionRejected", c.admissionRejected.sum()),
                        Map.entry("taggedWatermarks", (long) store.tagMarks.size()),
                        Map.entry("indexedTags", (long) store.tagIndex.tags())));
    }

    /** The geometry the map was built with. */
    Sizing sizing() {
        return sizing;
    }

    /**
     * Closes the engine: new operations fail with {@link EngineClosedException}, operations and the
     * sweep in progress finish, the sweeper thread ends, and the off-heap memory is freed. Waits for
     * all that whatever the caller's interrupt status, which it keeps. Idempotent.
     */
    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        try {
            sweeperTask.close();
        } finally {
            offHeapReservedAtClose = map.offHeapMemoryUsed();
            map.close();
            LOG.log(Level.DEBUG, () -> "closed offheap engine '" + name + "': " + stats());
        }
    }
}
