package io.larder.engine.offheap;

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
import io.larder.spi.LarderException;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.impl.ByteArrayDataAccess;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * A bounded, evicting cache in one in-memory Chronicle Map: values and their metadata live off the
 * Java heap, keyed by {@link Key}'s encoding.
 *
 * <p><b>Atomicity.</b> Every operation on a key runs inside a Chronicle query context for that key,
 * holding its segment's update lock (shared with readers, exclusive among writers) while it reads,
 * decides and writes; reads take only the read lock. There is no global lock. Versions come from
 * one {@link AtomicLong}, taken under the key's lock.
 *
 * <p><b>Capacity and eviction.</b> See {@link Sizing}: each segment has a chunk budget and an entry
 * budget, and a write that would pass its segment's budget first evicts the coldest entries of that
 * segment, then retries. "Cold" is the eviction clock's reading stamped into the entry header at its
 * last hit or write: a batch LRU, exact within a segment and sampled across segments (keys spread
 * evenly over segments by hash). Expired entries go first and count as expirations.
 *
 * <p><b>Expiry.</b> An expired entry is absent to every operation at once; a write that finds one
 * reclaims it, a read leaves it to a separate locked removal, and a daemon sweeper reclaims the rest
 * every {@code sweepInterval}.
 */
public final class OffHeapEngine implements StorageEngine {

    static {
        JvmFlags.quietChronicle();
    }

    private static final int BATCH_DIVISOR = 32;
    private static final int CACHED_SCRATCH_LIMIT = 256 << 10;
    private static final int SCRATCH_SLOTS = 64;
    /** Keys up to this long get a reusable exact-length array per thread; longer ones a copy. */
    private static final int EXACT_KEY_LIMIT = 512;

    private final String name;
    private final Clock clock;
    private final Sizing sizing;
    private final ChronicleMap<byte[], byte[]> map;
    private final ScheduledExecutorService sweeper;
    private final VariantIndex index = new VariantIndex();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    /**
     * A front for {@link #scratch}, by thread id: a thread finds its own scratch here with two plain
     * reads, while a {@code ThreadLocal} lookup in a thread with many thread-locals (Chronicle keeps
     * several) often probes. A slot shared by two threads just falls back to the thread-local.
     */
    private final Scratch[] scratchSlots = new Scratch[SCRATCH_SLOTS];

    private final AtomicLong lastVersion = new AtomicLong();
    private final AtomicLongArray segmentChunks;
    private final AtomicLongArray segmentEntries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final LongAdder segmentFulls = new LongAdder();
    private final LongAdder sweepExamined = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
    private volatile boolean closed;
    /** The eviction clock: counts hits and writes, racily, since it only ranks entries. */
    private long ticks;

    OffHeapEngine(String name, Clock clock, Sizing sizing, Duration sweepInterval) {
        JvmFlags.require();
        this.name = name;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sizing = sizing;
        this.segmentChunks = new AtomicLongArray(sizing.segments());
        this.segmentEntries = new AtomicLongArray(sizing.segments());
        try {
            this.map = ChronicleMapBuilder.of(byte[].class, byte[].class)
                    .name("larder-" + name)
                    .actualSegments(sizing.segments())
                    .actualChunkSize(sizing.chunkSize())
                    .entriesPerSegment(sizing.maxEntriesPerSegment())
                    .actualChunksPerSegmentTier(sizing.tierChunks())
                    .allowSegmentTiering(false)
                    .checksumEntries(false)
                    .valueReaderAndDataAccess(new HitReader(), new ByteArrayDataAccess())
                    .create();
        } catch (RuntimeException | Error e) {
            throw new LarderException("cannot create the Chronicle map for engine '" + name + "' (" + sizing + "): "
                    + e, e);
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "larder-" + name + "-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, sweepInterval.toMillis());
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.MILLISECONDS);
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
        return sizing.maxValueSize();
    }

