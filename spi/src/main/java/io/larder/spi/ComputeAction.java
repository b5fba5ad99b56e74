package io.larder.spi;

import java.util.List;
import java.util.Objects;

/**
 * The answer of a {@link ComputeFunction}: keep the entry as it is, remove it, store a value with a
 * new version, or touch it (change only its expiry, keeping value, flags, version and storedAt).
 * Engines with {@link Capability#CACHE_SEMANTICS} also take the cache actions: leave a lease
 * placeholder, mark an entry stale, and hand out a lease on an entry.
 */
public final class ComputeAction {

    /** The kinds of action. */
    public enum Kind {
        /** Leave the entry (or its absence) as it is. */
        KEEP,
        /** Remove the entry (a placeholder too), if there is one. */
        REMOVE,
        /**
         * Store a value with a new version, its expiry, flags and tags; the stale mark, any lease and
         * the hit statistics start afresh. With a {@linkplain #tagGuard() tag guard}, the engine
         * stores only if none of the tags was invalidated after that version (checked atomically
         * with the store); otherwise it changes nothing, as for {@link #KEEP}.
         */
        STORE,
        /** Change the live entry's expiry only; its version stays. On an absent entry, the same as KEEP. */
        TOUCH,
        /**
         * Leave a lease placeholder with a new version: no value, no flags, no tags, expiring after
         * the lease time, leased until then. Replaces whatever is there.
         */
        PLACEHOLDER,
        /**
         * Mark the entry stale with a new version, ending any lease; value, flags, tags and hit
         * statistics stay, and the expiry becomes the earlier of the current one and the grace
         * expiry, if one is given. On an absent entry or a placeholder, the same as KEEP.
         */
        MARK_STALE,
        /**
         * Hand out a lease on the entry: a new version (the lease token), leased for the lease time;
         * value, flags, tags, expiry, stale mark (also a stale mark that comes from a soft tag
         * invalidation) and hit statistics stay. On an absent entry or a placeholder, the same as KEEP.
         */
        LEASE
    }

    private static final ComputeAction KEEP = new ComputeAction(Kind.KEEP, null, null, 0, List.of(), 0, 0);
    private static final ComputeAction REMOVE = new ComputeAction(Kind.REMOVE, null, null, 0, List.of(), 0, 0);

    private final Kind kind;
    private final byte[] value;
    private final Expiry expiry;
    private final int flags;
    private final List<String> tags;
    private final long tagGuard;
    private final long leaseMillis;

    private ComputeAction(Kind kind, byte[] value, Expiry expiry, int flags, List<String> tags, long tagGuard,
            long leaseMillis) {
        this.kind = kind;
        this.value = value;
        this.expiry = expiry;
        this.flags = flags;
        this.tags = tags;
        this.tagGuard = tagGuard;
        this.leaseMillis = leaseMillis;
    }

    /** {@return the action that leaves things as they are} */
    public static ComputeAction keep() {
        return KEEP;
    }

    /** {@return the action that removes the entry} */
    public static ComputeAction remove() {
        return REMOVE;
    }

    /**
     * Store {@code value} (taken as is, not copied: do not change it afterwards) with a new version
     * and no tags.
     *
     * @param value the value
     * @param expiry when the entry expires
     * @param flags the client flags
     * @return the action
     * @throws NullPointerException if {@code value} or {@code expiry} is null
     */
    public static ComputeAction store(byte[] value, Expiry expiry, int flags) {
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(expiry, "expiry must not be null (use Expiry.never())");
        return new ComputeAction(Kind.STORE, value, expiry, flags, List.of(), 0, 0);
    }

    /**
     * Store {@code value} (taken as is, not copied) with a new version, with the options' expiry,
     * flags and tags.
     *
     * @param value the value
     * @param options expiry, flags and tags
     * @return the action
     * @throws NullPointerException if {@code value} or {@code options} is null
     */
    public static ComputeAction store(byte[] value, WriteOptions options) {
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(options, "write options must not be null");
        return new ComputeAction(Kind.STORE, value, options.expiry(), options.flags(), options.tags(), 0, 0);
    }

