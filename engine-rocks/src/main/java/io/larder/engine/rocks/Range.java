package io.larder.engine.rocks;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * An iterator over the keys of a column family that start with a prefix (or over all of them),
 * with the native objects it needs, closed together.
 */
final class Range implements AutoCloseable {

    private final Slice upper;
    private final ReadOptions options;
    private final RocksIterator iterator;

    private Range(Slice upper, ReadOptions options, RocksIterator iterator) {
        this.upper = upper;
        this.options = options;
        this.iterator = iterator;
    }

    /** Keys starting with {@code prefix}; seek to the prefix to start. */
    static Range of(Store store, ColumnFamilyHandle cf, byte[] prefix) {
        byte[] end = Records.after(prefix);
        Slice upper = end == null ? null : new Slice(end);
        ReadOptions options = new ReadOptions();
        if (upper != null) {
            options.setIterateUpperBound(upper);
        }
        return new Range(upper, options, store.db.newIterator(cf, options));
    }

    /** Keys below {@code end} (all keys when null); seek to start. */
    static Range below(Store store, ColumnFamilyHandle cf, byte[] end) {
        Slice upper = end == null ? null : new Slice(end);
        ReadOptions options = new ReadOptions();
        if (upper != null) {
            options.setIterateUpperBound(upper);
        }
        return new Range(upper, options, store.db.newIterator(cf, options));
    }

    RocksIterator iterator() {
        return iterator;
    }

    @Override
    public void close() {
        iterator.close();
        options.close();
        if (upper != null) {
            upper.close();
        }
    }
}
