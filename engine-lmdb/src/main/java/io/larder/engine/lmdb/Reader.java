package io.larder.engine.lmdb;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import org.lmdbjava.Txn;

/**
 * A pooled read transaction with what one read needs, allocated once: a key buffer, and the fields
 * of the entry last found. Used by one thread at a time (see {@link ReaderPool}).
 *
 * <p>The value buffers handed to callers ({@link #valueView()}) are new objects, one per call, so
 * that two calls never share a position; each points into the map, and {@link #detachViews()}
 * cuts every one handed out during the read off the map when the read ends (see {@link ValueViews}),
 * so a buffer kept past its read can never show another entry or touch an unmapped map.
 */
final class Reader {

    final Txn<ByteBuffer> txn;
    final ByteBuffer key = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    private final ValueViews views = new ValueViews();
    long valueAddress;
    int valueLength;
    long version;
    long expiresAt;
    int flags;
    long storedAt;
    /** Whether the entry found is stale (its bit, or a tag's stale watermark). */
    boolean stale;
    long leaseUntil;
    /** The tags of the entry found, decoded only for a tagged one. */
    java.util.List<String> tags = java.util.List.of();
    /** The time of the last {@link #find}. */
    long now;
    /** The hit statistics before this read ({@link HitStats} packing, -1 for none). */
    long hitsBefore;
    /** Whether the last {@link #find} met an entry under the key that had expired. */
    boolean sawExpired;
    /** Whether the last {@link #find} met a live lease placeholder under the key. */
    boolean sawPlaceholder;
    /** This reader's watermark lookups, made on the first tagged entry it meets. */
    private TagMarks tagMarks;

    Reader(Txn<ByteBuffer> txn) {
        this.txn = txn;
    }

    /**
     * Looks {@code key} up; on a live entry with a value, loads this reader's fields with it and
     * returns true. A lease placeholder, or an entry a tag invalidation removed, is a miss. Only a
     * tagged entry costs a watermark lookup. Valid until the next call or {@link #reset}.
     */
    boolean find(Databases db, Key key, long now) {
        sawExpired = false;
        sawPlaceholder = false;
        StoredKey.write(key, this.key);
        ByteBuffer record = db.entries.get(txn, this.key);
        if (record == null || (!StoredKey.isShort(key) && !Record.keyMatches(record, key.encodedBytes()))) {
            return false;
        }
        long at = Record.expiresAt(record);
        if (!Expiry.isLive(at, now)) {
            sawExpired = true;
            return false;
        }
        int offset = Record.valueOffset(record);
        valueAddress = FlagFreeBufferProxy.address(record) + offset;
        valueLength = record.limit() - offset;
        version = Record.version(record);
        expiresAt = at;
        flags = Record.flags(record);
        storedAt = Record.storedAt(record);
        this.now = now;
        if (!Record.hasCacheState(record)) {
            stale = false;
            leaseUntil = 0;
            tags = java.util.List.of();
            return true;
        }
        int state = Record.state(record);
        if ((state & Record.PLACEHOLDER) != 0) {
            sawPlaceholder = true;
            return false;
        }
        stale = (state & Record.STALE) != 0;
        leaseUntil = Record.leaseUntil(record);
        byte[] area = Record.tagArea(record); // copied: the watermark lookups move the record's buffer
        if (area.length == 0) {
            tags = java.util.List.of();
            return true;
        }
        if (tagMarks == null) {
            tagMarks = new TagMarks(db);
        }
        int verdict = tagMarks.judge(txn, area, version);
        if (verdict == TagMarks.REMOVED) {
            return false;
        }
        stale |= verdict == TagMarks.STALE;
        tags = Tags.decode(area);
        return true;
    }

    /** A new read-only buffer over the value found, positioned at its start. */
    ByteBuffer valueView() {
        return views.view(valueAddress, valueLength);
    }

    /** Copies the value found into {@code dst} (which has room for it). */
    void copyValueTo(ByteBuffer dst) {
        views.copy(valueAddress, valueLength, dst);
    }

    /** Cuts every buffer handed out since the last call off the map. */
    void detachViews() {
        views.detach();
    }

    void renew() {
        txn.renew();
    }

    void reset() {
        txn.reset();
    }

    /** Frees the transaction; it must be reset (idle). */
    void close() {
        // A reset transaction is only freed by an abort, which needs it renewed first.
        txn.renew();
        txn.close();
    }
}
