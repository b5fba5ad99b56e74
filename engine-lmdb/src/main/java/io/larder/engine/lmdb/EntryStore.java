package io.larder.engine.lmdb;

import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * The only code that inserts or removes an entry: each method keeps {@code entries}, {@code byAge},
 * {@code byExpiry} and {@code byTag} in step inside the caller's write transaction, and counts
 * what it removed by cause. Counts are pending until {@link #committed()}; {@link #begin()} drops
 * those of a transaction that did not commit. Used under the engine's write lock only, so its
 * buffers are allocated once.
 */
final class EntryStore {

    /** Why an entry left the store; each cause has its own counter. */
    enum Cause { REPLACED, DELETED, INVALIDATED, EVICTED, EXPIRED, NONE }

    /** What an entry found is, at a moment: see {@link #judge}. */
    enum Judged { LIVE, STALE, EXPIRED, TAG_REMOVED }

    private final Databases db;
    private final VersionCounter versions;
    private final Counters counters;
    private final ReadMarks marks;
    private final TagMarks tagMarks;
    private final VersionFloor floor;
    private final Found found = new Found();

    /** The stored key of the entry the current operation is about. */
    private final ByteBuffer key = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    /** The stored key of an entry met while walking an index. */
    private final ByteBuffer victim = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    private final ByteBuffer ageKey = ByteBuffer.allocateDirect(8);
    private final ByteBuffer ageRow = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY + 8);
    private final ByteBuffer expiryKey = ByteBuffer.allocateDirect(16);
    private final ByteBuffer tagKey = ByteBuffer.allocateDirect(1 + 255 + 8);

    private long writes;
    private long deletes;
    private long invalidations;
    private long evictions;
    private long expirations;
    /** The lowest floor the watermark pass under way has used so far. */
    private long passFloor;
    /** The lowest floor the last complete watermark pass used: every row at or below it is gone. */
    private long passedFloor = -1;
    /** The version this transaction last wrote: eviction leaves it alone. */
    private long newestWritten;
    /** Size of the last record this transaction tried to write, for sizing room after a full map. */
    private int lastRecordSize;

    EntryStore(Databases db, VersionCounter versions, Counters counters, ReadMarks marks) {
        this.db = db;
        this.versions = versions;
        this.counters = counters;
        this.marks = marks;
        this.tagMarks = new TagMarks(db);
        this.floor = new VersionFloor(db);
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

    /** Entries evicted in this transaction so far. */
    long evictedSoFar() {
        return evictions;
    }

    int lastRecordSize() {
        return lastRecordSize;
    }

    TagMarks tagMarks() {
        return tagMarks;
    }

    // ---- one key ----------------------------------------------------------------------------

    /**
     * The record stored under {@code k}'s stored key, its header copied out (absent when there is
     * none); the key becomes the current one. Under a digest key the record may belong to another
     * key (see {@link #isMine}). Reused: valid until the next call.
     */
    Found find(Txn<ByteBuffer> txn, Key k) {
        StoredKey.write(k, key);
        found.load(db.entries.get(txn, key));
        return found;
    }

    /**
     * Whether the record just found under the current key is {@code k}'s and not a digest
     * collision's. Call before the transaction's next lookup.
     */
    static boolean isMine(Found f, Key k) {
        return f.present && (StoredKey.isShort(k) || Record.keyMatches(f.record, k.encodedBytes()));
    }

    /**
     * What {@code f} is at {@code now}: expired, removed by a tag invalidation, stale (its bit or a
     * tag's stale watermark) or live. Looks up watermarks only for a tagged entry, so it moves the
     * found record's buffer: copy the value first.
     */
    Judged judge(Txn<ByteBuffer> txn, Found f, long now) {
        if (!Expiry.isLive(f.expiresAt, now)) {
            return Judged.EXPIRED;
        }
        int marks = f.tagArea.length == 0 ? TagMarks.LIVE : tagMarks.judge(txn, f.tagArea, f.version);
        if (marks == TagMarks.REMOVED) {
            return Judged.TAG_REMOVED;
        }
        return marks == TagMarks.STALE || (f.state & Record.STALE) != 0 ? Judged.STALE : Judged.LIVE;
    }

    /** The cause to count for taking away an entry judged {@code j} that the caller would call {@code live}. */
    static Cause causeOf(Judged j, Cause live) {
        switch (j) {
            case EXPIRED:
                return Cause.EXPIRED;
            case TAG_REMOVED:
                return Cause.INVALIDATED;
            default:
                return live;
        }
    }

    /**
     * Stores a new version under the current key, replacing {@code old} (found there, maybe absent)
     * and its index rows, counting {@code oldCause} for it. Counts a write.
     *
     * @param state the state bits ({@link Record#STALE}, {@link Record#PLACEHOLDER})
     * @param tagArea the tags ({@link Tags}), empty for none
     */
    long put(Txn<ByteBuffer> txn, byte[] fullKey, ByteBuffer value, int flags, long expiresAt, long storedAt,
            int state, long leaseUntil, byte[] tagArea, Found old, Cause oldCause) {
        if (old.present) {
            dropIndexes(txn, old.version, old.expiresAt, old.tagArea);
            count(oldCause);
        }
        long version = versions.next(txn);
        writeRecord(txn, fullKey, value, flags, version, expiresAt, storedAt, state, leaseUntil, tagArea);
        enqueue(txn, version, version, key);
        if (expiresAt != 0) {
            db.byExpiry.put(txn, expiryKey(expiresAt, version), key);
        }
        addTagRows(txn, tagArea, version);
        writes++;
        newestWritten = version;
        return version;
    }

    /** Gives the current key's live entry {@code current} (value {@code value}) a new expiry; its version stays. */
    void touch(Txn<ByteBuffer> txn, byte[] fullKey, Found current, byte[] value, long newExpiresAt) {
        writeRecord(txn, fullKey, ByteBuffer.wrap(value), current.flags, current.version, newExpiresAt,
                current.storedAt, current.state, current.leaseUntil, current.tagArea);
        if (current.expiresAt != newExpiresAt) {
            if (current.expiresAt != 0) {
                db.byExpiry.delete(txn, expiryKey(current.expiresAt, current.version));
            }
            if (newExpiresAt != 0) {
                db.byExpiry.put(txn, expiryKey(newExpiresAt, current.version), key);
            }
        }
        marks.mark(current.version);
    }

    /** Removes the entry {@code f} found under the current key. */
    void remove(Txn<ByteBuffer> txn, Found f, Cause cause) {
        db.entries.delete(txn, key);
        dropIndexes(txn, f.version, f.expiresAt, f.tagArea);
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
                    byte[] tags = Record.tagArea(record);
                    db.entries.delete(txn, victim);
                    db.byAge.delete(txn, ageKey(version));
                    dropTagRows(txn, tags, version);
                    expirations++;
                }
                swept++;
            }
        }
        return swept;
    }

    /**
     * Reclaims up to {@code limit} entries removed by the oldest pending tag invalidation (see
     * {@code tagSweeps} in {@link Databases}), through the tag's {@code byTag} rows: no scan.
     * Counts an invalidation for each entry that had not expired. Returns how many rows it took.
     */
    int sweepTags(Txn<ByteBuffer> txn, long now, int limit) {
        byte[] tag;
        long mark;
        try (Cursor<ByteBuffer> cursor = db.tagSweeps.openCursor(txn)) {
            if (!cursor.first()) {
                return 0;
            }
            tag = bytesOf(cursor.key());
            mark = cursor.val().getLong(0);
        }
        List<byte[]> keys = new ArrayList<>();
        List<Long> rowVersions = new ArrayList<>();
        boolean done = true;
        try (Cursor<ByteBuffer> cursor = db.byTag.openCursor(txn)) {
            boolean more = cursor.get(tagKey(tag, 0, tag.length, 0), GetOp.MDB_SET_RANGE);
            while (more) {
                ByteBuffer row = cursor.key();
                if (!isRowOf(row, tag)) {
                    break;
                }
                long version = row.getLong(row.position() + 1 + tag.length);
                if (version >= mark) {
                    break;
                }
                if (keys.size() == limit) {
                    done = false;
                    break;
                }
                keys.add(bytesOf(cursor.val()));
                rowVersions.add(version);
                more = cursor.next();
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            long version = rowVersions.get(i);
            victim.clear();
            victim.put(keys.get(i)).flip();
            ByteBuffer record = db.entries.get(txn, victim);
            if (record != null && Record.version(record) == version) {
                byte[] area = Record.tagArea(record);
                long expiresAt = Record.expiresAt(record);
                db.entries.delete(txn, victim);
                dropIndexes(txn, version, expiresAt, area);
                if (Expiry.isLive(expiresAt, now)) {
                    invalidations++;
                } else {
                    expirations++;
                }
            } else {
                db.byTag.delete(txn, tagKey(tag, 0, tag.length, version)); // its entry left another way
            }
        }
        if (done) {
            ByteBuffer k = ByteBuffer.allocateDirect(tag.length).put(tag).flip();
            db.tagSweeps.delete(txn, k);
        }
        return keys.size() + (done ? 1 : 0);
    }

    /**
     * Raises {@code tag}'s watermark of {@code mode} to a new version and returns it; a removal also
     * queues the tag for the sweeper. Counts nothing: the entries count when reclaimed.
     */
    long invalidateTag(Txn<ByteBuffer> txn, byte[] tag, InvalidationMode mode) {
        long version = versions.next(txn);
        tagMarks.raise(txn, tag, mode, version);
        if (mode == InvalidationMode.REMOVE) {
            ByteBuffer k = ByteBuffer.allocateDirect(tag.length).put(tag).flip();
            db.tagSweeps.put(txn, k, ByteBuffer.allocateDirect(8).putLong(0, version));
        }
        return version;
    }

    /**
     * Drops, among up to {@code limit} watermark rows from {@code from} (null for the first), those
     * no entry is old enough to need; returns where to go on, null at the end. See {@link VersionFloor}.
     */
    byte[] dropWatermarks(Txn<ByteBuffer> txn, byte[] from, int limit) {
        long f = floor.floor(txn, limit);
        if (from == null) {
            // A row written after the last full pass is above the floor of its time, so while the
            // floor has not risen since, no row can go: spare the walk.
            if (f != Long.MAX_VALUE && f <= passedFloor) {
                return null;
            }
            passFloor = f;
        }
        passFloor = Math.min(passFloor, f);
        byte[] next = tagMarks.dropAtOrBelow(txn, f, from, limit);
        if (next == null) {
            passedFloor = passFloor;
        }
        return next;
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
                byte[] tags = Record.tagArea(record);
                cursor.delete();
                if (secondChance && marks.take(version)) {
                    enqueue(txn, versions.next(txn), version, victim);
                    floor.moved(txn, version);
                    return true;
                }
                db.entries.delete(txn, victim);
                dropExpiryAndTagRows(txn, version, expiresAt, tags);
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
                byte[] tags = Record.tagArea(record);
                cursor.delete();
                db.entries.delete(txn, victim);
                dropExpiryAndTagRows(txn, version, expiresAt, tags);
                evictions++;
                return true;
            }
            return false;
        }
    }

    /**
     * Removes every variant of a primary, lease placeholders too; returns how many had a value and
     * were live (neither expired nor removed by a tag invalidation).
     */
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
                Found f = new Found();
                f.load(record);
                copyTo(victim, cursor.key());
                cursor.delete();
                Judged j = judge(txn, f, now);
                if (j == Judged.EXPIRED) {
                    expirations++;
                } else if (j == Judged.TAG_REMOVED) {
                    invalidations++; // reclaimed here rather than by the sweeper
                } else if (!f.placeholder()) {
                    removed++;
                    invalidations++;
                }
                dropIndexes(txn, f.version, f.expiresAt, f.tagArea);
                more = cursor.get(victim, GetOp.MDB_SET_RANGE); // the deleted key's successor
            }
        }
        return removed;
    }

    /** The full keys of every record in a primary's range (expired ones and placeholders too). */
    List<Key> keysOf(Txn<ByteBuffer> txn, byte[] rangePrefix, byte[] primaryPrefix) {
        List<Key> keys = new ArrayList<>();
        ByteBuffer seek = ByteBuffer.allocateDirect(rangePrefix.length).put(rangePrefix).flip();
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(txn)) {
            boolean more = cursor.get(seek, GetOp.MDB_SET_RANGE);
            while (more && startsWith(cursor.key(), rangePrefix)) {
                byte[] fullKey = Record.fullKey(cursor.val(), cursor.key());
                if (startsWith(fullKey, primaryPrefix)) {
                    keys.add(Key.decode(fullKey));
                }
                more = cursor.next();
            }
        }
        return keys;
    }

    /** Counts the last {@link #put} as a soft invalidation (a stale mark by a purge) rather than a write. */
    void countedAsInvalidation() {
        writes--;
        invalidations++;
    }

    /** Removes everything, counting live entries as invalidations; the tag watermarks stay. */
    void clear(Txn<ByteBuffer> txn, long now) {
        Found f = new Found();
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                f.load(cursor.val());
                if (!Expiry.isLive(f.expiresAt, now)) {
                    expirations++;
                } else if (!f.placeholder()) {
                    invalidations++; // an entry removed by a tag invalidation is reclaimed here too
                }
            }
        }
        db.entries.drop(txn);
        db.byAge.drop(txn);
        db.byExpiry.drop(txn);
        db.byTag.drop(txn);
        db.tagSweeps.drop(txn);
    }

    // ---- internals --------------------------------------------------------------------------

    private void writeRecord(Txn<ByteBuffer> txn, byte[] fullKey, ByteBuffer value, int flags, long version,
            long expiresAt, long storedAt, int state, long leaseUntil, byte[] tagArea) {
        int keyLength = fullKey == null ? 0 : fullKey.length;
        int valueLength = value.remaining();
        int header = Record.headerLength(state, leaseUntil, tagArea);
        lastRecordSize = Record.size(header, tagArea.length, keyLength, valueLength);
        ByteBuffer record = db.entries.reserve(txn, key, lastRecordSize);
        Record.writeHeader(record, keyLength, flags, version, expiresAt, storedAt, version, state, leaseUntil,
                tagArea);
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

    private void addTagRows(Txn<ByteBuffer> txn, byte[] area, long version) {
        for (int at = 0; at < area.length; at += 1 + Byte.toUnsignedInt(area[at])) {
            db.byTag.put(txn, tagKey(area, at + 1, Byte.toUnsignedInt(area[at]), version), key);
        }
    }

    private void dropTagRows(Txn<ByteBuffer> txn, byte[] area, long version) {
        for (int at = 0; at < area.length; at += 1 + Byte.toUnsignedInt(area[at])) {
            db.byTag.delete(txn, tagKey(area, at + 1, Byte.toUnsignedInt(area[at]), version));
        }
    }

    /**
     * Drops an entry's index rows. Its queue row is at its version unless a second chance moved
     * it; a moved row is left to go stale, which eviction recognises by the version it carries.
     */
    private void dropIndexes(Txn<ByteBuffer> txn, long version, long expiresAt, byte[] tagArea) {
        db.byAge.delete(txn, ageKey(version));
        dropExpiryAndTagRows(txn, version, expiresAt, tagArea);
    }

    private void dropExpiryAndTagRows(Txn<ByteBuffer> txn, long version, long expiresAt, byte[] tagArea) {
        if (expiresAt != 0) {
            db.byExpiry.delete(txn, expiryKey(expiresAt, version));
        }
        dropTagRows(txn, tagArea, version);
    }

    private void count(Cause cause) {
        switch (cause) {
            case DELETED -> deletes++;
            case INVALIDATED -> invalidations++;
            case EVICTED -> evictions++;
            case EXPIRED -> expirations++;
            case REPLACED, NONE -> { }
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

    /** The {@code byTag} row key of a tag ({@code length} bytes of {@code bytes} from {@code from}) and a version. */
    private ByteBuffer tagKey(byte[] bytes, int from, int length, long version) {
        tagKey.clear();
        tagKey.put((byte) length).put(bytes, from, length).putLong(version).flip();
        return tagKey;
    }

    private static boolean isRowOf(ByteBuffer row, byte[] tag) {
        int at = row.position();
        if (row.remaining() != 1 + tag.length + 8 || Byte.toUnsignedInt(row.get(at)) != tag.length) {
            return false;
        }
        for (int i = 0; i < tag.length; i++) {
            if (row.get(at + 1 + i) != tag[i]) {
                return false;
            }
        }
        return true;
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
