package io.larder.engine.lmdb;

import io.larder.spi.InvalidationMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * The tag watermarks, in the {@code tagMarks} database: tag (UTF-8) → removeMark, staleMark (two
 * i64, versions from the store's counter, 0 for none). An entry of version v carrying tag t is
 * absent when removeMark[t] &gt; v, stale when staleMark[t] &gt; v.
 *
 * <p>Watermarks are written by {@link #raise} in the write transaction that draws their version,
 * so they are as durable as any write and every process on the store sees them; they are read in
 * the caller's transaction (a read snapshot or the write transaction), so a guard checked in a
 * write transaction cannot be overtaken by an invalidation before the commit. Only entries with
 * tags look here. A watermark at or below the {@link VersionFloor floor} (no entry has a lower
 * version) can judge no entry, and a guard is exact only for the version of an entry still there,
 * so the sweeper drops such rows ({@link #dropAtOrBelow}): the table holds the tags invalidated
 * since the oldest entry was written.
 *
 * <p>Not thread-safe: each thread uses its own instance (the write path's under the write lock,
 * one per pooled reader).
 */
final class TagMarks {

    /** What the watermarks make of an entry. */
    static final int LIVE = 0;
    static final int STALE = 1;
    static final int REMOVED = 2;

    private final Databases db;
    private final ByteBuffer key = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    private final ByteBuffer value = ByteBuffer.allocateDirect(16);

    TagMarks(Databases db) {
        this.db = db;
    }

    /**
     * What the watermarks of the tags in {@code area} make of an entry of {@code version}:
     * {@link #REMOVED}, {@link #STALE} or {@link #LIVE}. Changes nothing.
     */
    int judge(Txn<ByteBuffer> txn, byte[] area, long version) {
        int verdict = LIVE;
        for (int at = 0; at < area.length; ) {
            int n = Byte.toUnsignedInt(area[at]);
            ByteBuffer marks = get(txn, area, at + 1, n);
            at += 1 + n;
            if (marks != null) {
                if (marks.getLong(0) > version) {
                    return REMOVED;
                }
                if (marks.getLong(8) > version) {
                    verdict = STALE;
                }
            }
        }
        return verdict;
    }

    /** Whether a tag of {@code area} was invalidated (either mode) after {@code guard}. */
    boolean invalidatedSince(Txn<ByteBuffer> txn, byte[] area, long guard) {
        for (int at = 0; at < area.length; ) {
            int n = Byte.toUnsignedInt(area[at]);
            ByteBuffer marks = get(txn, area, at + 1, n);
            at += 1 + n;
            if (marks != null && (marks.getLong(0) > guard || marks.getLong(8) > guard)) {
                return true;
            }
        }
        return false;
    }

    /** Sets {@code tag}'s watermark of {@code mode} to {@code version} (a new version of {@code txn}). */
    void raise(Txn<ByteBuffer> txn, byte[] tag, InvalidationMode mode, long version) {
        ByteBuffer old = get(txn, tag, 0, tag.length);
        long remove = old == null ? 0 : old.getLong(0);
        long stale = old == null ? 0 : old.getLong(8);
        if (mode == InvalidationMode.REMOVE) {
            remove = version;
        } else {
            stale = version;
        }
        value.putLong(0, remove).putLong(8, stale);
        db.tagMarks.put(txn, key(tag, 0, tag.length), value);
    }

    /**
     * Looks at up to {@code limit} rows from {@code from} (inclusive; null for the first) and drops
     * those whose marks are both at or below {@code floor}.
     *
     * @return the tag to go on from, or null when the walk reached the end of the table
     */
    byte[] dropAtOrBelow(Txn<ByteBuffer> txn, long floor, byte[] from, int limit) {
        List<byte[]> drop = new ArrayList<>();
        byte[] next = null;
        try (Cursor<ByteBuffer> cursor = db.tagMarks.openCursor(txn)) {
            boolean more = from == null ? cursor.first() : cursor.get(key(from, 0, from.length), GetOp.MDB_SET_RANGE);
            for (int seen = 0; more; seen++) {
                if (seen == limit) {
                    next = EntryStore.bytesOf(cursor.key());
                    break;
                }
                ByteBuffer marks = cursor.val();
                if (marks.getLong(0) <= floor && marks.getLong(8) <= floor) {
                    drop.add(EntryStore.bytesOf(cursor.key()));
                }
                more = cursor.next();
            }
        }
        for (byte[] tag : drop) {
            db.tagMarks.delete(txn, key(tag, 0, tag.length));
        }
        return next;
    }

    private ByteBuffer get(Txn<ByteBuffer> txn, byte[] bytes, int from, int length) {
        return db.tagMarks.get(txn, key(bytes, from, length));
    }

    private ByteBuffer key(byte[] bytes, int from, int length) {
        key.clear();
        key.put(bytes, from, length).flip();
        return key;
    }
}