    // ---- read path ------------------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    public <R> R read(Key key, EntryReader<R> reader) {
        Checks.key(key);
        Objects.requireNonNull(reader, "reader must not be null");
        enter();
        try {
            return (R) lookup(key, reader);
        } finally {
            exit();
        }
    }

    @Override
    public Entry get(Key key) {
        Checks.key(key);
        enter();
        try {
            return (Entry) lookup(key, null);
        } finally {
            exit();
        }
    }

    @Override
    public int copyValue(Key key, ByteBuffer dst) {
        Checks.key(key);
        Checks.destination(dst);
        enter();
        try {
            Object length = lookup(key, dst);
            return length == null ? -1 : (Integer) length;
        } finally {
            exit();
        }
    }

    /**
     * Looks the key up through Chronicle's optimised {@code getUsing} path (the same one raw
     * {@code map.get} takes: one read lock, no query-context staging). Chronicle calls {@link
     * HitReader} on the stored bytes under the segment's read lock; it checks expiry, stamps the hit
     * and there runs {@code reader} (an {@link EntryReader}), copies into {@code reader} (a
     * {@code copyValue} destination) or, for {@code reader == null}, builds the {@link Entry},
     * leaving the result in the thread's scratch. Calls nested from a reader save and restore that state.
     */
    private Object lookup(Key key, Object reader) {
        Scratch s = scratch();
        byte[] k = s.exactKey(key);
        Object outerReader = s.reader;
        Object outerResult = s.result;
        s.reader = reader;
        s.result = null;
        try {
            byte[] outcome = map.getUsing(k, null);
            if (outcome == HIT) {
                hits.increment();
                return s.result;
            }
            misses.increment();
            if (outcome == EXPIRED) {
                removeIfExpired(k);
            }
            return null;
        } finally {
            s.reader = outerReader;
            s.result = outerResult;
        }
    }

    /** What {@link HitReader} hands back to {@code getUsing}: markers, never stored values. */
    private static final byte[] HIT = new byte[0];
    private static final byte[] EXPIRED = new byte[0];

    /**
     * The map's value reader, called by {@code getUsing} under the segment's read lock with
     * {@code in} positioned at the stored value (header first). Nothing else reads values as
     * objects: every other path works on the entry's bytes inside a query context.
     */
    private final class HitReader implements SizedReader<byte[]> {
        @Override
        public byte[] read(Bytes in, long size, byte[] using) {
            Scratch s = scratch();
            long offset = in.readPosition();
            // The Bytes checks every access against its limits; its store (the tier's native memory,
            // same offsets) does not, so check the entry once and read the store.
            BytesStore<?, ?> store = in.bytesStore();
            if (size < EntryHeader.LENGTH || offset + size > in.readLimit() || store == null) {
                throw new LarderException("stored entry of " + size + " bytes at " + offset + " is out of bounds");
            }
            long expiresAt = store.readLong(offset + EntryHeader.EXPIRES_AT_OFFSET);
            // The clock is read only for an entry that can expire (0 is never).
            if (expiresAt != 0 && !Expiry.isLive(expiresAt, clock.millis())) {
                return EXPIRED;
            }
            store.writeLong(offset + EntryHeader.ACCESS_OFFSET, ++ticks);
            Object reader = s.reader;
            if (reader == null) {
                s.result = s.entry(store, offset, size);
            } else if (reader instanceof ByteBuffer) {
                s.result = copy(store, offset, size, (ByteBuffer) reader);
            } else {
                s.result = ((EntryReader<?>) reader).read(s.view(store, offset, size));
            }
            return HIT;
        }
    }

    // ---- write path -----------------------------------------------------------------------

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        enter();
        try {
            return computeLocked(key, function);
        } finally {
            exit();
        }
    }

    @Override
    public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        Checks.value(value, sizing.maxValueSize());
        Checks.expiry(expiry);
        enter();
        try {
            Scratch s = scratch();
            byte[] k = s.exactKey(key);
            int keyLength = k.length;
            int prefixLength = key.primaryPrefixLength();
            int valueLength = value.remaining();
            for (int fullRetries = 0; ; ) {
                long now = clock.millis();
                long expiresAt = expiry.expiresAt(now);
                int segment;
                long needChunks;
                try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(k)) {
                    c.updateLock().lock();
                    segment = c.segmentIndex();
                    MapEntry<byte[], byte[]> e = c.entry();
                    if (e != null && e.value().size() == EntryHeader.LENGTH + valueLength
                            && (value.hasArray() || value.isDirect())) {
                        // Same size: same chunks, so no budget change; overwrite the entry in place.
                        // (A read-only heap buffer, whose array is hidden, goes the general way.)
                        return overwrite(c, e, value, flags, expiresAt, now);
                    }
                    needChunks = roomNeeded(segment, e, keyLength, valueLength);
                    if (needChunks == 0) {
                        try {
                            return write(c, e, segment, s.fill(value, flags, expiresAt, now, ++ticks), s, k,
                                    prefixLength);
                        } catch (SegmentFullException full) {
                            needChunks = roomAfterFull(fullRetries++);
                        }
                    }
                }
                evict(segment, needChunks, s, k);
            }
        } finally {
            exit();
        }
    }

    /**
     * Writes header and value straight over a stored entry of the same size, under the write lock
     * (taken from the held update lock), so readers see the old entry or the new, never a mix.
     */
    private long overwrite(ExternalMapQueryContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e,
            ByteBuffer value, int flags, long expiresAt, long now) {
        Data<byte[]> v = e.value();
        RandomDataOutput<?> out = writable(v.bytes());
        long offset = v.offset();
        c.writeLock().lock();
        long version = lastVersion.incrementAndGet();
        out.writeByte(offset + EntryHeader.FORMAT_OFFSET, (byte) EntryHeader.FORMAT);
        out.writeByte(offset + EntryHeader.LENGTH_OFFSET, (byte) EntryHeader.LENGTH);
        out.writeShort(offset + EntryHeader.MARKS_OFFSET, (short) 0);
        out.writeInt(offset + EntryHeader.FLAGS_OFFSET, flags);
        out.writeLong(offset + EntryHeader.VERSION_OFFSET, version);
        out.writeLong(offset + EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
        out.writeLong(offset + EntryHeader.STORED_AT_OFFSET, now);
        out.writeLong(offset + EntryHeader.ACCESS_OFFSET, ++ticks);
        int length = value.remaining();
        if (value.hasArray()) {
            out.write(offset + EntryHeader.LENGTH, value.array(), value.arrayOffset() + value.position(), length);
        } else { // direct
            out.write(offset + EntryHeader.LENGTH, value, value.position(), length);
        }
        return version;
    }

    @Override
    public long set(Key key, byte[] value, Expiry expiry, int flags) {
        return set(key, ByteBuffer.wrap(Checks.value(value, sizing.maxValueSize())), expiry, flags);
    }

    private Entry computeLocked(Key key, ComputeFunction function) {
        Scratch s = scratch();
        // Its own copy of the key: the function may call back into the engine on this thread.
        byte[] k = key.encodedBytes();
        int keyLength = k.length;
        int prefixLength = key.primaryPrefixLength();
        for (int fullRetries = 0; ; ) {
            long now = clock.millis();
            int segment;
            long needChunks;
            try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(k)) {
                c.updateLock().lock();
                segment = c.segmentIndex();
                MapEntry<byte[], byte[]> e = c.entry();
                if (e != null && !isLive(e, now)) {
                    removeEntry(e, segment, k, keyLength, prefixLength);
                    expirations.increment();
                    e = null;
                }
                Entry current = e == null ? null : View.toEntry(s.view(e.value().bytes(), e.value().offset(),
                        e.value().size()));
                ComputeAction action = Objects.requireNonNull(function.apply(current),
                        "compute function returned null; return ComputeAction.keep() to change nothing");
                switch (action.kind()) {
                    case KEEP:
                        return current;
                    case REMOVE:
                        if (e != null) {
                            removeEntry(e, segment, k, keyLength, prefixLength);
                        }
                        return null;
                    case TOUCH:
                        if (e == null) {
                            return null;
                        }
                        long expiresAt = action.expiry().expiresAt(now);
                        c.writeLock().lock();
                        touchInPlace(e, expiresAt);
                        return new Entry(current.value(), current.version(), expiresAt, current.flags(),
                                current.storedAt());
                    case STORE:
                        byte[] value = action.value();
                        Checks.valueSize(value.length, sizing.maxValueSize());
                        long storeExpiresAt = action.expiry().expiresAt(now);
                        needChunks = roomNeeded(segment, e, keyLength, value.length);
                        if (needChunks == 0) {
                            try {
                                long version = write(c, e, segment, s.fill(ByteBuffer.wrap(value), action.flags(),
                                        storeExpiresAt, now, ++ticks), s, k, prefixLength);
                                return new Entry(value.clone(), version, storeExpiresAt, action.flags(), now);
                            } catch (SegmentFullException full) {
                                // The old entry, if any, is gone: the function sees that on the retry.
                                needChunks = roomAfterFull(fullRetries++);
                            }
                        }
                        break;
                    default:
                        throw new IllegalStateException("unknown compute action " + action.kind());
                }
            }
            // Room is made outside the key's context (Chronicle locks one segment at a time), then the
            // function runs again on what is there now, as its contract allows.
            evict(segment, needChunks, s, k);
        }
    }

    /**
     * Chunks to free in the segment before the write fits, 0 if it fits now. Each segment stays
     * within its chunk and entry budgets, so Chronicle never needs a tier it does not have.
     */
    private long roomNeeded(int segment, MapEntry<byte[], byte[]> e, int keyLength, long valueLength) {
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
    private long roomAfterFull(int fullRetries) {
        segmentFulls.increment();
        return sizing.maxEntryChunks() + fullRetries * (sizing.budgetChunks() / 4);
    }

    /**
     * Writes the value prepared in the scratch buffer, with a new version, under the held update
     * lock. A value no longer than the old one is replaced in place; a longer one is removed and
     * inserted afresh, because a Chronicle relocation that cannot find room frees the old chunks
     * before it fails, while a failed insert changes nothing.
     */
    private long write(ExternalMapQueryContext<byte[], byte[], ?> c, MapEntry<byte[], byte[]> e, int segment,
            BytesStore<?, ?> stored, Scratch s, byte[] key, int prefixLength) {
        int keyLength = key.length;
        long version = lastVersion.incrementAndGet();
        stored.writeLong(EntryHeader.VERSION_OFFSET, version);
        long storedLength = s.outLength;
        Data<byte[]> data = c.wrapValueBytesAsData(stored, 0, storedLength);
        long newChunks = sizing.chunks(keyLength, storedLength);
        if (e != null && e.value().size() >= storedLength) {
            long oldChunks = sizing.chunks(keyLength, e.value().size());
            e.doReplaceValue(data);
            segmentChunks.addAndGet(segment, newChunks - oldChunks);
            return version;
        }
        if (e != null) {
            removeEntry(e, segment, key, keyLength, prefixLength);
        }
        try {
            c.absentEntry().doInsert(data);
        } catch (IllegalStateException full) {
            // Fragmentation beat the headroom: the old value is gone (an eviction, counted as one).
            if (e != null) {
                evictions.increment();
            }
            throw new SegmentFullException(full);
        }
        segmentChunks.addAndGet(segment, newChunks);
        segmentEntries.incrementAndGet(segment);
        if (keyLength > prefixLength) {
            index.add(key, keyLength, prefixLength);
        }
        return version;
    }

    private void touchInPlace(MapEntry<byte[], byte[]> e, long expiresAt) {
        Data<byte[]> v = e.value();
        writable(v.bytes()).writeLong(v.offset() + EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
    }

    // ---- primaries ------------------------------------------------------------------------

    @Override
    public int invalidate(byte[] primary) {
        Key.checkPrimary(primary);
        enter();
        try {
            Scratch s = scratch();
            byte[] prefix = Key.primaryPrefix(primary);
            int removed = removeLive(s, prefix, prefix.length);
            for (byte[] key : index.keysOf(prefix)) {
                removed += removeLive(s, key, prefix.length);
            }
            return removed;
        } finally {
            exit();
        }
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        Key.checkPrimary(primary);
        enter();
        try {
            byte[] prefix = Key.primaryPrefix(primary);
            long now = clock.millis();
            List<Variant> variants = new ArrayList<>();
            if (isLive(prefix, now)) {
                variants.add(Variant.EMPTY);
            }
            for (byte[] key : index.keysOf(prefix)) {
                if (isLive(key, now)) {
                    variants.add(Key.decode(key).variant());
                }
            }
            return variants;
        } finally {
            exit();
        }
    }

    private boolean isLive(byte[] encoded, long now) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(encoded)) {
            c.readLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            return e != null && isLive(e, now);
        }
    }

    /** Removes the entry under {@code encoded}; returns 1 if it was live. */
    private int removeLive(Scratch s, byte[] encoded, int prefixLength) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(encoded)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                return 0;
            }
            boolean live = isLive(e, clock.millis());
            removeEntry(e, c.segmentIndex(), encoded, encoded.length, prefixLength);
            if (!live) {
                expirations.increment();
            }
            return live ? 1 : 0;
        }
    }

    @Override
    public void clear() {
        enter();
        try {
            Scratch s = scratch();
            for (int segment = 0; segment < sizing.segments(); segment++) {
                int seg = segment;
                try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(segment)) {
                    c.forEachSegmentEntry(e -> removeIterated(e, seg, s));
                }
            }
        } finally {
            exit();
        }
    }

    // ---- expiry ---------------------------------------------------------------------------

    /** Removes every expired entry now; returns how many. The sweeper thread calls this. */
    public int sweepExpired() {
        enter();
        try {
            return sweep();
        } finally {
            exit();
        }
    }

    private void sweepQuietly() {
        inFlight.increment();
        try {
            if (!closed) {
                sweep();
            }
        } catch (RuntimeException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            inFlight.decrement();
        }
    }

    private int sweep() {
        Scratch s = scratch();
        int swept = 0;
        for (int segment = 0; segment < sizing.segments() && !closed; segment++) {
            int seg = segment;
            long now = clock.millis();
            int[] count = {0};
            try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> {
                    sweepExamined.increment();
                    if (!isLive(e, now)) {
                        removeIterated(e, seg, s);
                        count[0]++;
                    }
                });
            }
            expirations.add(count[0]);
            swept += count[0];
        }
        return swept;
    }

    private void removeIfExpired(byte[] key) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> e = c.entry();
            if (e != null && !isLive(e, clock.millis())) {
                removeEntry(e, c.segmentIndex(), key, key.length, primaryPrefixLength(key));
                expirations.increment();
            }
        }
    }

    private boolean isLive(MapEntry<byte[], byte[]> e, long now) {
        Data<byte[]> v = e.value();
        return Expiry.isLive(v.bytes().readLong(v.offset() + EntryHeader.EXPIRES_AT_OFFSET), now);
    }

    // ---- eviction -------------------------------------------------------------------------

    /**
     * Frees at least {@code needChunks} chunks and one entry slot in the segment, plus a batch of a
     * {@value #BATCH_DIVISOR}th of its budget so that evictions amortise over many writes: expired
     * entries first, then the least recently used. The key being written is spared.
     */
    private void evict(int segment, long needChunks, Scratch s, byte[] protectedKey) {
        long now = clock.millis();
        try (MapSegmentContext<byte[], byte[], ?> c = map.segmentContext(segment)) {
            // Read under the segment's lock: no write to this segment can move these now.
            long targetChunks = Math.min(segmentChunks.get(segment), sizing.budgetChunks()) - needChunks
                    - sizing.budgetChunks() / BATCH_DIVISOR;
            long targetEntries = sizing.maxEntriesPerSegment() - 1
                    - sizing.maxEntriesPerSegment() / BATCH_DIVISOR;
            for (int round = 0; round < 4 && over(segment, targetChunks, targetEntries); round++) {
                long[] stamps = collectStamps(c, now, (int) segmentEntries.get(segment));
                int n = stamps.length;
                long overChunks = segmentChunks.get(segment) - Math.max(0, targetChunks);
                long averageChunks = Math.max(1, segmentChunks.get(segment) / Math.max(1, n));
                long victims = Math.max(segmentEntries.get(segment) - targetEntries, overChunks / averageChunks + 1);
                // The last round spares nothing but the key being written.
                long threshold = round == 3 || victims >= n ? Long.MAX_VALUE : select(stamps, (int) victims);
                c.forEachSegmentEntryWhile(e -> {
                    if (!over(segment, targetChunks, targetEntries)) {
                        return false;
                    }
                    Data<byte[]> v = e.value();
                    boolean expired = !isLive(e, now);
                    long stamp = v.bytes().readLong(v.offset() + EntryHeader.ACCESS_OFFSET);
                    if ((expired || stamp <= threshold) && !isKey(e, protectedKey)) {
                        removeIterated(e, segment, s);
                        (expired ? expirations : evictions).increment();
                    }
                    return true;
                });
            }
        }
    }

    private boolean over(int segment, long targetChunks, long targetEntries) {
        return segmentChunks.get(segment) > Math.max(0, targetChunks)
                || segmentEntries.get(segment) > Math.max(0, targetEntries);
    }

    private long[] collectStamps(MapSegmentContext<byte[], byte[], ?> c, long now, int expected) {
        long[][] stamps = {new long[Math.max(16, expected + 16)]};
        int[] n = {0};
        c.forEachSegmentEntry(e -> {
            if (n[0] == stamps[0].length) {
                stamps[0] = Arrays.copyOf(stamps[0], n[0] * 2);
            }
            Data<byte[]> v = e.value();
            stamps[0][n[0]++] = isLive(e, now) ? v.bytes().readLong(v.offset() + EntryHeader.ACCESS_OFFSET)
                    : Long.MIN_VALUE;
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

    // ---- bookkeeping ----------------------------------------------------------------------

    /** Removes a queried entry and its accounting, under the held update lock. */
    private void removeEntry(MapEntry<byte[], byte[]> e, int segment, byte[] key, int keyLength, int prefixLength) {
        long chunks = sizing.chunks(keyLength, e.value().size());
        e.doRemove();
        segmentChunks.addAndGet(segment, -chunks);
        segmentEntries.decrementAndGet(segment);
        if (keyLength > prefixLength) {
            index.remove(key, keyLength, prefixLength);
        }
    }

    /** Removes an entry met while iterating a segment, reading its key for the variant index. */
    private void removeIterated(MapEntry<byte[], byte[]> e, int segment, Scratch s) {
        Data<byte[]> k = e.key();
        int keyLength = (int) k.size();
        k.bytes().read(k.offset(), s.otherKeyArray, 0, keyLength);
        removeEntry(e, segment, s.otherKeyArray, keyLength, primaryPrefixLength(s.otherKeyArray));
    }

    private static int primaryPrefixLength(byte[] encoded) {
        return 2 + (((encoded[0] & 0xFF) << 8) | (encoded[1] & 0xFF));
    }

    /** Marks a hit: a racy write of one header field, which only ranks entries for eviction. */
    private void stamp(RandomDataInput in, long offset) {
        writable(in).writeLong(offset + EntryHeader.ACCESS_OFFSET, ++ticks);
    }

    private static RandomDataOutput<?> writable(RandomDataInput in) {
        if (in instanceof RandomDataOutput) {
            return (RandomDataOutput<?>) in;
        }
        throw new IllegalStateException("Chronicle handed out read-only entry memory: " + in.getClass().getName());
    }

    // ---- stats and lifecycle --------------------------------------------------------------

    @Override
    public EngineStats stats() {
        enter();
        try {
            long chunks = 0;
            long entries = 0;
            for (int i = 0; i < sizing.segments(); i++) {
                chunks += segmentChunks.get(i);
                entries += segmentEntries.get(i);
            }
            return new EngineStats(entries, sizing.chunkBytes(chunks), sizing.capacity(), hits.sum(), misses.sum(),
                    0L, 0L, 0L, evictions.sum(), expirations.sum(), 0L, Map.of(
                            "offHeapReserved", map.offHeapMemoryUsed(),
                            "segments", (long) sizing.segments(),
                            "chunkSize", (long) sizing.chunkSize(),
                            "maxEntriesPerSegment", sizing.maxEntriesPerSegment(),
                            "lastVersion", lastVersion.get(),
                            "indexedPrimaries", index.primaries(),
                            "indexedVariants", index.variants(),
                            "indexHeapBytes", index.heapBytes(),
                            "segmentFullRetries", segmentFulls.sum(),
                            "sweepExamined", sweepExamined.sum()));
        } finally {
            exit();
        }
    }

    /** The geometry the map was built with. */
    Sizing sizing() {
        return sizing;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(10, TimeUnit.SECONDS);
            // Operations that entered before the flag was seen finish before the memory goes.
            while (inFlight.sum() > 0) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            map.close();
        }
    }

    private void enter() {
        inFlight.increment();
        if (closed) {
            inFlight.decrement();
            throw new EngineClosedException(name);
        }
    }

    private void exit() {
        inFlight.decrement();
    }

    /** A write found no contiguous room in its segment; the caller evicts and retries. */
    private static final class SegmentFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SegmentFullException(IllegalStateException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    private Scratch scratch() {
        Thread thread = Thread.currentThread();
        int slot = (int) thread.getId() & (SCRATCH_SLOTS - 1);
        Scratch s = scratchSlots[slot];
        if (s == null || s.owner != thread) {
            s = scratch.get();
            scratchSlots[slot] = s;
        }
        return s;
    }

    /** Per-thread buffers, so the hot paths allocate nothing. */
    private final class Scratch {
        /** The thread this belongs to; final, so a racy read of {@link #scratchSlots} sees it set. */
        final Thread owner = Thread.currentThread();
        /** Keys met while iterating a segment, apart from the key being written. */
        final byte[] otherKeyArray = new byte[Key.MAX_ENCODED_BYTES];
        byte[] outArray = new byte[EntryHeader.LENGTH + 4096];
        BytesStore<?, ?> out = BytesStore.wrap(outArray);
        int outLength;
        byte[] inArray = new byte[4096];
        final View view = new View();
        /** Exact-length key arrays by length, for Chronicle's byte[] key paths; filled lazily. */
        final byte[][] keysByLength = new byte[EXACT_KEY_LIMIT + 1][];
        /**
         * The read in progress on this thread (see {@link #lookup}): an {@link EntryReader}, the
         * {@link ByteBuffer} of a {@code copyValue}, or null for {@code get}.
         */
        Object reader;
        Object result;

        /** The encoded key in this thread's array of exactly its length. */
        byte[] exactKey(Key key) {
            int length = key.encodedLength();
            if (length > EXACT_KEY_LIMIT) {
                return key.encodedBytes();
            }
            byte[] k = keysByLength[length];
            if (k == null) {
                k = keysByLength[length] = new byte[length];
            }
            key.copyEncodedTo(k, 0);
            return k;
        }

        /** The stored entry as an {@link Entry}, its value copied once, straight from the map. */
        Entry entry(RandomDataInput in, long offset, long storedLength) {
            int headerLength = checkHeader(in, offset, storedLength);
            byte[] value = new byte[(int) (storedLength - headerLength)];
            in.read(offset + headerLength, value, 0, value.length);
            return new Entry(value, in.readLong(offset + EntryHeader.VERSION_OFFSET),
                    in.readLong(offset + EntryHeader.EXPIRES_AT_OFFSET), in.readInt(offset + EntryHeader.FLAGS_OFFSET),
                    in.readLong(offset + EntryHeader.STORED_AT_OFFSET));
        }

        /**
         * The header (all but the version, set under the lock) and the value, in this thread's buffer
         * or, when too large to keep per thread, a one-off one sized exactly.
         */
        BytesStore<?, ?> fill(ByteBuffer value, int flags, long expiresAt, long now, long access) {
            int storedLength = EntryHeader.LENGTH + value.remaining();
            byte[] array;
            BytesStore<?, ?> store;
            if (storedLength <= outArray.length) {
                array = outArray;
                store = out;
            } else if (storedLength <= CACHED_SCRATCH_LIMIT) {
                outArray = array = new byte[Math.max(storedLength, 2 * outArray.length)];
                out = store = BytesStore.wrap(array);
            } else {
                array = new byte[storedLength];
                store = BytesStore.wrap(array);
            }
            outLength = storedLength;
            store.writeByte(EntryHeader.FORMAT_OFFSET, (byte) EntryHeader.FORMAT);
            store.writeByte(EntryHeader.LENGTH_OFFSET, (byte) EntryHeader.LENGTH);
            store.writeShort(EntryHeader.MARKS_OFFSET, (short) 0);
            store.writeInt(EntryHeader.FLAGS_OFFSET, flags);
            store.writeLong(EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
            store.writeLong(EntryHeader.STORED_AT_OFFSET, now);
            store.writeLong(EntryHeader.ACCESS_OFFSET, access);
            value.duplicate().get(array, EntryHeader.LENGTH, value.remaining());
            return store;
        }

        /** A view of the stored value, copied once into this thread's buffer. */
        View view(RandomDataInput in, long offset, long storedLength) {
            int headerLength = checkHeader(in, offset, storedLength);
            int valueLength = (int) (storedLength - headerLength);
            byte[] into = inArray;
            if (into.length < valueLength) {
                into = new byte[valueLength];
                if (valueLength <= CACHED_SCRATCH_LIMIT) {
                    inArray = into;
                }
            }
            in.read(offset + headerLength, into, 0, valueLength);
            view.set(into, valueLength, in.readLong(offset + EntryHeader.VERSION_OFFSET),
                    in.readLong(offset + EntryHeader.EXPIRES_AT_OFFSET), in.readInt(offset + EntryHeader.FLAGS_OFFSET),
                    in.readLong(offset + EntryHeader.STORED_AT_OFFSET));
            return view;
        }
    }

    /** {@code copyValue}'s copy: straight from the map into {@code dst} when it fits. */
    private static Integer copy(RandomDataInput in, long offset, long storedLength, ByteBuffer dst) {
        int headerLength = checkHeader(in, offset, storedLength);
        int length = (int) (storedLength - headerLength);
        if (length <= dst.remaining()) {
            int position = dst.position();
            if (dst.hasArray()) {
                in.read(offset + headerLength, dst.array(), dst.arrayOffset() + position, length);
            } else if (dst.isDirect()) {
                in.nativeRead(offset + headerLength, Jvm.address(dst) + position, length);
            } else {
                for (int i = 0; i < length; i++) {
                    dst.put(position + i, in.readByte(offset + headerLength + i));
                }
            }
            dst.position(position + length);
        }
        return length;
    }

    private static int checkHeader(RandomDataInput in, long offset, long storedLength) {
        int format = in.readUnsignedByte(offset + EntryHeader.FORMAT_OFFSET);
        int headerLength = in.readUnsignedByte(offset + EntryHeader.LENGTH_OFFSET);
        if (format != EntryHeader.FORMAT || headerLength < EntryHeader.LENGTH || headerLength > storedLength) {
            throw new LarderException("entry header format " + format + " (length " + headerLength
                    + ") is not one this build reads (format " + EntryHeader.FORMAT + ")");
        }
        return headerLength;
    }

    /** The entry a reader sees: a copy of the value in the thread's buffer, valid during the call. */
    private static final class View implements EntryView {
        private byte[] value;
        private int length;
        private long version;
        private long expiresAt;
        private int flags;
        private long storedAt;

        void set(byte[] value, int length, long version, long expiresAt, int flags, long storedAt) {
            this.value = value;
            this.length = length;
            this.version = version;
            this.expiresAt = expiresAt;
            this.flags = flags;
            this.storedAt = storedAt;
        }

        static Entry toEntry(EntryView view) {
            View v = (View) view;
            return new Entry(Arrays.copyOf(v.value, v.length), v.version, v.expiresAt, v.flags, v.storedAt);
        }

        @Override
        public ByteBuffer value() {
            return ByteBuffer.wrap(value, 0, length).slice().asReadOnlyBuffer();
        }

        @Override
        public int valueLength() {
            return length;
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
    }
}
