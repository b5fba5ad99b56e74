package io.larder.spi;

import java.util.Objects;

/**
 * The answer of a {@link ComputeFunction}: keep the entry as it is, remove it, store a value with a
 * new version, or touch it (change only its expiry, keeping value, flags, version and storedAt).
 */
public final class ComputeAction {

    /** The kinds of action. */
    public enum Kind {
        /** Leave the entry (or its absence) as it is. */
        KEEP,
        /** Remove the entry, if there is one. */
        REMOVE,
        /** Store a value with a new version. */
        STORE,
        /** Change the live entry's expiry only; its version stays. On an absent entry, the same as KEEP. */
        TOUCH
    }

    private static final ComputeAction KEEP = new ComputeAction(Kind.KEEP, null, null, 0);
    private static final ComputeAction REMOVE = new ComputeAction(Kind.REMOVE, null, null, 0);

    private final Kind kind;
    private final byte[] value;
    private final Expiry expiry;
    private final int flags;

    private ComputeAction(Kind kind, byte[] value, Expiry expiry, int flags) {
        this.kind = kind;
        this.value = value;
        this.expiry = expiry;
        this.flags = flags;
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
     * Store {@code value} (taken as is, not copied: do not change it afterwards) with a new version.
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
        return new ComputeAction(Kind.STORE, value, expiry, flags);
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
        return new ComputeAction(Kind.TOUCH, null, expiry, 0);
    }

    /** {@return the kind of action} */
    public Kind kind() {
        return kind;
    }

    /** {@return the value to store; null unless {@link Kind#STORE}} */
    public byte[] value() {
        return value;
    }

    /** {@return the expiry to set; null unless {@link Kind#STORE} or {@link Kind#TOUCH}} */
    public Expiry expiry() {
        return expiry;
    }

    /** {@return the flags to store; 0 unless {@link Kind#STORE}} */
    public int flags() {
        return flags;
    }

    @Override
    public String toString() {
        switch (kind) {
            case STORE:
                return "STORE(" + value.length + " bytes, " + expiry + ", flags=" + flags + ")";
            case TOUCH:
                return "TOUCH(" + expiry + ")";
            default:
                return kind.toString();
        }
    }
}
