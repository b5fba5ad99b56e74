package io.larder.engine.lmdb;

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
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;

/**
 * Reads: a pooled read transaction, a lookup, and the caller's reader run over the bytes in the
 * map. Reads never write: an expired entry, a lease placeholder or an entry a tag invalidation
 * removed reads as a miss and stays until the sweeper (or a write of its key) removes it, and the
 * hit statistics go to this process's {@link HitStats}, so a read never waits for the write lock
 * or a flush.
 */
final class ReadPath {

    private final Databases db;
    private final ReaderPool readers;
    private final Counters counters;
    private final ReadMarks marks;
    private final HitStats hitStats;
    private final Clock clock;

    ReadPath(Databases db, ReaderPool readers, Counters counters, ReadMarks marks, HitStats hitStats, Clock clock) {
        this.db = db;
        this.readers = readers;
        this.counters = counters;
        this.marks = marks;
        this.hitStats = hitStats;
        this.clock = clock;
    }

    <R> R read(Key key, EntryReader<R> reader) {
        return read(key, reader, null);
    }

    /**
     * As {@link #read(Key, EntryReader)}, but a live lease placeholder under the key gives
     * {@code onPlaceholder} rather than null (a miss all the same): a lookup learns from a read
     * transaction that the lease is taken.
     */
    <R> R read(Key key, EntryReader<R> reader, R onPlaceholder) {
        Checks.key(key);
        Objects.requireNonNull(reader, "reader must not be null");
        Reader r = readers.acquire();
        try {
            long now = clock.millis();
            if (!r.find(db, key, now)) {
                counters.misses.increment();
                return r.sawPlaceholder ? onPlaceholder : null;
            }
            counters.hits.increment();
            marks.mark(r.version);
            r.hitsBefore = hitStats.hit(r.version, now);
            View view = new View(r);
            try {
                return reader.read(view);
            } finally {
                view.end();
            }
        } finally {
            readers.release(r);
        }
    }

    int copyValue(Key key, ByteBuffer dst) {
        Checks.key(key);
        Checks.destination(dst);
        Reader r = readers.acquire();
        try {
            long now = clock.millis();
            if (!r.find(db, key, now)) {
                counters.misses.increment();
                return -1;
            }
            counters.hits.increment();
            marks.mark(r.version);
            hitStats.hit(r.version, now);
            int n = r.valueLength;
            if (n <= dst.remaining()) {
                r.copyValueTo(dst);
            }
            return n;
        } finally {
            readers.release(r);
        }
    }

    List<Variant> variants(byte[] primary) {
        Key.checkPrimary(primary);
        byte[] prefix = StoredKey.rangePrefix(primary);
        byte[] clearPrefix = Key.primaryPrefix(primary);
        List<Variant> variants = new ArrayList<>();
        Reader r = readers.acquire();
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(r.txn)) {
            long now = clock.millis();
            ByteBuffer seek = ByteBuffer.allocateDirect(prefix.length).put(prefix).flip();
            boolean more = cursor.get(seek, GetOp.MDB_SET_RANGE);
            TagMarks tagMarks = null;
            while (more && EntryStore.startsWith(cursor.key(), prefix)) {
                ByteBuffer record = cursor.val();
                byte[] fullKey = Record.fullKey(record, cursor.key());
                if (EntryStore.startsWith(fullKey, clearPrefix) && Expiry.isLive(Record.expiresAt(record), now)
                        && (Record.state(record) & Record.PLACEHOLDER) == 0) {
                    byte[] area = Record.tagArea(record);
                    long version = Record.version(record);
                    if (area.length != 0) {
                        tagMarks = tagMarks == null ? new TagMarks(db) : tagMarks;
                        if (tagMarks.judge(r.txn, area, version) == TagMarks.REMOVED) {
                            more = cursor.next();
                            continue;
                        }
                    }
                    variants.add(Key.decode(fullKey).variant());
                }
                more = cursor.next();
            }
        } finally {
            readers.release(r);
        }
        return variants;
    }
}
