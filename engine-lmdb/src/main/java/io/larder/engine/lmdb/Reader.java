package io.larder.engine.lmdb;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import org.lmdbjava.Dbi;
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
    /** Whether the last {@link #find} met an entry under the key that had expired. */
    boolean sawExpired;

    Reader(Txn<ByteBuffer> txn) {
        this.txn = txn;
    }

    /**
     * Looks {@code key} up; on a live entry, loads this reader's fields with it and returns true.
     * Valid until the next call or {@link #reset}.
     */
    boolean find(Dbi<ByteBuffer> entries, Key key, long now) {
        sawExpired = false;
        StoredKey.write(key, this.key);
        ByteBuffer record = entries.get(txn, this.key);
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
