package io.larder.engine.rocks;

import io.larder.spi.LarderException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database and every native object the engine holds, opened together and closed
 * together: the one place that knows the column families, the store format and the file modes.
 *
 * <p>Column families: {@code default} (meta: format, version reservation, and the entry count and
 * bytes as uint64-add merge counters), {@code entries} (stored key → record), {@code queue}
 * (eviction queue position + stored key → version), {@code expiry} (expiresAt + version + stored
 * key), {@code tagged} (tag + version + stored key) and {@code tags} (tag → its two watermarks).
 */
final class Store implements AutoCloseable {

    /** Store format written in the meta column family; a store of another format is refused. */
    static final int FORMAT = 1;

    static final byte[] META_FORMAT = bytes("format");
    static final byte[] META_RESERVED = bytes("reservedVersion");
    static final byte[] META_COUNT = bytes("entryCount");
    static final byte[] META_BYTES = bytes("entryBytes");

    /**
     * The WAL files are at most this many write buffers in all: past it RocksDB flushes the column
     * families that pin the oldest WAL file, so rarely written index families never keep it alive.
     */
    static final int WAL_SHARE = 2;

    private static final List<String> FAMILIES = List.of("default", "entries", "queue", "expiry", "tagged", "tags");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    static {
        RocksDB.loadLibrary();
    }

    final RocksDB db;
    final ColumnFamilyHandle meta;
    final ColumnFamilyHandle entries;
    final ColumnFamilyHandle queue;
    final ColumnFamilyHandle expiry;
    final ColumnFamilyHandle tagged;
    final ColumnFamilyHandle tags;
    /** For point reads and iterators of the engine's own paths. */
    final ReadOptions readOptions;
    /** Writes of entries: the mode the settings ask for. */
    final WriteOptions writeOptions;
    /** Writes that must be durable whatever the mode: version reservations, the format. */
    final WriteOptions durable;
    final Path dir;
    final boolean disableWal;

    // closed in close(), in reverse order of creation
    private final List<AutoCloseable> natives;
    private final List<ColumnFamilyHandle> handles;

    private Store(RocksDB db, List<ColumnFamilyHandle> handles, ReadOptions readOptions, WriteOptions writeOptions,
            WriteOptions durable, Path dir, boolean disableWal, List<AutoCloseable> natives) {
        this.db = db;
        this.handles = handles;
        this.meta = handles.get(0);
        this.entries = handles.get(1);
        this.queue = handles.get(2);
        this.expiry = handles.get(3);
        this.tagged = handles.get(4);
        this.tags = handles.get(5);
        this.readOptions = readOptions;
        this.writeOptions = writeOptions;
        this.durable = durable;
        this.dir = dir;
        this.disableWal = disableWal;
        this.natives = natives;
    }

