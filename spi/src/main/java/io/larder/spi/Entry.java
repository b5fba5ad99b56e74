package io.larder.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A copy of a live entry: its value and metadata, detached from the store.
 *
 * <ul>
 *   <li>{@code version}: &gt; 0; a new, strictly greater one for every write that changes the value
 *       or the flags. The CAS token, usable as an HTTP ETag. {@code touch} keeps it.</li>
 *   <li>{@code expiresAt}: epoch milliseconds, 0 for never.</li>
 *   <li>{@code flags}: 32 opaque client bits (memcached flags).</li>
 *   <li>{@code storedAt}: epoch milliseconds of the last value write.</li>
 * </ul>
 *
 * <p>The value array belongs to this object and to whoever receives it; the store never sees it
 * again. Immutable but for that array.
 */
public final class Entry {

    private final byte[] value;
    private final long version;
    private final long expiresAt;
    private final int flags;
    private final long storedAt;

    /**
     * An entry; {@code value} is taken as is, not copied.
     *
     * @param value the value
     * @param version the version, &gt; 0 for a stored entry
     * @param expiresAt epoch milliseconds, 0 for never
     * @param flags the client flags
     * @param storedAt epoch milliseconds of the last value write
     * @throws NullPointerException if {@code value} is null
     */
    public Entry(byte[] value, long version, long expiresAt, int flags, long storedAt) {
        this.value = Objects.requireNonNull(value, "value");
        this.version = version;
        this.expiresAt = expiresAt;
        this.flags = flags;
        this.storedAt = storedAt;
    }

    /**
     * A copy of what a view shows, valid after the view is gone.
     *
     * @param view a view, during the reader's call
     * @return a detached copy
     */
    public static Entry copyOf(EntryView view) {
        java.nio.ByteBuffer v = view.value();
        byte[] bytes = new byte[v.remaining()];
        v.duplicate().get(bytes);
        return new Entry(bytes, view.version(), view.expiresAt(), view.flags(), view.storedAt());
    }

    /** {@return the value (not a copy)} */
    public byte[] value() {
        return value;
    }

    /** {@return the value decoded as UTF-8, for tests and display} */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** {@return the version, the CAS token} */
    public long version() {
        return version;
    }

    /** {@return the expiry in epoch milliseconds, 0 for never} */
    public long expiresAt() {
        return expiresAt;
    }

    /** {@return the client flags} */
    public int flags() {
        return flags;
    }

    /** {@return the epoch milliseconds of the last value write} */
    public long storedAt() {
        return storedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Entry)) {
            return false;
        }
        Entry e = (Entry) o;
        return version == e.version && expiresAt == e.expiresAt && flags == e.flags && storedAt == e.storedAt
                && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Entry[version=" + version + ", expiresAt=" + expiresAt + ", flags=" + flags + ", storedAt="
                + storedAt + ", value=" + value.length + " bytes]";
    }
}
