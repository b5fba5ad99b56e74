package io.larder.engine.lmdb;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The read-only buffers one {@link Reader} hands out over values in LMDB's map, and their end.
 *
 * <p>This Java 17 version re-points buffers it owns ({@link FlagFreeBufferProxy#pointAt}):
 * {@link #detach()} turns every buffer handed out since the last call into an empty one, so a buffer
 * kept past its read shows nothing. The multi-release jar carries a JDK 22+ version on the foreign
 * memory API instead, under which such a buffer refuses access.
 *
 * <p>Used by one thread at a time, as its reader is.
 */
final class ValueViews {

    /** Re-pointed at each value; callers get duplicates of it. */
    private final ByteBuffer template = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();
    private ByteBuffer[] handedOut = new ByteBuffer[2];
    private int handedOutCount;

    /** A new read-only buffer over {@code length} bytes at {@code address}, positioned at 0. */
    ByteBuffer view(long address, int length) {
        ByteBuffer view = FlagFreeBufferProxy.pointAt(template, address, length).duplicate();
        if (handedOutCount == handedOut.length) {
            handedOut = Arrays.copyOf(handedOut, handedOutCount * 2);
        }
        handedOut[handedOutCount++] = view;
        return view;
    }

    /** Copies {@code length} bytes at {@code address} into {@code dst}, which has room for them. */
    void copy(long address, int length, ByteBuffer dst) {
        dst.put(FlagFreeBufferProxy.pointAt(template, address, length));
    }

    /** Empties every buffer handed out since the last call, so none reaches the map any more. */
    void detach() {
        for (int i = 0; i < handedOutCount; i++) {
            FlagFreeBufferProxy.pointAt(handedOut[i], 0, 0);
            handedOut[i] = null;
        }
        handedOutCount = 0;
        FlagFreeBufferProxy.pointAt(template, 0, 0);
    }
}
