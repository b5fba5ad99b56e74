package io.larder.engine.lmdb;

import java.nio.ByteBuffer;

/**
 * The header of the record a write transaction found under the current key, copied out: the
 * record's buffer is LMDB's and moves with the transaction's next lookup (a watermark, the
 * counter), so nothing may read it after. Reused by {@link EntryStore} under the write lock.
 */
final class Found {

    /** Whether there was a record under the stored key (maybe a digest collision's). */
    boolean present;
    long version;
    long expiresAt;
    long storedAt;
    int flags;
    int state;
    long leaseUntil;
    byte[] tagArea = Tags.NONE;
    /** The record itself: valid only until the transaction's next lookup. */
    ByteBuffer record;

    void load(ByteBuffer r) {
        record = r;
        present = r != null;
        if (r == null) {
            tagArea = Tags.NONE;
            return;
        }
        version = Record.version(r);
        expiresAt = Record.expiresAt(r);
        storedAt = Record.storedAt(r);
        flags = Record.flags(r);
        state = Record.state(r);
        leaseUntil = Record.leaseUntil(r);
        tagArea = Record.tagArea(r);
    }

    boolean placeholder() {
        return (state & Record.PLACEHOLDER) != 0;
    }

    /** A copy of the value: call before the transaction's next lookup. */
    byte[] valueCopy() {
        int offset = Record.valueOffset(record);
        byte[] value = new byte[record.limit() - offset];
        record.get(offset, value);
        return value;
    }
}
