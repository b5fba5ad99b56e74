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

    /** A non-null key. */
    public static Key key(Key key) {
        return Objects.requireNonNull(key, "key must not be null");
    }

    /** A non-null expiry. */
    public static Expiry expiry(Expiry expiry) {
        return Objects.requireNonNull(expiry, "expiry must not be null (use Expiry.never())");
    }

    /** A non-null value of at most {@code maxValueSize} bytes. */
    public static byte[] value(byte[] value, long maxValueSize) {
        Objects.requireNonNull(value, "value must not be null");
        valueSize(value.length, maxValueSize);
        return value;
    }

    /** A non-null buffer whose remaining bytes are at most {@code maxValueSize}. */
    public static ByteBuffer value(ByteBuffer value, long maxValueSize) {
        Objects.requireNonNull(value, "value must not be null");
        valueSize(value.remaining(), maxValueSize);
        return value;
    }

    /** A value size within {@code maxValueSize}. */
    public static void valueSize(long size, long maxValueSize) {
        if (size > maxValueSize) {
            throw new ValueTooLargeException(size, maxValueSize);
        }
    }

    /** A CAS token: versions are &gt; 0. */
    public static long expectedVersion(long version) {
        if (version <= 0) {
            throw new IllegalArgumentException("expected version " + version + " is not a version; versions are > 0");
        }
        return version;
    }

    /** A non-null destination buffer that can be written. */
    public static ByteBuffer destination(ByteBuffer dst) {
        Objects.requireNonNull(dst, "destination buffer must not be null");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("destination buffer is read-only");
        }
        return dst;
    }

    /** A copy of the buffer's remaining bytes; its position is unchanged. */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
