package io.larder.benchmarks.sidebyside;

import io.larder.benchmarks.rocks.RawRocks;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Plain RocksDB tuned as the {@code rocksdb} engine tunes its entries (LRU block cache of 256 MiB,
 * 10-bit bloom filters, LZ4 with ZSTD at the bottom, 16 KiB blocks, 64 MiB write buffer), WAL on
 * without fsync. Keys are copied into a per-thread direct buffer and values land in preallocated
 * direct buffers, the fastest path the Java API has; {@code get} returns the library's own fresh
 * array. RocksDB has no compare-and-set and no in-place read here.
 */
final class RawRocksStore extends Store {

    private static final class RocksContext extends Context {
        final ByteBuffer key = ByteBuffer.allocateDirect(io.larder.spi.Key.MAX_ENCODED_BYTES);
        final ByteBuffer value;

        RocksContext(byte[] value) {
            super(value.length);
            this.value = ByteBuffer.allocateDirect(value.length).put(value).flip();
        }
    }

    private final RawRocks raw;
    private final RocksDB db;
    private final ReadOptions read;
    private final WriteOptions write;

    RawRocksStore(Dataset data, Path dir) throws RocksDBException {
        super(data);
        raw = new RawRocks(dir.resolve("raw-rocksdb"), 256L << 20, 64L << 20);
        db = raw.db;
        read = raw.read;
        write = raw.write;
    }

    @Override
    Context context() {
        return new RocksContext(data.valueA);
    }

    private ByteBuffer key(Context c, int i) {
        ByteBuffer key = ((RocksContext) c).key;
        key.clear();
        return key.put(data.encodedKeys[i]).flip();
    }

    @Override
    void put(int i) {
        try {
            db.put(write, data.encodedKeys[i], data.valueA);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    Object get(Context c, int i) {
        try {
            return db.get(read, data.encodedKeys[i]);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    int copyValue(Context c, int i) {
        try {
            return db.get(read, key(c, i), c.dst);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    Object set(Context c, int i) {
        try {
            ByteBuffer value = ((RocksContext) c).value;
            value.clear();
            db.put(write, key(c, i), value);
            return value;
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void release() {
        raw.close();
    }
}
