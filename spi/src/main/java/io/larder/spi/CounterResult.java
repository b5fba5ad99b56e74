package io.larder.spi;

/**
 * What {@code increment} or {@code decrement} did: not found, or the new value (an unsigned 64-bit
 * number, read it with {@link Long#toUnsignedString(long)}) and the new version.
 */
public final class CounterResult {

    private static final CounterResult NOT_FOUND = new CounterResult(false, 0, 0);

    private final boolean found;
    private final long value;
    private final long version;

    private CounterResult(boolean found, long value, long version) {
        this.found = found;
        this.value = value;
        this.version = version;
    }

    /**
     * The counter now holds {@code value}, written as {@code version}.
     *
     * @param value the new value, unsigned
     * @param version the new version
     * @return the result
     */
    public static CounterResult updated(long value, long version) {
        return new CounterResult(true, value, version);
    }

    /** {@return the result for no live entry} */
    public static CounterResult notFound() {
        return NOT_FOUND;
    }

    /** {@return whether there was a live entry} */
    public boolean found() {
        return found;
    }

    /** {@return the new value, unsigned; 0 when not found} */
    public long value() {
        return value;
    }

    /** {@return the new version; 0 when not found} */
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CounterResult && ((CounterResult) o).found == found
                && ((CounterResult) o).value == value && ((CounterResult) o).version == version;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return found ? "CounterResult[" + Long.toUnsignedString(value) + ", version=" + version + "]" : "NOT_FOUND";
    }
}
