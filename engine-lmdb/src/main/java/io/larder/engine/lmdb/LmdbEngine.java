package io.larder.engine.lmdb;

import io.larder.spi.Capability;
import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.LarderException;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * A persistent engine on LMDB: a memory-mapped B+tree in one directory, shared by every process that
 * opens it.
 *
 * <h2>Databases</h2>
 * <ul>
 *   <li>{@code entries}: {@link StoredKey stored key} → {@link Record record} (header, full key when
 *       the LMDB key is a digest, value).</li>
 *   <li>{@code byAge}: queuedAt (8 bytes, big-endian) → stored key: the eviction queue, oldest
 *       first. An entry joins it at its version when written, and again at a fresh number when
 *       eviction finds it was read since it last joined (a second chance, as in CLOCK).</li>
 *   <li>{@code byExpiry}: expiresAt, version (16 bytes) → stored key, for entries that expire: what
 *       the sweeper walks.</li>
 *   <li>{@code meta}: {@code format} → the store format ({@value #STORE_FORMAT}), and
 *       {@code lastVersion} → the highest version handed out. A store of another format is refused
 *       at open.</li>
 * </ul>
 * Every write is one LMDB write transaction over all four, so the indexes never disagree with the
 * entries, even after a crash; and {@code lastVersion} is read and bumped inside it, so versions keep
 * rising across restarts and across processes (LMDB serializes writers of all processes).
 *
 * <h2>Capacity</h2>
 * {@code capacity} is LMDB's map size, the most the data file can grow to. When the pages the
 * databases use pass {@value #EVICT_ABOVE_PERCENT}% of it, a write evicts expired entries, then the
 * entries at the head of the eviction queue, until use is back under {@value #EVICT_TO_PERCENT}%, at
 * most {@value #MAX_BATCH} per transaction. An entry read (or touched) through this process since it
 * joined the queue is not evicted but sent to the back once: reads are recorded in memory (a bit per
 * version hash), since a read transaction cannot write. Reads by other processes do not count. The rest of the map is LMDB's copy-on-write headroom; if
 * a write still meets {@code MDB_MAP_FULL}, it evicts harder in separate transactions and retries.
 *
 * <h2>Reads</h2>
 * Reads take a pooled, reset read transaction ({@link ReaderPool}), renew it, and hand the reader a
 * read-only buffer pointing into the map: no copy and no allocation for short keys.
 */
public final class LmdbEngine implements StorageEngine {

    /** The stored format this build reads and writes. */
    static final int STORE_FORMAT = 1;
    static final int EVICT_ABOVE_PERCENT = 80;
    static final int EVICT_TO_PERCENT = 75;
    /** Most entries one transaction sweeps or evicts, so none holds the write lock for long. */
    static final int MAX_BATCH = 1000;
    /** log2 of the number of read marks kept in memory for eviction's second chance. */
    static final int READ_MARK_BITS = 18;

    private static final String NAME = "lmdb";
    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_VERSION_KEY = "lastVersion".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_MAP_FULL_RETRIES = 3;

    private final LmdbSettings settings;
    private final Clock clock;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> entries;
    private final Dbi<ByteBuffer> byAge;
    private final Dbi<ByteBuffer> byExpiry;
    private final Dbi<ByteBuffer> meta;
    private final ReaderPool readers;
    private final ScheduledExecutorService background;
    private final long evictAbove;
    private final long evictTo;

    private final byte[] readMarks = new byte[1 << READ_MARK_BITS];
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();

    // Write path state, all guarded by writeLock: one writer per process at a time (LMDB would
    // serialize them anyway), so its buffers are allocated once.
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer key = direct(StoredKey.MAX_LMDB_KEY);
    private final ByteBuffer victim = direct(StoredKey.MAX_LMDB_KEY);
    private final ByteBuffer ageKey = direct(8);
    private final ByteBuffer expiryKey = direct(16);
    private final ByteBuffer number = direct(8);
    // Never changed after construction, so readers may share it too.
    private final ByteBuffer lastVersionKey = direct(LAST_VERSION_KEY.length).put(LAST_VERSION_KEY).flip();
    private long expiredInTxn;
    private long evictedInTxn;

    private volatile boolean closed;

    private LmdbEngine(LmdbSettings settings, Env<ByteBuffer> env, Dbi<ByteBuffer>[] dbis) {
        this.settings = settings;
        this.clock = settings.clock();
        this.env = env;
        this.meta = dbis[0];
        this.entries = dbis[1];
        this.byAge = dbis[2];
        this.byExpiry = dbis[3];
        this.readers = new ReaderPool(env, NAME, settings.maxReaders());
        this.evictAbove = settings.capacity() / 100 * EVICT_ABOVE_PERCENT;
        this.evictTo = settings.capacity() / 100 * EVICT_TO_PERCENT;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "larder-lmdb-" + settings.path());
            t.setDaemon(true);
            return t;
        });
        long sweep = Math.max(1, settings.sweepInterval().toMillis());
        background.scheduleWithFixedDelay(this::sweepQuietly, sweep, sweep, TimeUnit.MILLISECONDS);
        if (!settings.sync() && settings.syncInterval() != null) {
            long flush = Math.max(1, settings.syncInterval().toMillis());
            background.scheduleWithFixedDelay(this::flushQuietly, flush, flush, TimeUnit.MILLISECONDS);
        }
    }

    // ---- open -------------------------------------------------------------------------------

    /**
     * Opens (creating if needed) the store in {@code settings.path()}.
     *
     * @throws LarderException if the directory cannot be made, LMDB cannot open it, or it holds a
     *         store of another format or no Larder store at all
     */
    static LmdbEngine open(LmdbSettings settings) {
        Path dir = settings.path();
        createPrivateDirectory(dir);
        EnvFlags[] flags = settings.sync()
                ? new EnvFlags[] {EnvFlags.MDB_NOTLS}
                : new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC};
        Env<ByteBuffer> env;
        try {
            env = Env.create(FlagFreeBufferProxy.INSTANCE)
                    .setMapSize(settings.capacity())
                    .setMaxDbs(4)
                    .setMaxReaders(settings.maxReaders())
                    .open(dir.toFile(), 0600, flags);
        } catch (LmdbException e) {
            throw new LarderException("cannot open LMDB store in " + dir + ": " + e.getMessage(), e);
        }
        try {
            env.readerCheck(); // frees slots of readers in processes that died
            return new LmdbEngine(settings, env, openDatabases(env, dir));
        } catch (RuntimeException | Error e) {
            env.close();
            throw e;
        }
    }

    private static void createPrivateDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (FileAlreadyExistsException e) {
            throw new LarderException("cannot open LMDB store: " + dir + " exists and is not a directory", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new LarderException("cannot create LMDB store directory " + dir + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Dbi<ByteBuffer>[] openDatabases(Env<ByteBuffer> env, Path dir) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            Dbi<ByteBuffer> root = env.openDbi(txn, null, null, false);
            boolean fresh = root.stat(txn).entries == 0;
            Dbi<ByteBuffer> meta = env.openDbi(txn, bytes("meta"), null, false, DbiFlags.MDB_CREATE);
            ByteBuffer formatKey = direct(FORMAT_KEY.length).put(FORMAT_KEY).flip();
            if (fresh) {
                meta.put(txn, formatKey, direct(4).putInt(0, STORE_FORMAT));
                meta.put(txn, direct(LAST_VERSION_KEY.length).put(LAST_VERSION_KEY).flip(), direct(8));
            } else {
                ByteBuffer format = meta.get(txn, formatKey);
                if (format == null || format.remaining() != 4) {
                    throw new LarderException("cannot open " + dir + ": it is an LMDB environment but not a Larder "
                            + "store (no format record)");
                }
                int found = format.getInt(0);
                if (found != STORE_FORMAT) {
                    throw new LarderException("cannot open " + dir + ": the store is in Larder LMDB format " + found
                            + ", and this build reads only format " + STORE_FORMAT
                            + "; use a matching build, or delete the directory to start an empty cache");
                }
            }
            Dbi<ByteBuffer>[] dbis = new Dbi[] {meta,
                env.openDbi(txn, bytes("entries"), null, false, DbiFlags.MDB_CREATE),
                env.openDbi(txn, bytes("byAge"), null, false, DbiFlags.MDB_CREATE),
                env.openDbi(txn, bytes("byExpiry"), null, false, DbiFlags.MDB_CREATE)};
            txn.commit();
            return dbis;
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
                Capability.ORDERED_KEYS);
    }

    @Override
    public long maxValueSize() {
        return settings.maxValueSize();
    }

    // ---- read path --------------------------------------------------------------------------

    @Override
    public <R> R read(Key key, EntryReader<R> reader) {
        ensureOpen();
        Checks.key(key);
        Objects.requireNonNull(reader, "reader must not be null");
        Reader r = readers.acquire();
        boolean expired;
        try {
            if (r.find(entries, key, clock.millis())) {
                hits.increment();
                markRead(r.version());
                return reader.read(r);
            }
            expired = r.sawExpired;
        } finally {
            readers.release(r);
        }
        miss(key, expired);
        return null;
    }

    @Override
    public int copyValue(Key key, ByteBuffer dst) {
        ensureOpen();
        Checks.key(key);
        Checks.destination(dst);
        Reader r = readers.acquire();
        boolean expired;
        try {
            if (r.find(entries, key, clock.millis())) {
                hits.increment();
                markRead(r.version());
                int n = r.valueLength();
                if (n <= dst.remaining()) {
                    dst.put(r.value());
                }
                return n;
            }
            expired = r.sawExpired;
        } finally {
            readers.release(r);
        }
        miss(key, expired);
        return -1;
    }

    /** Counts a miss; an expired entry met on the way is reclaimed now, as every op treats it as gone. */
    private void miss(Key key, boolean expired) {
        misses.increment();
        if (expired) {
            compute(key, ComputeFunctions.KEEP);
        }
    }

    // ---- write path -------------------------------------------------------------------------

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        ensureOpen();
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        byte[] fullKey = StoredKey.isShort(key) ? null : key.encodedBytes();
        return write(txn -> {
            long now = clock.millis();
            StoredKey.write(key, this.key);
            ByteBuffer record = entries.get(txn, this.key);
            boolean occupied = record != null;
            // Under a digest key, another key's entry may sit there (a collision): it is not ours to
            // read or remove, but a store replaces it.
            boolean mine = occupied && (fullKey == null || Record.keyMatches(record, fullKey));
            long oldVersion = occupied ? Record.version(record) : 0;
            long oldQueuedAt = occupied ? Record.queuedAt(record) : 0;
            long oldExpiresAt = occupied ? Record.expiresAt(record) : 0;
            Entry current = mine && Expiry.isLive(oldExpiresAt, now) ? entryOf(record) : null;
            ComputeAction action = Objects.requireNonNull(function.apply(current),
                    "compute function returned null; return ComputeAction.keep() to change nothing");
            boolean expired = mine && current == null;
            switch (action.kind()) {
                case KEEP:
                    if (expired) {
                        removeExpired(txn, oldQueuedAt, oldVersion, oldExpiresAt);
                    } else if (current != null) {
                        markRead(oldVersion);
                    }
                    return current;
                case REMOVE:
                    if (mine) {
                        removeEntry(txn, oldQueuedAt, oldVersion, oldExpiresAt);
                        expiredInTxn += expired ? 1 : 0;
                    }
                    return null;
                case TOUCH:
                    if (current == null) {
                        if (expired) {
                            removeExpired(txn, oldQueuedAt, oldVersion, oldExpiresAt);
                        }
                        return null;
                    }
                    long touchedAt = action.expiry().expiresAt(now);
                    putRecord(txn, fullKey, ByteBuffer.wrap(current.value()), current.flags(), current.version(),
                            touchedAt, current.storedAt(), oldQueuedAt);
                    reindexExpiry(txn, current.version(), oldExpiresAt, touchedAt);
                    markRead(oldVersion);
                    return new Entry(current.value(), current.version(), touchedAt, current.flags(),
                            current.storedAt());
                case STORE:
                    byte[] value = action.value();
                    Checks.valueSize(value.length, settings.maxValueSize());
                    long expiresAt = action.expiry().expiresAt(now);
                    long version = store(txn, fullKey, ByteBuffer.wrap(value), action.flags(), expiresAt, now,
                            occupied, oldQueuedAt, oldVersion, oldExpiresAt);
                    expiredInTxn += expired ? 1 : 0;
                    return new Entry(value.clone(), version, expiresAt, action.flags(), now);
                default:
                    throw new IllegalStateException("unknown compute action " + action.kind());
            }
        });
    }

    /** A set straight from the caller's buffer into the map: no intermediate copy. */
    @Override
    public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        ensureOpen();
        Checks.key(key);
        Checks.value(value, settings.maxValueSize());
        Checks.expiry(expiry);
        byte[] fullKey = StoredKey.isShort(key) ? null : key.encodedBytes();
        return write(txn -> {
            long now = clock.millis();
            long expiresAt = expiry.expiresAt(now);
            StoredKey.write(key, this.key);
            ByteBuffer record = entries.get(txn, this.key);
            boolean found = record != null;
            long oldVersion = found ? Record.version(record) : 0;
            long oldQueuedAt = found ? Record.queuedAt(record) : 0;
            long oldExpiresAt = found ? Record.expiresAt(record) : 0;
            expiredInTxn += found && !Expiry.isLive(oldExpiresAt, now) ? 1 : 0;
            return store(txn, fullKey, value, flags, expiresAt, now, found, oldQueuedAt, oldVersion, oldExpiresAt);
        });
    }

    @Override
    public long set(Key key, byte[] value, Expiry expiry, int flags) {
        return set(key, ByteBuffer.wrap(Checks.value(value, settings.maxValueSize())), expiry, flags);
    }

    /** Writes a new version of the entry under {@link #key}, replacing the indexes of an old one. */
    private long store(Txn<ByteBuffer> txn, byte[] fullKey, ByteBuffer value, int flags, long expiresAt, long now,
            boolean replacing, long oldQueuedAt, long oldVersion, long oldExpiresAt) {
        long version = nextVersion(txn);
        if (replacing) {
            byAge.delete(txn, ageKey(oldQueuedAt));
            if (oldExpiresAt != 0) {
                byExpiry.delete(txn, expiryKey(oldExpiresAt, oldVersion));
            }
        }
        putRecord(txn, fullKey, value, flags, version, expiresAt, now, version);
        byAge.put(txn, ageKey(version), key);
        if (expiresAt != 0) {
            byExpiry.put(txn, expiryKey(expiresAt, version), key);
        }
        return version;
    }

    private void putRecord(Txn<ByteBuffer> txn, byte[] fullKey, ByteBuffer value, int flags, long version,
            long expiresAt, long storedAt, long queuedAt) {
        int keyLength = fullKey == null ? 0 : fullKey.length;
        int valueLength = value.remaining();
        ByteBuffer record = entries.reserve(txn, key, Record.size(keyLength, valueLength));
        Record.writeHeader(record, keyLength, flags, version, expiresAt, storedAt, queuedAt);
        if (fullKey != null) {
            record.put(Record.HEADER_LENGTH, fullKey);
        }
        record.put(Record.HEADER_LENGTH + keyLength, value, value.position(), valueLength);
    }

    private long nextVersion(Txn<ByteBuffer> txn) {
        ByteBuffer last = meta.get(txn, lastVersionKey);
        long version = last.getLong(0) + 1;
        number.putLong(0, version);
        meta.put(txn, lastVersionKey, number);
        return version;
    }

    private void reindexExpiry(Txn<ByteBuffer> txn, long version, long oldExpiresAt, long newExpiresAt) {
        if (oldExpiresAt == newExpiresAt) {
            return;
        }
        if (oldExpiresAt != 0) {
            byExpiry.delete(txn, expiryKey(oldExpiresAt, version));
        }
        if (newExpiresAt != 0) {
            byExpiry.put(txn, expiryKey(newExpiresAt, version), key);
        }
    }

    /** Removes the entry under {@link #key} and its index entries. */
    private void removeEntry(Txn<ByteBuffer> txn, long queuedAt, long version, long expiresAt) {
        entries.delete(txn, key);
        byAge.delete(txn, ageKey(queuedAt));
        if (expiresAt != 0) {
            byExpiry.delete(txn, expiryKey(expiresAt, version));
        }
    }

    private void removeExpired(Txn<ByteBuffer> txn, long queuedAt, long version, long expiresAt) {
        removeEntry(txn, queuedAt, version, expiresAt);
        expiredInTxn++;
    }

    private ByteBuffer ageKey(long queuedAt) {
        ageKey.putLong(0, queuedAt);
        return ageKey;
    }

    private ByteBuffer expiryKey(long expiresAt, long version) {
        expiryKey.putLong(0, expiresAt).putLong(8, version);
        return expiryKey;
    }

    private static Entry entryOf(ByteBuffer record) {
        int offset = Record.valueOffset(record);
        byte[] value = new byte[record.limit() - offset];
        record.get(offset, value);
        return new Entry(value, Record.version(record), Record.expiresAt(record), Record.flags(record),
                Record.storedAt(record));
    }

    /** Work done inside one write transaction. */
    @FunctionalInterface
    private interface TxnWork<T> {
        T run(Txn<ByteBuffer> txn);
    }

    /**
     * Runs {@code work} in one write transaction, makes room if the store passed its high mark, and
     * commits; on {@code MDB_MAP_FULL}, evicts in transactions of its own and runs it again.
     */
    private <T> T write(TxnWork<T> work) {
        writeLock.lock();
        try {
            ensureOpen();
            for (int attempt = 0; ; attempt++) {
                expiredInTxn = 0;
                evictedInTxn = 0;
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    T result = work.run(txn);
                    makeRoom(txn, evictAbove, evictTo);
                    txn.commit();
                    expirations.add(expiredInTxn);
                    evictions.add(evictedInTxn);
                    return result;
                } catch (Env.MapFullException e) {
                    if (attempt == MAX_MAP_FULL_RETRIES) {
                        throw new LarderException("LMDB map of " + settings.capacity() + " bytes stayed full after "
                                + "evicting; raise the lmdb engine's capacity", e);
                    }
                    // Harder each time: to the low mark, then half of it, then everything.
                    evictInOwnTransactions(attempt == 0 ? evictTo : attempt == 1 ? evictTo / 2 : 0);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ---- expiry -----------------------------------------------------------------------------

    /** Removes expired entries now, in transactions of at most {@value #MAX_BATCH}; returns how many. */
    public int sweepExpired() {
        ensureOpen();
        int total = 0;
        while (true) {
            int swept = write(txn -> sweep(txn, clock.millis(), MAX_BATCH));
            total += swept;
            if (swept < MAX_BATCH || closed) {
                return total;
            }
        }
    }

    /** Removes up to {@code limit} entries whose expiry has passed, soonest first. */
    private int sweep(Txn<ByteBuffer> txn, long now, int limit) {
        int swept = 0;
        try (Cursor<ByteBuffer> cursor = byExpiry.openCursor(txn)) {
            while (swept < limit && cursor.first()) {
                ByteBuffer index = cursor.key();
                long expiresAt = index.getLong(0);
                if (Expiry.isLive(expiresAt, now)) {
                    break;
                }
                long version = index.getLong(8);
                copyTo(victim, cursor.val());
                cursor.delete();
                ByteBuffer record = entries.get(txn, victim);
                if (record != null && Record.version(record) == version) {
                    long queuedAt = Record.queuedAt(record);
                    entries.delete(txn, victim);
                    byAge.delete(txn, ageKey(queuedAt));
                    expiredInTxn++;
                }
                swept++;
            }
        }
        return swept;
    }

    private void sweepQuietly() {
        try {
            if (!closed) {
                sweepExpired();
                env.readerCheck();
            }
        } catch (EngineClosedException e) {
            // closed while sweeping: nothing left to do
        } catch (RuntimeException e) {
            // The next run tries again; a store that keeps failing fails its callers too, loudly.
        }
    }

    private void flushQuietly() {
        try {
            if (!closed) {
                env.sync(true);
            }
        } catch (RuntimeException e) {
            // best effort: the next flush, or close, tries again
        }
    }

    // ---- eviction ---------------------------------------------------------------------------

    /**
     * When the databases take more than {@code above} bytes, removes expired entries, then entries
     * from the head of the eviction queue, until they take at most {@code to}, or {@value #MAX_BATCH}
     * are gone. A head entry read since it joined the queue goes to the back instead, once. The
     * entry this transaction wrote is at the back, so it goes last, and never here ({@code to > 0}).
     */
    private void makeRoom(Txn<ByteBuffer> txn, long above, long to) {
        if (usedBytes(txn) <= above) {
            return;
        }
        int steps = sweep(txn, clock.millis(), MAX_BATCH);
        long newest = meta.get(txn, lastVersionKey).getLong(0);
        try (Cursor<ByteBuffer> cursor = byAge.openCursor(txn)) {
            while (steps < MAX_BATCH && (steps % 16 != 0 || usedBytes(txn) > to) && cursor.first()) {
                steps++;
                long queuedAt = cursor.key().getLong(0);
                if (queuedAt == newest && to > 0) {
                    break;
                }
                copyTo(victim, cursor.val());
                ByteBuffer record = entries.get(txn, victim);
                if (record == null) {
                    cursor.delete(); // cannot happen in a consistent store; heal rather than loop
                    continue;
                }
                long version = Record.version(record);
                if (to > 0 && takeReadMark(version)) {
                    requeue(txn, record, queuedAt);
                    continue;
                }
                long expiresAt = Record.expiresAt(record);
                cursor.delete();
                entries.delete(txn, victim);
                if (expiresAt != 0) {
                    byExpiry.delete(txn, expiryKey(expiresAt, version));
                }
                evictedInTxn++;
            }
        }
    }

    /** Moves the entry under {@link #victim} to the back of the eviction queue; its version stays. */
    private void requeue(Txn<ByteBuffer> txn, ByteBuffer record, long queuedAt) {
        byte[] copy = new byte[record.remaining()];
        record.get(record.position(), copy);
        long back = nextVersion(txn); // a number above every queuedAt: versions and queue share the counter
        ByteBuffer rewritten = entries.reserve(txn, victim, copy.length);
        rewritten.put(0, copy);
        Record.setQueuedAt(rewritten, back);
        byAge.delete(txn, ageKey(queuedAt));
        byAge.put(txn, ageKey(back), victim);
    }

    /** Notes a read of the entry of this version, for eviction's second chance. */
    private void markRead(long version) {
        readMarks[markIndex(version)] = 1; // racy on purpose: a lost mark only costs a second chance
    }

    private boolean takeReadMark(long version) {
        int i = markIndex(version);
        boolean marked = readMarks[i] != 0;
        readMarks[i] = 0;
        return marked;
    }

    private static int markIndex(long version) {
        return (int) ((version * 0x9E3779B97F4A7C15L) >>> (64 - READ_MARK_BITS));
    }

    /** The last resort after {@code MDB_MAP_FULL}: evicts down to {@code target} bytes in small transactions. */
    private void evictInOwnTransactions(long target) {
        for (int round = 0; round < 10_000; round++) {
            evictedInTxn = 0;
            expiredInTxn = 0;
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                long before = byAge.stat(txn).entries;
                makeRoom(txn, target, target);
                boolean done = usedBytes(txn) <= target || byAge.stat(txn).entries == 0
                        || byAge.stat(txn).entries == before;
                txn.commit();
                evictions.add(evictedInTxn);
                expirations.add(expiredInTxn);
                if (done) {
                    return;
                }
            }
        }
    }

    /** Bytes of the pages the databases take in this transaction's view. */
    private long usedBytes(Txn<ByteBuffer> txn) {
        long pages = 0;
        int pageSize = 0;
        for (Dbi<ByteBuffer> dbi : List.of(entries, byAge, byExpiry, meta)) {
            Stat stat = dbi.stat(txn);
            pages += stat.branchPages + stat.leafPages + stat.overflowPages;
            pageSize = stat.pageSize;
        }
        return pages * pageSize;
    }

    // ---- primaries --------------------------------------------------------------------------

    @Override
    public int invalidate(byte[] primary) {
        ensureOpen();
        Key.checkPrimary(primary);
        byte[] prefix = StoredKey.rangePrefix(primary);
        byte[] clearPrefix = Key.primaryPrefix(primary);
        return write(txn -> {
            long now = clock.millis();
            int removed = 0;
            ByteBuffer seek = direct(prefix.length).put(prefix).flip();
            try (Cursor<ByteBuffer> cursor = entries.openCursor(txn)) {
                boolean more = cursor.get(seek, GetOp.MDB_SET_RANGE);
                while (more && startsWith(cursor.key(), prefix)) {
                    ByteBuffer record = cursor.val();
                    if (!startsWith(Record.fullKey(record, cursor.key()), clearPrefix)) {
                        more = cursor.next(); // a digest collision with another primary: not ours
                        continue;
                    }
                    long version = Record.version(record);
                    long queuedAt = Record.queuedAt(record);
                    long expiresAt = Record.expiresAt(record);
                    if (Expiry.isLive(expiresAt, now)) {
                        removed++;
                    } else {
                        expiredInTxn++;
                    }
                    copyTo(victim, cursor.key());
                    cursor.delete();
                    byAge.delete(txn, ageKey(queuedAt));
                    if (expiresAt != 0) {
                        byExpiry.delete(txn, expiryKey(expiresAt, version));
                    }
                    more = cursor.get(victim, GetOp.MDB_SET_RANGE); // the deleted key's successor
                }
            }
            return removed;
        });
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        ensureOpen();
        Key.checkPrimary(primary);
        byte[] prefix = StoredKey.rangePrefix(primary);
        byte[] clearPrefix = Key.primaryPrefix(primary);
        List<Variant> variants = new ArrayList<>();
        Reader r = readers.acquire();
        try (Cursor<ByteBuffer> cursor = entries.openCursor(r.txn)) {
            long now = clock.millis();
            ByteBuffer seek = direct(prefix.length).put(prefix).flip();
            boolean more = cursor.get(seek, GetOp.MDB_SET_RANGE);
            while (more && startsWith(cursor.key(), prefix)) {
                ByteBuffer record = cursor.val();
                byte[] fullKey = Record.fullKey(record, cursor.key());
                if (startsWith(fullKey, clearPrefix) && Expiry.isLive(Record.expiresAt(record), now)) {
                    variants.add(Key.decode(fullKey).variant());
                }
                more = cursor.next();
            }
        } finally {
            readers.release(r);
        }
        return variants;
    }

    @Override
    public void clear() {
        ensureOpen();
        write(txn -> {
            entries.drop(txn);
            byAge.drop(txn);
            byExpiry.drop(txn);
            return null;
        });
    }

    // ---- stats ------------------------------------------------------------------------------

    @Override
    public EngineStats stats() {
        ensureOpen();
        Reader r = readers.acquire();
        try {
            long count = entries.stat(r.txn).entries;
            long used = usedBytes(r.txn);
            long lastVersion = meta.get(r.txn, lastVersionKey).getLong(0);
            EnvInfo info = env.info();
            long pageSize = entries.stat(r.txn).pageSize;
            return new EngineStats(count, used, settings.capacity(), hits.sum(), misses.sum(), 0L, 0L, 0L,
                    evictions.sum(), expirations.sum(), 0L, Map.of(
                            "lastVersion", lastVersion,
                            "mapSize", info.mapSize,
                            "pageSize", pageSize,
                            "fileBytes", (info.lastPageNumber + 1) * pageSize,
                            "readerSlotsUsed", (long) info.numReaders));
        } finally {
            readers.release(r);
        }
    }

    /** The directory the store lives in. */
    public Path path() {
        return settings.path();
    }

    // ---- close ------------------------------------------------------------------------------

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            writeLock.unlock();
        }
        background.shutdownNow();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeLock.lock(); // no write is in flight past this point, and none starts
        try {
            // A reader stuck in a caller's EntryReader keeps the map in use: leave it mapped, not crash.
            if (readers.close(10, TimeUnit.SECONDS)) {
                if (!settings.sync()) {
                    env.sync(true);
                }
                env.close();
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineClosedException(NAME);
        }
    }

    // ---- checks for tests -------------------------------------------------------------------

    /**
     * Checks that the indexes and the version counter agree with the entries; returns what does
     * not (empty when consistent). Reads one snapshot.
     */
    List<String> verify() {
        ensureOpen();
        List<String> problems = new ArrayList<>();
        Reader r = readers.acquire();
        try {
            Txn<ByteBuffer> txn = r.txn;
            long lastVersion = meta.get(txn, lastVersionKey).getLong(0);
            long withExpiry = 0;
            long count = 0;
            try (Cursor<ByteBuffer> cursor = entries.openCursor(txn)) {
                for (boolean more = cursor.first(); more; more = cursor.next()) {
                    count++;
                    ByteBuffer record = cursor.val();
                    byte[] storedKey = bytesOf(cursor.key());
                    long version = Record.version(record);
                    long expiresAt = Record.expiresAt(record);
                    Key decoded = Key.decode(Record.fullKey(record, cursor.key()));
                    ByteBuffer expected = direct(StoredKey.MAX_LMDB_KEY);
                    StoredKey.write(decoded, expected);
                    if (!expected.equals(ByteBuffer.wrap(storedKey))) {
                        problems.add("entry " + decoded + " is stored under the wrong LMDB key");
                    }
                    if (version <= 0 || version > lastVersion) {
                        problems.add("entry " + decoded + " has version " + version + " beyond lastVersion "
                                + lastVersion);
                    }
                    long queuedAt = Record.queuedAt(record);
                    if (queuedAt < version || queuedAt > lastVersion) {
                        problems.add("entry " + decoded + " is queued at " + queuedAt + ", before its version " + version
                                + " or beyond lastVersion " + lastVersion);
                    }
                    ByteBuffer indexed = byAge.get(txn, direct(8).putLong(0, queuedAt));
                    if (indexed == null || !indexed.equals(ByteBuffer.wrap(storedKey))) {
                        problems.add("entry " + decoded + " queued at " + queuedAt + " is missing from byAge");
                    }
                    if (expiresAt != 0) {
                        withExpiry++;
                        ByteBuffer byExp = byExpiry.get(txn, direct(16).putLong(0, expiresAt).putLong(8, version));
                        if (byExp == null || !byExp.equals(ByteBuffer.wrap(storedKey))) {
                            problems.add("entry " + decoded + " expiring at " + expiresAt + " is missing from byExpiry");
                        }
                    }
                }
            }
            long versions = byAge.stat(txn).entries;
            long expiries = byExpiry.stat(txn).entries;
            if (versions != count) {
                problems.add("byAge has " + versions + " entries for " + count + " entries");
            }
            if (expiries != withExpiry) {
                problems.add("byExpiry has " + expiries + " entries for " + withExpiry + " expiring entries");
            }
        } finally {
            readers.release(r);
        }
        return problems;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static ByteBuffer direct(int capacity) {
        return ByteBuffer.allocateDirect(capacity);
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static void copyTo(ByteBuffer dst, ByteBuffer src) {
        dst.clear();
        dst.put(src.duplicate());
        dst.flip();
    }

    private static boolean startsWith(ByteBuffer buffer, byte[] prefix) {
        if (buffer.remaining() < prefix.length) {
            return false;
        }
        int at = buffer.position();
        for (int i = 0; i < prefix.length; i++) {
            if (buffer.get(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0,
                prefix.length);
    }

    /** Compute functions the engine uses itself. */
    private static final class ComputeFunctions {
        static final ComputeFunction KEEP = current -> ComputeAction.keep();
    }
}
