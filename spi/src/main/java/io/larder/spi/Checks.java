package io.larder.spi;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The argument checks every engine makes before it touches its store, with the contract's messages.
 * Engines call these first, so bad input leaves the store exactly as it was.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * A non-null key.
     *
     * @param key the key
     * @return {@code key}
     * @throws NullPointerException if it is null
     */
    public static Key key(Key key) {
        return Objects.requireNonNull(key, "key must not be null");
    }

    /**
     * A non-null expiry.
     *
     * @param expiry the expiry
     * @return {@code expiry}
     * @throws NullPointerException if it is null
     */
    public static Expiry expiry(Expiry expiry) {
        return Objects.requireNonNull(expiry, "expiry must not be null (use Expiry.never())");
    }

    /**
     * A non-null value of at most {@code maxValueSize} bytes.
     *
     * @param value the value
     * @param maxValueSize the engine's limit
     * @return {@code value}
     * @throws NullPointerException if it is null
     * @throws ValueTooLargeException if it is longer than the limit
     */
    public static byte[] value(byte[] value, long maxValueSize) {
        Objects.requireNonNull(value, "value must not be null");
        valueSize(value.length, maxValueSize);
        return value;
    }

    /**
     * A non-null buffer whose remaining bytes are at most {@code maxValueSize}.
     *
     * @param value the value, between position and limit
     * @param maxValueSize the engine's limit
     * @return {@code value}, its position unchanged
     * @throws NullPointerException if it is null
     * @throws ValueTooLargeException if it is longer than the limit
     */
    public static ByteBuffer value(ByteBuffer value, long maxValueSize) {
        Objects.requireNonNull(value, "value must not be null");
        valueSize(value.remaining(), maxValueSize);
        return value;
    }

    /**
     * A value size within {@code maxValueSize}.
     *
     * @param size the size in bytes
     * @param maxValueSize the engine's limit
     * @throws ValueTooLargeException if the size is above the limit
     */
    public static void valueSize(long size, long maxValueSize) {
        if (size > maxValueSize) {
            throw new ValueTooLargeException(size, maxValueSize);
        }
    }

    /**
     * A CAS token: versions are &gt; 0.
     *
     * @param version the expected version
     * @return {@code version}
     * @throws IllegalArgumentException if it is not positive
     */
    public static long expectedVersion(long version) {
        if (version <= 0) {
            throw new IllegalArgumentException("expected version " + version + " is not a version; versions are > 0");
        }
        return version;
    }

    /**
     * A non-null destination buffer that can be written.
     *
     * @param dst the buffer
     * @return {@code dst}
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is read-only
     */
    public static ByteBuffer destination(ByteBuffer dst) {
        Objects.requireNonNull(dst, "destination buffer must not be null");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("destination buffer is read-only");
        }
        return dst;
    }

    /**
     * A copy of the buffer's remaining bytes; its position is unchanged.
     *
     * @param buffer the buffer
     * @return a new array
     */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /**
     * Requires {@link Capability#CACHE_SEMANTICS} of an engine.
     *
     * @param engine the engine
     * @param what the operation asked for, for the message
     * @throws UnsupportedOperationException if the engine does not declare it
     */
    public static void cacheSemantics(StorageEngine engine, String what) {
        if (!engine.capabilities().contains(Capability.CACHE_SEMANTICS)) {
            throw new UnsupportedOperationException("engine '" + engine.name() + "' does not keep leases, stale"
                    + " entries and tags (Capability.CACHE_SEMANTICS), so it cannot " + what);
        }
    }

    /**
     * Requires a compute action an engine can carry out: one that needs
     * {@link Capability#CACHE_SEMANTICS} only of an engine that declares it.
     *
     * @param engine the engine
     * @param action the action a compute function returned
     * @return {@code action}
     * @throws NullPointerException if {@code action} is null
     * @throws UnsupportedOperationException if the action needs cache semantics the engine lacks
     */
    public static ComputeAction action(StorageEngine engine, ComputeAction action) {
        Objects.requireNonNull(action, "compute function returned null; return ComputeAction.keep() to change nothing");
        if (action.needsCacheSemantics()) {
            cacheSemantics(engine, "carry out " + action);
        }
        return action;
    }
}
