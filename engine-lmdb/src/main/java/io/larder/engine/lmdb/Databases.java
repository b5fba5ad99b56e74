package io.larder.engine.lmdb;

import io.larder.spi.LarderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * The LMDB environment and its seven databases, opened and format-checked.
 *
 * <ul>
 *   <li>{@code entries}: {@link StoredKey stored key} → {@link Record record}.</li>
 *   <li>{@code byAge}: queue number (8 bytes, big-endian) → stored key and the entry's version:
 *       the eviction queue, oldest first. An entry joins at its version; a second chance moves the
 *       row to a fresh number, leaving the record as it is. A row whose entry is gone or was
 *       rewritten since is stale and is dropped when it reaches the head.</li>
 *   <li>{@code byExpiry}: expiresAt, version (16 bytes) → stored key, for entries that expire.</li>
 *   <li>{@code meta}: {@code format} → {@value #STORE_FORMAT}; {@code lastVersion} → the highest
 *       number handed out (versions and queue numbers share it); {@code reservedVersion} → with
 *       {@code sync=false}, a number above every one handed out, flushed before any is returned;
 *       {@code movedFloor} → the laps of second chances ({@link VersionFloor}).</li>
 *   <li>{@code tagMarks}: tag → its watermarks ({@link TagMarks}).</li>
 *   <li>{@code byTag}: tag length (u8), tag, version → stored key: one row per tag of each tagged
 *       entry, so the sweeper reaches the entries a tag invalidation removed without a scan.</li>
 *   <li>{@code tagSweeps}: tag → removeMark: tag invalidations whose entries the sweeper has yet to
 *       reclaim.</li>
 * </ul>
 *
 * <p>Format 3 (cache state in records, the three tag databases) reads every format-2 record as it
 * is (see {@link Record}), so opening a format-2 store upgrades it in place: the open transaction
 * creates the new databases and records format 3. Every process on a store must run a build of
 * the same format.
 */
final class Databases {

    /** The stored format this build writes (3: records carry tags, stale and lease state). */
    static final int STORE_FORMAT = 3;
    /** The older format this build upgrades at open (2: byAge rows carry the entry's version). */
    static final int UPGRADABLE_FORMAT = 2;

    static final byte[] FORMAT_KEY = ascii("format");
    static final byte[] LAST_VERSION_KEY = ascii("lastVersion");
    static final byte[] RESERVED_VERSION_KEY = ascii("reservedVersion");

    final Env<ByteBuffer> env;
    final Dbi<ByteBuffer> meta;
    final Dbi<ByteBuffer> entries;
    final Dbi<ByteBuffer> byAge;
    final Dbi<ByteBuffer> byExpiry;
    final Dbi<ByteBuffer> tagMarks;
    final Dbi<ByteBuffer> byTag;
    final Dbi<ByteBuffer> tagSweeps;
    /** Write transactions begun by this engine, for tests: reads must begin none. */
    private final LongAdder writeTransactions = new LongAdder();
    final int pageSize;
    private final List<Dbi<ByteBuffer>> all;

    private Databases(Env<ByteBuffer> env, Dbi<ByteBuffer> meta, Dbi<ByteBuffer> entries, Dbi<ByteBuffer> byAge,
            Dbi<ByteBuffer> byExpiry, Dbi<ByteBuffer> tagMarks, Dbi<ByteBuffer> byTag, Dbi<ByteBuffer> tagSweeps,
            int pageSize) {
        this.env = env;
        this.meta = meta;
        this.entries = entries;
        this.byAge = byAge;
        this.byExpiry = byExpiry;
        this.tagMarks = tagMarks;
        this.byTag = byTag;
        this.tagSweeps = tagSweeps;
        this.pageSize = pageSize;
        this.all = List.of(meta, entries, byAge, byExpiry, tagMarks, byTag, tagSweeps);
    }

    /**
     * Opens (creating if needed) the store in {@code settings.path()}, a directory that exists.
     *
     * @throws LarderException if the directory cannot be made, LMDB cannot open it, or it holds a
     *         store of another format or no Larder store at all
     */
    static Databases open(LmdbSettings settings) {
        Path dir = settings.path();
        EnvFlags[] flags = settings.sync()
                ? new EnvFlags[] {EnvFlags.MDB_NOTLS}
                : new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC};
        Env<ByteBuffer> env;
        try {
            env = Env.create(FlagFreeBufferProxy.INSTANCE)
                    .setMapSize(settings.capacity())
                    .setMaxDbs(7)
                    .setMaxReaders(settings.maxReaders())
                    .open(dir.toFile(), 0600, flags);
        } catch (LmdbException e) {
            throw new LarderException("cannot open LMDB store in " + dir + ": " + e.getMessage(), e);
        }
        try {
            env.readerCheck(); // frees slots of readers in processes that died
            return openDatabases(env, dir);
        } catch (RuntimeException | Error e) {
            env.close();
            throw e;
        }
    }

    private static Databases openDatabases(Env<ByteBuffer> env, Path dir) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            Dbi<ByteBuffer> root = env.openDbi(txn, null, null, false);
            boolean fresh = root.stat(txn).entries == 0;
            Dbi<ByteBuffer> meta = env.openDbi(txn, ascii("meta"), null, false, DbiFlags.MDB_CREATE);
            ByteBuffer formatKey = direct(FORMAT_KEY);
            if (fresh) {
                meta.put(txn, formatKey, ByteBuffer.allocateDirect(4).putInt(0, STORE_FORMAT));
                meta.put(txn, direct(LAST_VERSION_KEY), ByteBuffer.allocateDirect(8));
                // no second chance yet: the version floor's laps start empty (see VersionFloor)
                meta.put(txn, direct(VersionFloor.MOVED_KEY), ByteBuffer.allocateDirect(24)
                        .putLong(8, Long.MAX_VALUE).putLong(16, Long.MAX_VALUE));
            } else {
                ByteBuffer format = meta.get(txn, formatKey);
                if (format == null || format.remaining() != 4) {
                    throw new LarderException("cannot open " + dir + ": it is an LMDB environment but not a Larder "
                            + "store (no format record)");
                }
                int found = format.getInt(0);
                if (found == UPGRADABLE_FORMAT) {
                    meta.put(txn, formatKey, ByteBuffer.allocateDirect(4).putInt(0, STORE_FORMAT));
                    LmdbEngine.LOG.log(System.Logger.Level.DEBUG, () -> "upgrading lmdb store " + dir + " from format "
                            + UPGRADABLE_FORMAT + " to " + STORE_FORMAT);
                } else if (found != STORE_FORMAT) {
                    throw new LarderException("cannot open " + dir + ": the store is in Larder LMDB format " + found
                            + ", and this build reads only formats " + UPGRADABLE_FORMAT + " and " + STORE_FORMAT
                            + "; use a matching build, or delete the directory to start an empty cache");
                }
            }
            Dbi<ByteBuffer> entries = env.openDbi(txn, ascii("entries"), null, false, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> byAge = env.openDbi(txn, ascii("byAge"), null, false, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> byExpiry = env.openDbi(txn, ascii("byExpiry"), null, false, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> tagMarks = env.openDbi(txn, ascii("tagMarks"), null, false, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> byTag = env.openDbi(txn, ascii("byTag"), null, false, DbiFlags.MDB_CREATE);
            Dbi<ByteBuffer> tagSweeps = env.openDbi(txn, ascii("tagSweeps"), null, false, DbiFlags.MDB_CREATE);
            int pageSize = meta.stat(txn).pageSize;
            txn.commit();
            return new Databases(env, meta, entries, byAge, byExpiry, tagMarks, byTag, tagSweeps, pageSize);
        }
    }

    static void createPrivateDirectory(Path dir) {
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

    /** Begins a write transaction, counted (see {@link #writeTransactions()}). */
    Txn<ByteBuffer> txnWrite() {
        writeTransactions.increment();
        return env.txnWrite();
    }

    /** Write transactions begun through {@link #txnWrite()}, whether they changed anything or not. */
    long writeTransactions() {
        return writeTransactions.sum();
    }

    /** Pages the databases take in this transaction's view (what the entries cost). */
    long treePages(Txn<ByteBuffer> txn) {
        long pages = 0;
        for (Dbi<ByteBuffer> dbi : all) {
            Stat stat = dbi.stat(txn);
            pages += stat.branchPages + stat.leafPages + stat.overflowPages;
        }
        return pages;
    }

    /** Reads a number kept in {@code meta}; 0 when absent. */
    long metaNumber(Txn<ByteBuffer> txn, ByteBuffer key) {
        ByteBuffer value = meta.get(txn, key);
        return value == null ? 0 : value.getLong(0);
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
