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

    /** The counter now holds {@code value}, written as {@code version}. */
    public static CounterResult updated(long value, long version) {
        return new CounterResult(true, value, version);
    }

    /** No live entry. */
    public static CounterResult notFound() {
        return NOT_FOUND;
    }

    /** Whether there was a live entry. */
    public boolean found() {
        return found;
    }

    /** The new value, unsigned; 0 when not found. */
    public long value() {
        return value;
    }

    /** The new version; 0 when not found. */
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