    /**
     * This store, made only if none of its tags was invalidated after {@code version} (the race of a
     * rebuild that read its origin before a tag invalidation). Only for a {@link Kind#STORE}. The
     * guard is exact for the version of an entry that is still there (a lease token, the version
     * the function saw); engines may forget a watermark once no entry below it is left, so a guard
     * on a version no entry has any more may pass.
     *
     * @param version the version the stored value was built from, usually a lease token
     * @return the guarded action
     * @throws IllegalStateException if this is not a store
     * @throws IllegalArgumentException if {@code version} is not positive
     */
    public ComputeAction ifTagsNotInvalidatedSince(long version) {
        if (kind != Kind.STORE) {
            throw new IllegalStateException("only a store has a tag guard, not " + kind);
        }
        Checks.expectedVersion(version);
        return new ComputeAction(kind, value, expiry, flags, tags, version, 0);
    }

    /**
     * Set the live entry's expiry, keeping its value, flags, version and storedAt.
     *
     * @param expiry the new expiry
     * @return the action
     * @throws NullPointerException if {@code expiry} is null
     */
    public static ComputeAction touch(Expiry expiry) {
        Objects.requireNonNull(expiry, "expiry must not be null (use Expiry.never())");
        return new ComputeAction(Kind.TOUCH, null, expiry, 0, List.of(), 0, 0);
    }

    /**
     * Leave a lease placeholder that lives for {@code leaseMillis}.
     *
     * @param leaseMillis how long the lease lasts, positive
     * @return the action
     * @throws IllegalArgumentException if {@code leaseMillis} is not positive
     */
    public static ComputeAction placeholder(long leaseMillis) {
        return new ComputeAction(Kind.PLACEHOLDER, null, null, 0, List.of(), 0, positive(leaseMillis));
    }

    /**
     * Mark the entry stale, with a new version.
     *
     * @param grace the latest the entry may expire now, or {@code null} to keep its expiry
     * @return the action
     */
    public static ComputeAction markStale(Expiry grace) {
        return new ComputeAction(Kind.MARK_STALE, null, grace, 0, List.of(), 0, 0);
    }

    /**
     * Hand out a lease on the entry for {@code leaseMillis}, with a new version as its token.
     *
     * @param leaseMillis how long the lease lasts, positive
     * @return the action
     * @throws IllegalArgumentException if {@code leaseMillis} is not positive
     */
    public static ComputeAction lease(long leaseMillis) {
        return new ComputeAction(Kind.LEASE, null, null, 0, List.of(), 0, positive(leaseMillis));
    }

    private static long positive(long leaseMillis) {
        if (leaseMillis <= 0) {
            throw new IllegalArgumentException("a lease lasts a positive number of milliseconds, got " + leaseMillis);
        }
        return leaseMillis;
    }

    /** {@return the kind of action} */
    public Kind kind() {
        return kind;
    }

    /** {@return the value to store; null unless {@link Kind#STORE}} */
    public byte[] value() {
        return value;
    }

    /**
     * The expiry to set: for {@link Kind#STORE} and {@link Kind#TOUCH}; for {@link Kind#MARK_STALE}
     * the grace expiry, or null to keep the entry's; null otherwise.
     *
     * @return the expiry, or null
     */
    public Expiry expiry() {
        return expiry;
    }

    /** {@return the flags to store; 0 unless {@link Kind#STORE}} */
    public int flags() {
        return flags;
    }

    /** {@return the tags to store, unmodifiable; empty unless {@link Kind#STORE} with tags} */
    public List<String> tags() {
        return tags;
    }

    /** {@return the version a guarded store requires its tags to be valid since, 0 for none} */
    public long tagGuard() {
        return tagGuard;
    }

    /** {@return how long the lease lasts for {@link Kind#PLACEHOLDER} and {@link Kind#LEASE}, else 0} */
    public long leaseMillis() {
        return leaseMillis;
    }

    /** {@return whether this action needs {@link Capability#CACHE_SEMANTICS}} */
    public boolean needsCacheSemantics() {
        return kind == Kind.PLACEHOLDER || kind == Kind.MARK_STALE || kind == Kind.LEASE || !tags.isEmpty();
    }

    @Override
    public String toString() {
        switch (kind) {
            case STORE:
                return "STORE(" + value.length + " bytes, " + expiry + ", flags=" + flags
                        + (tags.isEmpty() ? "" : ", tags=" + tags) + (tagGuard > 0 ? ", guard=" + tagGuard : "") + ")";
            case TOUCH:
                return "TOUCH(" + expiry + ")";
            case PLACEHOLDER:
            case LEASE:
                return kind + "(" + leaseMillis + "ms)";
            case MARK_STALE:
                return "MARK_STALE(" + (expiry == null ? "keep expiry" : expiry) + ")";
            default:
                return kind.toString();
        }
    }
}
