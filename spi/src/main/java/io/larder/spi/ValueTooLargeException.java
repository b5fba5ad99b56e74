package io.larder.spi;

/** A value larger than the engine's {@code maxValueSize}; the store is unchanged. */
public class ValueTooLargeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The refused value's size in bytes. */
    private final long size;
    /** The engine's limit in bytes. */
    private final long maxValueSize;

    /**
     * A value of {@code size} bytes against a limit of {@code maxValueSize}.
     *
     * @param size the value's size in bytes
     * @param maxValueSize the engine's limit in bytes
     */
    public ValueTooLargeException(long size, long maxValueSize) {
        super("value is " + size + " bytes; this engine's maxValueSize is " + maxValueSize + " bytes");
        this.size = size;
        this.maxValueSize = maxValueSize;
    }

    /** {@return the refused value's size in bytes} */
    public long size() {
        return size;
    }

    /** {@return the engine's limit in bytes} */
    public long maxValueSize() {
        return maxValueSize;
    }
}
