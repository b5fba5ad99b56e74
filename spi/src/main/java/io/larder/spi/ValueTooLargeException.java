package io.larder.spi;

/** A value larger than the engine's {@code maxValueSize}; the store is unchanged. */
public class ValueTooLargeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long size;
    private final long maxValueSize;

    /** A value of {@code size} bytes against a limit of {@code maxValueSize}. */
    public ValueTooLargeException(long size, long maxValueSize) {
        super("value is " + size + " bytes; this engine's maxValueSize is " + maxValueSize + " bytes");
        this.size = size;
        this.maxValueSize = maxValueSize;
    }

    /** The refused value's size. */
    public long size() {
        return size;
    }

    /** The limit. */
    public long maxValueSize() {
        return maxValueSize;
    }
}
