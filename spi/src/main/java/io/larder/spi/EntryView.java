package io.larder.spi;

import java.nio.ByteBuffer;

/**
 * A zero-copy view of a live entry, handed to an {@link EntryReader}. Valid only during that call:
 * the engine may reuse or unmap what it points to afterwards, so keep nothing of it but copies.
 */
public interface EntryView {

    /**
     * The value, read-only, between position and limit. Each call returns a view positioned at
     * the value's start; the reader may move its position.
     */
    ByteBuffer value();

    /** Length of the value in bytes. */
    int valueLength();

    /** The version, the CAS token. */
    long version();

    /** Expiry in epoch milliseconds, 0 for never. */
    long expiresAt();

    /** The client flags. */
    int flags();

    /** Epoch milliseconds of the last value write. */
    long storedAt();
}
