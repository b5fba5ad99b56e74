package io.larder.engine.lmdb;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * The only code that inserts or removes an entry: each method keeps {@code entries}, {@code byAge}
 * and {@code byExpiry} in step inside the caller's write transaction, and counts what it removed
 * by cause. Counts are pending until {@link #committed()}; {@link #begin()} drops those of a
 * transaction that did not commit. Used under the engine's write lock only, so its buffers are
 * allocated once.
 */
final class EntryStore {

    /** Why an entry left the store; each cause has its own counter. */
    enum Cause { REPLACED, DELETED, INVALIDATED, EVICTED, EXPIRED }

    private final Databases db;
    private final VersionCounter versions;
    private final Counters counters;
    private final ReadMarks marks;

    /** The stored key of the entry the current operation is about. */
    private final ByteBuffer key = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    /** The stored key of an entry met while walking an index. */
    private final ByteBuffer victim = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    private final ByteBuffer ageKey = ByteBuffer.allocateDirect(8);
    private final ByteBuffer ageRow = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY + 8);
    private final ByteBuffer expiryKey = ByteBuffer.allocateDirect(16);

    private long writes;
    private long deletes;
    private long invalidations;
    private long evictions;
    private long expirations;
    /** The version this transaction last wrote: eviction leaves it alone. */
    private long newestWritten;
    /** Size of the last record this transaction tried to write, for sizing room after a full map. */
    private int lastRecordSize;

    EntryStore(Databases db, VersionCounter versions, Counters counters, ReadMarks marks) {
        this.db = db;
        this.versions = versions;
        this.counters = counters;
        this.marks = marks;
    }

    /** Starts a write transaction's accounting. */
    void begin() {
        writes = deletes = invalidations = evictions = expirations = 0;
        newestWritten = 0;
        lastRecordSize = 0;
    }

    /** Adds the committed transaction's counts to the engine's. */
    void committed() {
        counters.writes.add(writes);
        counters.deletes.add(deletes);
        counters.invalidations.add(invalidations);
        counters.evictions.add(evictions);
        counters.expirations.add(expirations);
    }

    int lastRecordSize() {
        return lastRecordSize;
    }

    // ---- one key ----------------------------------------------------------------------------

    /**
     * The record stored under {@code k}'s stored key, or null; the key becomes the current one.
     * Under a digest key the record may belong to another key (see {@link #isMine}).
     */
    ByteBuffer find(Txn<ByteBuffer> txn, Key k) {
        StoredKey.write(k, key);
        return db.entries.get(txn, key);
    }

    /** Whether {@code record}, found under the current key, is {@code k}'s and not a digest collision's. */
    static boolean isMine(ByteBuffer record, Key k) {
        return record != null && (StoredKey.isShort(k) || Record.keyMatches(record, k.encodedBytes()));
    }

    /**
     * Stores a new version under the current key, replacing {@code old} (found there, or null) and
     * its index rows. Counts a write, and an expiration when {@code old} had expired.
     */
    long put(Txn<ByteBuffer> txn, byte[] fullKey, ByteBuffer value, int flags, long expiresAt, long now,
            ByteBuffer old) {
        if (old != null) {
            dropIndexes(txn, Record.version(old), Record.expiresAt(old));
            expirations += Expiry.isLive(Record.expiresAt(old), now) ? 0 : 1;
        }
        long version = versions.next(txn);
        writeRecord(txn, fullKey, value, flags, version, expiresAt, now);
        enqueue(txn, version, version, key);
        if (expiresAt != 0) {
            db.byExpiry.put(txn, expiryKey(expiresAt, version), key);
        }
        writes++;
        newestWritten = version;
        return version;
    }

    /** Gives the current key's live entry {@code current} a new expiry; its version stays. */
    void touch(Txn<ByteBuffer> txn, byte[] fullKey, Entry current, long newExpiresAt) {
        writeRecord(txn, fullKey, ByteBuffer.wrap(current.value()), current.flags(), current.version(),
                newExpiresAt, current.storedAt());
        if (current.expiresAt() != newExpiresAt) {
            if (current.expiresAt() != 0) {
                db.byExpiry.delete(txn, expiryKey(current.expiresAt(), current.version()));
            }
            if (newExpiresAt != 0) {
                db.byExpiry.put(txn, expiryKey(newExpiresAt, current.version()), key);
            }
        }
        marks.mark(current.version());
    }

    /** Removes the entry {@code record} under the current key. */
    void remove(Txn<ByteBuffer> txn, ByteBuffer record, Cause cause) {
        long version = Record.version(record);
        long expiresAt = Record.expiresAt(record);
        db.entries.delete(txn, key);
        dropIndexes(txn, version, expiresAt);
        count(cause);
    }

    // ---- many keys --------------------------------------------------------------------------

    /** Removes up to {@code limit} entries whose expiry has passed, soonest first; returns how many rows it took. */
    int sweep(Txn<ByteBuffer> txn, long now, int limit) {
        int swept = 0;
        try (Cursor<ByteBuffer> cursor = db.byExpiry.openCursor(txn)) {
            while (swept < limit && cursor.first()) {
                ByteBuffer index = cursor.key();
                long expiresAt = index.getLong(0);
                if (Expiry.isLive(expiresAt, now)) {
                    break;
                }
                long version = index.getLong(8);
                copyTo(victim, cursor.val());
                cursor.delete();
                ByteBuffer record = db.entries.get(txn, victim);
                if (record != null && Record.version(record) == version) {
                    db.entries.delete(txn, victim);
                    db.byAge.delete(txn, ageKey(version));
                    expirations++;
                }
                swept++;
            }
        }
        return swept;
    }

    /**
     * Evicts the entry at the head of the eviction queue, or, when it was read since it joined,
     * sends it to the back once (a second chance, which rewrites only the small queue row, so it
     * needs no room). Never evicts what this transaction wrote. Returns false when there is nothing
     * left to evict.
     *
     * @param secondChance whether read entries get their second chance (not when the map is full)
     */
    boolean evictOne(Txn<ByteBuffer> txn, boolean secondChance) {
        try (Cursor<ByteBuffer> cursor = db.byAge.openCursor(txn)) {
            while (cursor.first()) {
                long queuedAt = cursor.key().getLong(0);
                ByteBuffer row = cursor.val();
                int keyLength = row.remaining() - 8;
                long version = row.getLong(row.position() + keyLength);
                victim.clear();
                victim.put(row.duplicate().limit(row.position() + keyLength)).flip();
                ByteBuffer record = db.entries.get(txn, victim);
                if (record == null || Record.version(record) != version) {
                    cursor.delete(); // stale: its entry left or was rewritten after a second chance
                    continue;
                }
                if (version == newestWritten) {
                    return false;
                }
                long expiresAt = Record.expiresAt(record);
                cursor.delete();
                if (secondChance && marks.take(version)) {
                    enqueue(txn, versions.next(txn), version, victim);
                    return true;
                }
                db.entries.delete(txn, victim);
                if (expiresAt != 0) {
                    db.byExpiry.delete(txn, expiryKey(expiresAt, version));
                }
                evictions++;
                return true;
            }
            return false;
        }
    }

    /**
     * Evicts the oldest entry among the first {@code scan} of the queue whose record takes at
     * least {@code bytes}: freeing a run of pages at least that long is what a large value needs
     * when the free list is fragmented. Returns false when there is none.
     */
    boolean evictOneAtLeast(Txn<ByteBuffer> txn, int bytes, int scan) {
        try (Cursor<ByteBuffer> cursor = db.byAge.openCursor(txn)) {
            int seen = 0;
            for (boolean more = cursor.first(); more && seen < scan; more = cursor.next(), seen++) {
                ByteBuffer row = cursor.val();
                int keyLength = row.remaining() - 8;
                long version = row.getLong(row.position() + keyLength);
                victim.clear();
                victim.put(row.duplicate().limit(row.position() + keyLength)).flip();
                ByteBuffer record = db.entries.get(txn, victim);
                if (record == null || Record.version(record) != version || version == newestWritten
                        || record.remaining() < bytes) {
                    continue;
                }
                long expiresAt = Record.expiresAt(record);
                cursor.delete();
                db.entries.delete(txn, victim);
                if (expiresAt != 0) {
                    db.byExpiry.delete(txn, expiryKey(expiresAt, version));
                }
                evictions++;
                return true;
            }
            return false;
        }
    }

    /** Removes every variant of a primary; returns how many were live. */
    int invalidate(Txn<ByteBuffer> txn, byte[] rangePrefix, byte[] primaryPrefix, long now) {
        int removed = 0;
        ByteBuffer seek = ByteBuffer.allocateDirect(rangePrefix.length).put(rangePrefix).flip();
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(txn)) {
            boolean more = cursor.get(seek, GetOp.MDB_SET_RANGE);
            while (more && startsWith(cursor.key(), rangePrefix)) {
                ByteBuffer record = cursor.val();
                if (!startsWith(Record.fullKey(record, cursor.key()), primaryPrefix)) {
                    more = cursor.next(); // a digest collision with another primary: not ours
                    continue;
                }
                long version = Record.version(record);
                long expiresAt = Record.expiresAt(record);
                if (Expiry.isLive(expiresAt, now)) {
                    removed++;
                    invalidations++;
                } else {
                    expirations++;
                }
                copyTo(victim, cursor.key());
                cursor.delete();
                dropIndexes(txn, version, expiresAt);
                more = cursor.get(victim, GetOp.MDB_SET_RANGE); // the deleted key's successor
            }
        }
        return removed;
    }

    /** Removes everything, counting live entries as invalidations. */
    void clear(Txn<ByteBuffer> txn, long now) {
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                if (Expiry.isLive(Record.expiresAt(cursor.val()), now)) {
                    invalidations++;
                } else {
                    expirations++;
                }
            }
        }
        db.entries.drop(txn);
        db.byAge.drop(txn);
        db.byExpiry.drop(txn);
    }

    // ---- internals --------------------------------------------------------------------------

    private void writeRecord(Txn<ByteBuffer> txn, byte[] fullKey, ByteBuffer value, int flags, long version,
            long expiresAt, long storedAt) {
        int keyLength = fullKey == null ? 0 : fullKey.length;
        int valueLength = value.remaining();
        lastRecordSize = Record.size(keyLength, valueLength);
        ByteBuffer record = db.entries.reserve(txn, key, lastRecordSize);
        Record.writeHeader(record, keyLength, flags, version, expiresAt, storedAt, version);
        if (fullKey != null) {
            record.put(Record.fullKeyOffset(record), fullKey);
        }
        record.put(Record.valueOffset(record), value, value.position(), valueLength);
    }

    /** Puts the entry of {@code version} under {@code storedKey} in the queue at {@code at}. */
    private void enqueue(Txn<ByteBuffer> txn, long at, long version, ByteBuffer storedKey) {
        ageRow.clear();
        ageRow.put(storedKey.duplicate()).putLong(version).flip();
        db.byAge.put(txn, ageKey(at), ageRow);
    }

    /**
     * Drops an entry's index rows. Its queue row is at its version unless a second chance moved
     * it; a moved row is left to go stale, which eviction recognises by the version it carries.
     */
    private void dropIndexes(Txn<ByteBuffer> txn, long version, long expiresAt) {
        db.byAge.delete(txn, ageKey(version));
        if (expiresAt != 0) {
            db.byExpiry.delete(txn, expiryKey(expiresAt, version));
        }
    }

    private void count(Cause cause) {
        switch (cause) {
            case DELETED -> deletes++;
            case INVALIDATED -> invalidations++;
            case EVICTED -> evictions++;
            case EXPIRED -> expirations++;
            case REPLACED -> { }
            default -> throw new IllegalStateException("unknown cause " + cause);
        }
    }

    private ByteBuffer ageKey(long queuedAt) {
        ageKey.putLong(0, queuedAt);
        return ageKey;
    }

    private ByteBuffer expiryKey(long expiresAt, long version) {
        expiryKey.putLong(0, expiresAt).putLong(8, version);
        return expiryKey;
    }

    /**
     * Checks that the indexes and the counter agree with the entries in {@code txn}'s snapshot;
     * returns what does not (empty when consistent).
     */
    List<String> verify(Txn<ByteBuffer> txn) {
        List<String> problems = new ArrayList<>();
        long lastVersion = versions.last(txn);
        Map<ByteBuffer, Long> queued = new HashMap<>();
        try (Cursor<ByteBuffer> cursor = db.byAge.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                ByteBuffer row = cursor.val();
                int keyLength = row.remaining() - 8;
                ByteBuffer stored = ByteBuffer.wrap(bytesOf(row.duplicate().limit(row.position() + keyLength)));
                long version = row.getLong(row.position() + keyLength);
                if (cursor.key().getLong(0) > lastVersion) {
                    problems.add("a queue row is numbered beyond lastVersion " + lastVersion);
                }
                ByteBuffer record = db.entries.get(txn, ByteBuffer.allocateDirect(keyLength).put(stored.duplicate())
                        .flip());
                if (record != null && Record.version(record) == version
                        && queued.put(stored, version) != null) {
                    problems.add("an entry is queued twice");
                }
            }
        }
        long withExpiry = 0;
        long count = 0;
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                count++;
                ByteBuffer record = cursor.val();
                byte[] storedKey = bytesOf(cursor.key());
                long version = Record.version(record);
                long expiresAt = Record.expiresAt(record);
                Key decoded = Key.decode(Record.fullKey(record, cursor.key()));
                ByteBuffer expected = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
                StoredKey.write(decoded, expected);
                if (!expected.equals(ByteBuffer.wrap(storedKey))) {
                    problems.add("entry " + decoded + " is stored under the wrong LMDB key");
                }
                if (version <= 0 || version > lastVersion) {
                    problems.add("entry " + decoded + " has version " + version + " beyond lastVersion "
                            + lastVersion);
                }
                Long inQueue = queued.get(ByteBuffer.wrap(storedKey));
                if (inQueue == null || inQueue != version) {
                    problems.add("entry " + decoded + " of version " + version + " is missing from byAge");
                }
                if (expiresAt != 0) {
                    withExpiry++;
                    ByteBuffer byExp = db.byExpiry.get(txn,
                            ByteBuffer.allocateDirect(16).putLong(0, expiresAt).putLong(8, version));
                    if (byExp == null || !byExp.equals(ByteBuffer.wrap(storedKey))) {
                        problems.add("entry " + decoded + " expiring at " + expiresAt + " is missing from byExpiry");
                    }
                }
            }
        }
        if (queued.size() != count) {
            problems.add("byAge queues " + queued.size() + " entries for " + count + " entries");
        }
        long expiries = db.byExpiry.stat(txn).entries;
        if (expiries != withExpiry) {
            problems.add("byExpiry has " + expiries + " entries for " + withExpiry + " expiring entries");
        }
        return problems;
    }

    static Entry entryOf(ByteBuffer record) {
        int offset = Record.valueOffset(record);
        byte[] value = new byte[record.limit() - offset];
        record.get(offset, value);
        return new Entry(value, Record.version(record), Record.expiresAt(record), Record.flags(record),
                Record.storedAt(record));
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static void copyTo(ByteBuffer dst, ByteBuffer src) {
        dst.clear();
        dst.put(src.duplicate());
        dst.flip();
    }

    static boolean startsWith(ByteBuffer buffer, byte[] prefix) {
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

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0,
                prefix.length);
    }
}
