package io.larder.spi;

/**
 * What a conditional write did. {@link Status#STORED} carries the new version,
 * {@link Status#EXISTS} the version of the live entry that stopped the write,
 * {@link Status#TOUCHED} the entry's unchanged version, {@link Status#DELETED} the version removed;
 * {@link Status#NOT_FOUND} carries 0.
 */
public final class Outcome {

    /** The kinds of outcome. */
    public enum Status {
        /** The value was written. */
        STORED,
        /** A live entry stopped the write: it exists ({@code add}) or has another version (CAS, delete). */
        EXISTS,
        /** No live entry under the key. */
        NOT_FOUND,
        /** The entry was removed. */
        DELETED,
        /** The entry's expiry was changed. */
        TOUCHED
    }

    private static final Outcome NOT_FOUND = new Outcome(Status.NOT_FOUND, 0);

    private final Status status;
    private final long version;

    private Outcome(Status status, long version) {
        this.status = status;
        this.version = version;
    }

    /**
     * Written, with the new version.
     *
     * @param version the new version
     * @return the outcome
     */
    public static Outcome stored(long version) {
        return new Outcome(Status.STORED, version);
    }

    /**
     * Stopped by a live entry of this version.
     *
     * @param currentVersion the live entry's version
     * @return the outcome
     */
    public static Outcome exists(long currentVersion) {
        return new Outcome(Status.EXISTS, currentVersion);
    }

    /** {@return the outcome for no live entry} */
    public static Outcome notFound() {
        return NOT_FOUND;
    }

    /**
     * Removed the entry of this version.
     *
     * @param version the removed entry's version
     * @return the outcome
     */
    public static Outcome deleted(long version) {
        return new Outcome(Status.DELETED, version);
    }

    /**
     * Changed the expiry of the entry of this (unchanged) version.
     *
     * @param version the entry's version
     * @return the outcome
     */
    public static Outcome touched(long version) {
        return new Outcome(Status.TOUCHED, version);
    }

    /** {@return the kind of outcome} */
    public Status status() {
        return status;
    }

    /** {@return the version that goes with the status (see the class comment); 0 for not found} */
    public long version() {
        return version;
    }

    /** {@return whether the value was written} */
    public boolean isStored() {
        return status == Status.STORED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outcome && ((Outcome) o).status == status && ((Outcome) o).version == version;
    }

    @Override
    public int hashCode() {
        return status.hashCode() * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return status == Status.NOT_FOUND ? "NOT_FOUND" : status + "(" + version + ")";
    }
}
