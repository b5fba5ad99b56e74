package io.larder.benchmarks.rocks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Plain RocksDB tuned as the engine's defaults tune its entries column family (LRU block cache,
 * 10-bit bloom filters, LZ4 with ZSTD at the bottom, 16 KiB blocks, the same write buffer), WAL on
 * without fsync: the baseline the engine is measured against.
 */
public final class RawRocks implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    /** The database. */
    public final RocksDB db;
    /** Default read options. */
    public final ReadOptions read = new ReadOptions();
    /** Write options: WAL on, no fsync. */
    public final WriteOptions write = new WriteOptions();
    private final List<AutoCloseable> natives = new ArrayList<>();

    /**
     * Opens (creating) a store in {@code dir}.
     *
     * @param dir the store's directory
     * @param blockCache bytes of the LRU block cache
     * @param writeBuffer bytes of the memtable
     * @throws RocksDBException if RocksDB cannot open it
     */
    public RawRocks(Path dir, long blockCache, long writeBuffer) throws RocksDBException {
        LRUCache cache = new LRUCache(blockCache);
        BloomFilter bloom = new BloomFilter(10);
        Options options = new Options().setCreateIfMissing(true).setMaxBackgroundJobs(2)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom)
                        .setBlockSize(16 << 10).setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true))
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION).setWriteBufferSize(writeBuffer)
                .setMaxWriteBufferNumber(2).setLevelCompactionDynamicLevelBytes(true);
        natives.add(cache);
        natives.add(bloom);
        natives.add(options);
        db = RocksDB.open(options, dir.toString());
    }

    long liveSstBytes() throws RocksDBException {
        return db.getLongProperty("rocksdb.live-sst-files-size");
    }

    @Override
    public void close() {
        db.close();
        read.close();
        write.close();
        for (AutoCloseable c : natives) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
