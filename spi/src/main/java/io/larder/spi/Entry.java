package io.larder.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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
 * With {@link Capability#CACHE_SEMANTICS}, an entry also carries (see {@code docs/storage-contract.md}):
 * <ul>
 *   <li>{@code tags}: what the value was built from ({@link WriteOptions}), empty by default.</li>
 *   <li>{@code stale}: marked stale by {@link StorageEngine#markStale} or a soft invalidation; still
 *       served, and its first lease-aware lookup wins the lease to rebuild it.</li>
 *   <li>{@code placeholder}: a lease placeholder left by a lookup on a miss, with no value. Only a
 *       {@link ComputeFunction} sees one; reads miss it.</li>
 *   <li>{@code leased}: a lease on this entry is held and has not run out.</li>
 *   <li>{@code hits}: how many reads hit this value before the one that made this copy
 *       (saturating at {@value #MAX_HITS}); 0 after a store.</li>
 *   <li>{@code lastAccess}: epoch milliseconds of the last read hit before the one that made this
 *       copy, or of the store when there was none.</li>
 * </ul>
 *
 * <p>The value array belongs to this object and to whoever receives it; the store never sees it
 * again. Immutable but for that array.
 */
public final class Entry {

    /** The hit count an entry saturates at. */
    public static final int MAX_HITS = 65_535;

    private final byte[] value;
    private final long version;
    private final long expiresAt;
    private final int flags;
    private final long storedAt;
    private final List<String> tags;
    private final boolean stale;
    private final boolean placeholder;
    private final boolean leased;
    private final int hits;
    private final long lastAccess;

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
        this(value, version, expiresAt, flags, storedAt, List.of(), false, false, false, 0, storedAt);
    }

    /**
     * An entry with its cache state; {@code value} is taken as is, not copied.
     *
     * @param value the value, empty for a placeholder
     * @param version the version, &gt; 0 for a stored entry
     * @param expiresAt epoch milliseconds, 0 for never
     * @param flags the client flags
     * @param storedAt epoch milliseconds of the last value write
     * @param tags the tags, checked as {@link WriteOptions#checkTags} does
     * @param stale whether the entry is stale
     * @param placeholder whether the entry is a lease placeholder
     * @param leased whether a lease on the entry is held
     * @param hits the hits before this copy, 0..{@value #MAX_HITS}
     * @param lastAccess epoch milliseconds of the last hit before this copy, or of the store
     * @throws NullPointerException if {@code value} or {@code tags} is null
     * @throws IllegalArgumentException if the tags break the limits, {@code hits} is out of range,
     *         or a placeholder has a value, tags or a stale mark
     */
    public Entry(byte[] value, long version, long expiresAt, int flags, long storedAt, List<String> tags,
            boolean stale, boolean placeholder, boolean leased, int hits, long lastAccess) {
        this.value = Objects.requireNonNull(value, "value");
        this.version = version;
        this.expiresAt = expiresAt;
        this.flags = flags;
        this.storedAt = storedAt;
        this.tags = WriteOptions.checkTags(tags);
        this.stale = stale;
        this.placeholder = placeholder;
        this.leased = leased;
        if (hits < 0 || hits > MAX_HITS) {
            throw new IllegalArgumentException("hits are 0.." + MAX_HITS + ", got " + hits);
        }
        if (placeholder && (value.length > 0 || !this.tags.isEmpty() || stale)) {
            throw new IllegalArgumentException("a placeholder has no value, no tags and no stale mark");
        }
        this.hits = hits;
        this.lastAccess = lastAccess;
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
        return new Entry(bytes, view.version(), view.expiresAt(), view.flags(), view.storedAt(), view.tags(),
                view.stale(), false, view.leased(), view.hits(), view.lastAccess());
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

    /** {@return the tags, unmodifiable, possibly empty} */
    public List<String> tags() {
        return tags;
    }

    /** {@return whether the entry is marked stale} */
    public boolean stale() {
        return stale;
    }

    /** {@return whether this is a lease placeholder (no value); only compute functions see one} */
    public boolean placeholder() {
        return placeholder;
    }

    /** {@return whether a lease on this entry is held and has not run out} */
    public boolean leased() {
        return leased;
    }

    /** {@return the read hits on this value before this copy, saturating at {@value #MAX_HITS}} */
    public int hits() {
        return hits;
    }

    /** {@return epoch milliseconds of the last read hit before this copy, or of the store} */
    public long lastAccess() {
        return lastAccess;
    }

    /**
     * Equal when value, version, expiry, flags, storedAt, tags, stale mark, placeholder and lease
     * are; the hit statistics are not compared.
     */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Entry)) {
            return false;
        }
        Entry e = (Entry) o;
        return version == e.version && expiresAt == e.expiresAt && flags == e.flags && storedAt == e.storedAt
                && stale == e.stale && placeholder == e.placeholder && leased == e.leased && tags.equals(e.tags)
                && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Entry[version=" + version + ", expiresAt=" + expiresAt + ", flags=" + flags + ", storedAt="
                + storedAt + ", value=" + value.length + " bytes" + (tags.isEmpty() ? "" : ", tags=" + tags)
                + (stale ? ", stale" : "") + (placeholder ? ", placeholder" : "") + (leased ? ", leased" : "")
                + ", hits=" + hits + ", lastAccess=" + lastAccess + "]";
    }
}
