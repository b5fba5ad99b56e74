package io.larder.engine.lmdb;

import io.larder.spi.EntryView;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * A pooled read transaction with everything one read needs, allocated once: a key buffer, and a
 * read-only buffer re-pointed at each value found, which this object hands out as the
 * {@link EntryView}. Used by one thread at a time (see {@link ReaderPool}).
 */
final class Reader implements EntryView {

    final Txn<ByteBuffer> txn;
    final ByteBuffer key = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
    private final ByteBuffer value = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();
    private long valueAddress;
    private int valueLength;
    private long version;
    private long expiresAt;
    private int flags;
    private long storedAt;
    /** Whether the last {@link #find} met an entry under the key that had expired. */
    boolean sawExpired;

    Reader(Txn<ByteBuffer> txn) {
        this.txn = txn;
    }

    /**
     * Looks {@code key} up; on a live entry, loads this view with it and returns true. The view is
     * valid until the next call or {@link #reset}.
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

    void renew() {
        txn.renew();
    }

    void reset() {
        txn.reset();
    }

    void close() {
        // A reset transaction is only freed by an abort, which needs it renewed first.
        txn.renew();
        txn.close();
    }

    @Override
    public ByteBuffer value() {
        return FlagFreeBufferProxy.pointAt(value, valueAddress, valueLength);
    }

    @Override
    public int valueLength() {
        return valueLength;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public long storedAt() {
        return storedAt;
    }
}
