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
     *
     * @return a read-only buffer over the value
     */
    ByteBuffer value();

    /** {@return the length of the value in bytes} */
    int valueLength();

    /** {@return the version, the CAS token} */
    long version();

    /** {@return the expiry in epoch milliseconds, 0 for never} */
    long expiresAt();

    /** {@return the client flags} */
    int flags();

    /** {@return the epoch milliseconds of the last value write} */
    long storedAt();
}
