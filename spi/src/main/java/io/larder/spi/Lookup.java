package io.larder.spi;

import java.util.Objects;

/**
 * The answer of a lease-aware {@link StorageEngine#lookup}: what to serve and who rebuilds.
 * <ul>
 *   <li>{@link Status#HIT}: a fresh entry to serve; nobody needs to rebuild.</li>
 *   <li>{@link Status#WON}: this caller holds the lease and must rebuild, then store with
 *       {@link StorageEngine#compareAndSet} and the {@link #token()} (or delete to give the lease
 *       up). The entry is the stale or soon-expiring value to serve meanwhile, or null after a
 *       miss.</li>
 *   <li>{@link Status#TAKEN}: another caller holds the lease. The entry is the stale or
 *       soon-expiring value to serve meanwhile, or null (wait and look again, or go to the
 *       origin).</li>
 *   <li>{@link Status#MISS}: no value and no lease (vivify on miss is off).</li>
 * </ul>
 * {@link #stale()} says whether the entry served is stale (marked by {@link StorageEngine#markStale}
 * or a soft invalidation).
 */
public final class Lookup {

    /** The kinds of answer. */
    public enum Status {
        /** A fresh entry, no lease. */
        HIT,
        /** This caller won the lease. */
        WON,
        /** Another caller holds the lease. */
        TAKEN,
        /** Nothing to serve and no lease. */
        MISS
    }

    private static final Lookup MISS = new Lookup(Status.MISS, null, 0);
    private static final Lookup TAKEN_EMPTY = new Lookup(Status.TAKEN, null, 0);

    private final Status status;
    private final Entry entry;
    private final long token;

    private Lookup(Status status, Entry entry, long token) {
        this.status = status;
        this.entry = entry;
        this.token = token;
    }

    /**
     * A fresh hit.
     *
     * @param entry the entry to serve
     * @return the answer
     * @throws NullPointerException if {@code entry} is null
     */
    public static Lookup hit(Entry entry) {
        return new Lookup(Status.HIT, Objects.requireNonNull(entry, "entry"), 0);
    }

    /**
     * This caller won the lease.
     *
     * @param token the lease token, the version a compare-and-set must name
     * @param entry the value to serve meanwhile, or null
     * @return the answer
     * @throws IllegalArgumentException if {@code token} is not positive
     */
    public static Lookup won(long token, Entry entry) {
        if (token <= 0) {
            throw new IllegalArgumentException("a lease token is a version, > 0; got " + token);
        }
        return new Lookup(Status.WON, entry, token);
    }

    /**
     * Another caller holds the lease.
     *
     * @param entry the value to serve meanwhile, or null
     * @return the answer
     */
    public static Lookup taken(Entry entry) {
        return entry == null ? TAKEN_EMPTY : new Lookup(Status.TAKEN, entry, 0);
    }

    /** {@return no value, no lease} */
    public static Lookup miss() {
        return MISS;
    }

    /** {@return what happened} */
    public Status status() {
        return status;
    }

    /** {@return the entry to serve, or null when there is none} */
    public Entry entry() {
        return entry;
    }

    /** {@return the lease token when {@link Status#WON}, else 0} */
    public long token() {
        return token;
    }

    /** {@return whether this caller holds the lease and must rebuild} */
    public boolean won() {
        return status == Status.WON;
    }

    /** {@return whether an entry is served and it is stale} */
    public boolean stale() {
        return entry != null && entry.stale();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Lookup)) {
            return false;
        }
        Lookup l = (Lookup) o;
        return status == l.status && token == l.token && Objects.equals(entry, l.entry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, entry, token);
    }

    @Override
    public String toString() {
        return "Lookup[" + status + (token != 0 ? ", token=" + token : "") + (entry != null ? ", " + entry : "") + "]";
    }
}
