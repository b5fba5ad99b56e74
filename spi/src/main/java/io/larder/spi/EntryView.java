package io.larder.spi;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A zero-copy view of a live entry, handed to an {@link EntryReader}. Valid only during that call:
 * the engine may reuse or unmap what it points to afterwards, so keep nothing of it but copies.
 * Reads never show lease placeholders. The cache state ({@link #tags}, {@link #stale},
 * {@link #leased}, {@link #hits}, {@link #lastAccess}) is kept by engines with
 * {@link Capability#CACHE_SEMANTICS}; the defaults answer for an engine without it.
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

    /** {@return the tags the value was written with, unmodifiable; empty by default} */
    default List<String> tags() {
        return List.of();
    }

    /** {@return whether the entry is marked stale; false by default} */
    default boolean stale() {
        return false;
    }

    /** {@return whether a lease on the entry is held and has not run out; false by default} */
    default boolean leased() {
        return false;
    }

    /**
     * The read hits on this value before this read, saturating at {@link Entry#MAX_HITS}.
     *
     * @return the hits; 0 by default
     */
    default int hits() {
        return 0;
    }

    /**
     * Epoch milliseconds of the last read hit before this one, or of the store when there was none.
     *
     * @return the time; {@link #storedAt()} by default
     */
    default long lastAccess() {
        return storedAt();
    }
}
