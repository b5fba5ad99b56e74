package io.larder.engine.rocks;

import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The read path: a point read of the key's record into this thread's direct buffer (RocksJava's
 * {@code get(ReadOptions, ByteBuffer, ByteBuffer)}, no allocation), the visibility checks
 * (expiry, placeholder, tag watermarks only when the entry has tags), and the hit statistics in
 * memory. No lock but the hit table's per-set lock; nothing is written to the store.
 */
final class ReadPath {

    /** Per-thread buffers; static, so that a pooled thread keeps no engine reachable. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
    /** A read buffer grown past this is not kept for the thread. */
    private static final int KEEP_AT_MOST = 4 << 20;

    private final Store store;
    private final Watermarks marks;
    private final HitStats stats;
    private final ReadMarks readMarks;
    private final Figures figures;
    private final Clock clock;

    ReadPath(Store store, Watermarks marks, HitStats stats, ReadMarks readMarks, Figures figures, Clock clock) {
        this.store = store;
        this.marks = marks;
        this.stats = stats;
        this.readMarks = readMarks;
        this.figures = figures;
        this.clock = clock;
    }

    /** A thread's buffers: the key, and the record (grown as needed). */
    static final class Buffers {
        final ByteBuffer key = ByteBuffer.allocateDirect(Key.MAX_ENCODED_BYTES);
        ByteBuffer record = ByteBuffer.allocateDirect(16 << 10);
        final long[] before = new long[2];
        boolean inUse;

        static Buffers acquire() {
            Buffers b = BUFFERS.get();
            if (b.inUse) {
                return new Buffers();
            }
            b.inUse = true;
            return b;
        }

        void release() {
            inUse = false;
            if (record.capacity() > KEEP_AT_MOST) {
                record = ByteBuffer.allocateDirect(16 << 10);
            }
        }
    }

    /**
     * Reads the record under {@code key} into {@code b.record} (position 0, limit its length); false
     * when there is none.
     */
    private boolean fetch(Key key, Buffers b) {
        try {
            while (true) {
                b.key.clear();
                key.copyEncodedTo(b.key);
                b.key.flip();
                b.record.clear();
                int size = store.db.get(store.entries, store.readOptions, b.key, b.record);
                if (size == org.rocksdb.RocksDB.NOT_FOUND) {
                    return false;
                }
                if (size <= b.record.capacity()) {
                    b.record.position(0).limit(size);
                    Records.check(b.record, 0);
                    return true;
                }
                b.record = ByteBuffer.allocateDirect(Integer.highestOneBit(size - 1) << 1);
            }
        } catch (RocksDBException e) {
            throw Store.failure("read", e);
        }
    }

    /** Whether the fetched record is a live entry with a value, now. */
    private boolean visible(ByteBuffer r, long now) {
        if (!Expiry.isLive(Records.expiresAt(r, 0), now) || (Records.bits(r, 0) & Records.BIT_PLACEHOLDER) != 0) {
            return false;
        }
        return Records.tagLength(r, 0) == 0 || !marks.removes(Records.tags(r, 0), Records.version(r, 0));
    }

    <R> R read(Key key, EntryReader<R> reader) {
        Checks.key(key);
        Objects.requireNonNull(reader, "reader must not be null");
        Buffers b = Buffers.acquire();
        try {
            long now = clock.millis();
            if (!fetch(key, b) || !visible(b.record, now)) {
                figures.misses.increment();
                return null;
            }
            figures.hits.increment();
            ByteBuffer r = b.record;
            long version = Records.version(r, 0);
            stats.hit(version, Records.storedAt(r, 0), now, b.before);
            readMarks.mark(key.hashCode());
            View view = new View(r, marks, now, (int) b.before[0], b.before[1]);
            try {
                return reader.read(view);
            } finally {
                view.close();
            }
        } finally {
            b.release();
        }
    }

    int copyValue(Key key, ByteBuffer dst) {
        Checks.key(key);
        Checks.destination(dst);
        Buffers b = Buffers.acquire();
        try {
            long now = clock.millis();
            if (!fetch(key, b) || !visible(b.record, now)) {
                figures.misses.increment();
                return -1;
            }
            figures.hits.increment();
            ByteBuffer r = b.record;
            stats.hit(Records.version(r, 0), Records.storedAt(r, 0), now, b.before);
            readMarks.mark(key.hashCode());
            int offset = Records.valueOffset(r, 0);
            int length = r.limit() - offset;
            if (length <= dst.remaining()) {
                dst.put(dst.position(), r, offset, length);
                dst.position(dst.position() + length);
            }
            return length;
        } finally {
            b.release();
        }
    }

    /** The variants of the primary with a live entry with a value: one prefix range of the entries. */
    List<Variant> variants(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        long now = clock.millis();
        List<Variant> found = new ArrayList<>();
        try (Range range = Range.of(store, store.entries, prefix)) {
            RocksIterator it = range.iterator();
            for (it.seek(prefix); it.isValid(); it.next()) {
                ByteBuffer r = ByteBuffer.wrap(it.value());
                Records.check(r, 0);
                if (visible(r, now)) {
                    found.add(Key.decode(it.key()).variant());
                }
            }
        }
        return found;
    }
}
