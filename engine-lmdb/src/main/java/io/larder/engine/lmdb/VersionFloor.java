package io.larder.engine.lmdb;

import java.nio.ByteBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * A version no entry of the store is below, found without a scan, so that tag watermarks at or
 * below it can be dropped (see {@link TagMarks#dropAtOrBelow}).
 *
 * <p>The eviction queue ({@code byAge}) is ordered by queue number, and an entry joins it at its
 * version, so the head's number bounds every entry that never had a second chance. A second chance
 * moves an entry's row to a fresh number and keeps its version, so those entries are bounded by
 * laps kept in {@code meta} under {@code movedFloor}: the number that ends the current lap (the
 * last version handed out when it began), the lowest version moved in this lap, and the lowest moved
 * in the lap before. A row moved in a lap gets a number above the lap's start; once the head has
 * passed the current lap's end, every row moved before that lap began has left the head behind
 * (evicted, moved again and recorded again, or dropped as stale), so the lap before can be
 * forgotten and a new one starts. A store that had no laps yet starts with the lap before at 0:
 * nothing is dropped until the head has passed every row moved before this build ran.
 *
 * <p>Used in write transactions under the engine's write lock; every process on the store must
 * record its second chances here.
 */
final class VersionFloor {

    static final byte[] MOVED_KEY = Databases.ascii("movedFloor");

    private final Databases db;
    private final ByteBuffer metaKey = Databases.direct(MOVED_KEY);
    private final ByteBuffer lastVersionKey = Databases.direct(Databases.LAST_VERSION_KEY);
    private final ByteBuffer value = ByteBuffer.allocateDirect(24);
    private final ByteBuffer stored = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    /** Lap end, lowest moved this lap, lowest moved the lap before. */
    private final long[] laps = new long[3];

    VersionFloor(Databases db) {
        this.db = db;
    }

    /** Records that a second chance moved the queue row of the entry of {@code version}. */
    void moved(Txn<ByteBuffer> txn, long version) {
        load(txn);
        if (version < laps[1]) {
            laps[1] = version;
            store(txn);
        }
    }

    /**
     * The floor: no entry has a lower version. First drops up to {@code limit} stale rows at the
     * queue's head (their entries left), and starts a new lap when the head has passed this one.
     */
    long floor(Txn<ByteBuffer> txn, int limit) {
        long head = head(txn, limit);
        load(txn);
        if (head > laps[0]) {
            laps[2] = laps[1];
            laps[1] = Long.MAX_VALUE;
            laps[0] = db.metaNumber(txn, lastVersionKey);
            store(txn);
        }
        return Math.min(head, Math.min(laps[1], laps[2]));
    }

    /** The lowest of the head row's number and version; {@code Long.MAX_VALUE} for an empty queue. */
    private long head(Txn<ByteBuffer> txn, int limit) {
        try (Cursor<ByteBuffer> cursor = db.byAge.openCursor(txn)) {
            for (int dropped = 0; cursor.first(); dropped++) {
                long number = cursor.key().getLong(0);
                ByteBuffer row = cursor.val();
                int keyLength = row.remaining() - 8;
                long version = row.getLong(row.position() + keyLength);
                stored.clear();
                stored.put(row.duplicate().limit(row.position() + keyLength)).flip();
                ByteBuffer record = db.entries.get(txn, stored);
                if (dropped < limit && (record == null || Record.version(record) != version)) {
                    cursor.delete(); // stale: its entry left or was rewritten after a second chance
                    continue;
                }
                return Math.min(number, version);
            }
            return Long.MAX_VALUE;
        }
    }

    private void load(Txn<ByteBuffer> txn) {
        ByteBuffer v = db.meta.get(txn, metaKey);
        if (v == null) {
            laps[0] = db.metaNumber(txn, lastVersionKey);
            laps[1] = Long.MAX_VALUE;
            laps[2] = 0; // rows moved before laps were kept are unknown: drop nothing this lap
        } else {
            laps[0] = v.getLong(0);
            laps[1] = v.getLong(8);
            laps[2] = v.getLong(16);
        }
    }

    private void store(Txn<ByteBuffer> txn) {
        value.putLong(0, laps[0]).putLong(8, laps[1]).putLong(16, laps[2]);
        db.meta.put(txn, metaKey, value);
    }
}
