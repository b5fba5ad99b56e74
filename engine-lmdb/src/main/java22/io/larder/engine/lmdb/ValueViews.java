package io.larder.engine.lmdb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The read-only buffers one {@link Reader} hands out over values in LMDB's map, and their end: the
 * JDK 22+ version of this class, in the multi-release jar's {@code META-INF/versions/22}.
 *
 * <p>Every buffer handed out during a read belongs to one confined {@link Arena}, opened at the
 * read's first buffer; {@link #detach()} closes it, after which each such buffer throws
 * {@link IllegalStateException} on access, so a buffer kept past its read can never show another
 * entry or touch an unmapped map. Confined, because a read runs on one thread and closing a confined
 * arena is cheap; a buffer used from another thread during the read throws
 * {@link WrongThreadException}.
 */
final class ValueViews {

    private Arena arena;

    /** A new read-only buffer over {@code length} bytes at {@code address}, positioned at 0. */
    @SuppressWarnings("restricted") // the address and length are the ones LMDB gave for the value
    ByteBuffer view(long address, int length) {
        if (arena == null) {
            arena = Arena.ofConfined();
        }
        return MemorySegment.ofAddress(address).reinterpret(length, arena, null).asReadOnly().asByteBuffer();
    }

    /** Copies {@code length} bytes at {@code address} into {@code dst}, which has room for them. */
    void copy(long address, int length, ByteBuffer dst) {
        dst.put(FlagFreeBufferProxy.at(address, length).asByteBuffer());
    }

    /** Ends every buffer handed out since the last call. */
    void detach() {
        Arena ending = arena;
        if (ending != null) {
            arena = null;
            ending.close();
        }
    }
}