    /**
     * Opens (creating if missing) the store in the settings' directory.
     *
     * @throws LarderException if it cannot be opened, is in use, or is in another format
     */
    static Store open(RocksSettings s, Logger log) {
        Path dir = s.path().toAbsolutePath();
        createDirectory(dir);
        List<AutoCloseable> natives = new ArrayList<>();
        try {
            boolean existing = Files.exists(dir.resolve("CURRENT"));
            if (existing) {
                checkFamilies(dir);
            }
            Cache cache = add(natives, new LRUCache(s.blockCache()));
            BloomFilter bloom = s.bloomBitsPerKey() > 0 ? add(natives, new BloomFilter(s.bloomBitsPerKey())) : null;
            UInt64AddOperator add = add(natives, new UInt64AddOperator());
            DBOptions dbOptions = add(natives, new DBOptions().setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true).setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setMaxLogFileSize(1 << 20).setKeepLogFileNum(2).setMaxBackgroundJobs(2)
                    .setAtomicFlush(s.disableWal()).setBytesPerSync(1 << 20)
                    .setMaxTotalWalSize(WAL_SHARE * s.writeBuffer()));
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (String family : FAMILIES) {
                ColumnFamilyOptions cf = add(natives, new ColumnFamilyOptions());
                boolean isEntries = family.equals("entries");
                BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache)
                        .setBlockSize(isEntries ? 16 << 10 : 4 << 10).setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true);
                if (bloom != null && (isEntries || family.equals("default") || family.equals("tags"))) {
                    table.setFilterPolicy(bloom);
                }
                cf.setTableFormatConfig(table);
                cf.setCompressionType(compression(s.compression()));
                cf.setBottommostCompressionType(compression(s.bottommostCompression()));
                cf.setWriteBufferSize(isEntries ? s.writeBuffer()
                        : Math.min(s.writeBuffer(), Math.max(1 << 20, s.writeBuffer() / 4)));
                cf.setMaxWriteBufferNumber(2);
                cf.setLevelCompactionDynamicLevelBytes(true);
                if (family.equals("default")) {
                    cf.setMergeOperator(add);
                }
                descriptors.add(new ColumnFamilyDescriptor(bytes(family), cf));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db;
            try {
                db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            } catch (RocksDBException e) {
                throw new LarderException("cannot open the RocksDB store in " + dir + ": " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("lock") ? " (another process or an"
                                + " engine of this JVM has it open)" : ""), e);
            }
            ReadOptions readOptions = add(natives, new ReadOptions());
            WriteOptions writeOptions = add(natives, new WriteOptions().setSync(s.sync())
                    .setDisableWAL(s.disableWal()));
            WriteOptions durable = add(natives, new WriteOptions().setSync(true));
            Store store = new Store(db, handles, readOptions, writeOptions, durable, dir, s.disableWal(), natives);
            try {
                store.checkFormat(existing);
                store.restrictFiles();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            log.log(Level.DEBUG, () -> "RocksDB " + RocksDB.rocksdbVersion() + " store opened in " + dir);
            return store;
        } catch (RuntimeException | Error e) {
            closeAll(natives);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> natives, T object) {
        natives.add(object);
        return object;
    }

    private static CompressionType compression(RocksSettings.Compression c) {
        switch (c) {
            case LZ4:
                return CompressionType.LZ4_COMPRESSION;
            case ZSTD:
                return CompressionType.ZSTD_COMPRESSION;
            default:
                return CompressionType.NO_COMPRESSION;
        }
    }

    private static void createDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new LarderException("cannot create the RocksDB store directory " + dir + ": " + e, e);
        }
    }

    /** Refuses a directory holding a RocksDB database that is not a store of this format. */
    private static void checkFamilies(Path dir) {
        List<byte[]> found;
        try (Options options = new Options()) {
            found = RocksDB.listColumnFamilies(options, dir.toString());
        } catch (RocksDBException e) {
            throw new LarderException("cannot read the RocksDB store in " + dir + ": " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        for (byte[] name : found) {
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        if (!names.containsAll(FAMILIES.subList(1, FAMILIES.size())) || names.size() != FAMILIES.size()) {
            throw new LarderException("the RocksDB database in " + dir + " is not a Larder store of format " + FORMAT
                    + " (its column families are " + names + ", a store of this format has " + FAMILIES
                    + "); use another directory, or delete this one if it is a cache");
        }
    }

    private void checkFormat(boolean existing) {
        byte[] format = get(meta, META_FORMAT);
        if (format == null) {
            if (existing && get(meta, META_RESERVED) != null) {
                throw new LarderException("the RocksDB store in " + dir + " has no format mark; this build reads"
                        + " format " + FORMAT + ". Delete the directory if it is a cache");
            }
            put(durable, meta, META_FORMAT, Records.longBytes(FORMAT));
            return;
        }
        long found = format.length == 8 ? Records.longOf(format, 0) : -1;
        if (found != FORMAT) {
            throw new LarderException("the RocksDB store in " + dir + " is in format " + found + "; this build reads"
                    + " only format " + FORMAT + ". Open it with the build that wrote it, or delete the directory"
                    + " if it is a cache");
        }
    }

    /**
     * Makes every file in the directory owner-only. RocksDB creates files with the process umask;
     * the directory itself is 0700, so nobody else can reach a file in the moment before this runs.
     */
    void restrictFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    if (!java.util.Collections.disjoint(perms, GROUP_OR_OTHERS)) {
                        perms.removeAll(GROUP_OR_OTHERS);
                        Files.setPosixFilePermissions(p, perms);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // RocksDB deleted it meanwhile (an obsolete WAL or SST)
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new LarderException("cannot restrict the files of the RocksDB store in " + dir + ": " + e, e);
        }
    }

    byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, readOptions, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    void put(WriteOptions options, ColumnFamilyHandle cf, byte[] key, byte[] value) {
        try {
            db.put(cf, options, key, value);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    void write(org.rocksdb.WriteBatch batch) {
        try {
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    long property(ColumnFamilyHandle cf, String name) {
        try {
            return db.getLongProperty(cf, name);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Bytes of live SST files of all column families, and of the WAL. */
    long diskBytes() {
        long total = 0;
        for (ColumnFamilyHandle h : handles) {
            total += Math.max(0, property(h, "rocksdb.live-sst-files-size"));
        }
        try {
            for (org.rocksdb.LogFile wal : db.getSortedWalFiles()) {
                total += wal.sizeFileBytes();
            }
        } catch (RocksDBException e) {
            // not available now: leave the WAL out
        }
        return total;
    }

    /**
     * Whether RocksDB has no flush or compaction running or pending: then the disk holds what
     * compaction leaves, and a ratio of entry bytes to disk bytes measured now will not drift.
     */
    boolean settled() {
        if (property(entries, "rocksdb.num-running-compactions") != 0
                || property(entries, "rocksdb.num-running-flushes") != 0) {
            return false;
        }
        for (ColumnFamilyHandle h : handles) {
            if (property(h, "rocksdb.compaction-pending") != 0 || property(h, "rocksdb.mem-table-flush-pending") != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Flushes every memtable (so the WAL files can go) and compacts the entries and queue column
     * families, which drops the data of removed entries and their tombstones now.
     */
    void flushAndCompact() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
            db.compactRange(entries);
            db.compactRange(queue);
        } catch (RocksDBException e) {
            throw failure("compaction", e);
        }
    }

    /** Compacts every column family (tests and benchmarks of disk use). */
    void compactAll() {
        try {
            for (ColumnFamilyHandle h : handles) {
                db.compactRange(h);
            }
        } catch (RocksDBException e) {
            throw failure("compaction", e);
        }
    }

    static LarderException failure(String what, RocksDBException e) {
        return new LarderException("RocksDB " + what + " failed: " + e.getMessage(), e);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Flushes what only the memtables hold (with the WAL off), then closes every native object. */
    @Override
    public void close() {
        if (disableWal) {
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush, handles);
            } catch (RocksDBException e) {
                System.getLogger("io.larder.engine.rocks").log(Level.ERROR, "the last flush of the RocksDB store in "
                        + dir + " failed; writes since the previous flush are lost: " + e.getMessage());
            }
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        try {
            db.closeE();
        } catch (RocksDBException e) {
            System.getLogger("io.larder.engine.rocks").log(Level.WARNING, "closing the RocksDB store in " + dir
                    + " reported: " + e.getMessage());
        }
        closeAll(natives);
    }

    private static void closeAll(List<AutoCloseable> natives) {
        List<AutoCloseable> reversed = new ArrayList<>(natives);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                // native objects' close does not throw checked exceptions in practice
            }
        }
        natives.clear();
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
