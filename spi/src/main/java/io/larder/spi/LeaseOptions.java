package io.larder.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StorageEngine#lookup} hands out leases (memcached's meta {@code mg} flags {@code N},
 * {@code R} and the stale handling of {@code X}/{@code W}/{@code Z}):
 * <ul>
 *   <li><b>lease time</b>: how long a lease lasts. A lease that is not ended by a store or a delete
 *       runs out after it, and the next lookup wins a new one, so a crashed rebuilder never blocks a
 *       key for longer. Positive, whole milliseconds (rounded up).</li>
 *   <li><b>vivify on miss</b> (default on; {@code N}): on a miss, leave a lease placeholder that
 *       lives for the lease time and tell this caller it won. Off: a miss is only a miss.</li>
 *   <li><b>recache below</b> (default off; {@code R}): a live, fresh entry whose remaining time to
 *       live is below this hands out a lease too, while it is still served.</li>
 *   <li><b>accept stale</b> (default on): a stale entry's value is returned with its mark. Off: a
 *       stale entry's value is not returned, but the lease decision is the same.</li>
 * </ul>
 * Typical use: {@code engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(10)))}.
 */
public final class LeaseOptions {

    private final long leaseMillis;
    private final boolean vivifyOnMiss;
    private final long recacheBelowMillis;
    private final boolean acceptStale;

    private LeaseOptions(long leaseMillis, boolean vivifyOnMiss, long recacheBelowMillis, boolean acceptStale) {
        this.leaseMillis = leaseMillis;
        this.vivifyOnMiss = vivifyOnMiss;
        this.recacheBelowMillis = recacheBelowMillis;
        this.acceptStale = acceptStale;
    }

    /**
     * Leases of this length, vivify on miss, no recache, stale values accepted.
     *
     * @param leaseTime how long a lease lasts
     * @return the options
     * @throws NullPointerException if {@code leaseTime} is null
     * @throws IllegalArgumentException if {@code leaseTime} is not positive or longer than
     *         {@link Expiry#MAX_EPOCH_MILLIS} milliseconds
     */
    public static LeaseOptions of(Duration leaseTime) {
        return new LeaseOptions(millis(leaseTime, "lease time", false), true, 0, true);
    }

    /**
     * The same options, with or without vivify on miss.
     *
     * @param vivify whether a miss leaves a lease placeholder and wins its lease
     * @return the options
     */
    public LeaseOptions withVivifyOnMiss(boolean vivify) {
        return new LeaseOptions(leaseMillis, vivify, recacheBelowMillis, acceptStale);
    }

    /**
     * The same options with a recache threshold: a fresh entry with less time to live than this
     * hands out a lease. {@link Duration#ZERO} turns it off.
     *
     * @param threshold the remaining time to live below which a lease is handed out
     * @return the options
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException if {@code threshold} is negative or longer than
     *         {@link Expiry#MAX_EPOCH_MILLIS} milliseconds
     */
    public LeaseOptions withRecacheBelow(Duration threshold) {
        return new LeaseOptions(leaseMillis, vivifyOnMiss, millis(threshold, "recache threshold", true), acceptStale);
    }

    /**
     * The same options, with or without stale values in the result.
     *
     * @param accept whether a stale entry's value is returned
     * @return the options
     */
    public LeaseOptions withAcceptStale(boolean accept) {
        return new LeaseOptions(leaseMillis, vivifyOnMiss, recacheBelowMillis, accept);
    }

    /** {@return how long a lease lasts, in milliseconds, positive} */
    public long leaseMillis() {
        return leaseMillis;
    }

    /** {@return whether a miss leaves a placeholder and wins its lease} */
    public boolean vivifyOnMiss() {
        return vivifyOnMiss;
    }

    /** {@return the recache threshold in milliseconds, 0 when off} */
    public long recacheBelowMillis() {
        return recacheBelowMillis;
    }

    /** {@return whether a stale entry's value is returned} */
    public boolean acceptStale() {
        return acceptStale;
    }

    private static long millis(Duration d, String what, boolean zeroAllowed) {
        Objects.requireNonNull(d, what + " must not be null");
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "zero or positive" : "positive")
                    + ", got " + d);
        }
        if (d.compareTo(Duration.ofMillis(Expiry.MAX_EPOCH_MILLIS)) > 0) {
            throw new IllegalArgumentException(what + " is at most " + Expiry.MAX_EPOCH_MILLIS + " ms, got " + d);
        }
        long ms = d.toMillis();
        return d.minusMillis(ms).isZero() ? ms : ms + 1;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LeaseOptions)) {
            return false;
        }
        LeaseOptions l = (LeaseOptions) o;
        return leaseMillis == l.leaseMillis && vivifyOnMiss == l.vivifyOnMiss
                && recacheBelowMillis == l.recacheBelowMillis && acceptStale == l.acceptStale;
    }

    @Override
    public int hashCode() {
        return Objects.hash(leaseMillis, vivifyOnMiss, recacheBelowMillis, acceptStale);
    }

    @Override
    public String toString() {
        return "LeaseOptions[lease=" + leaseMillis + "ms" + (vivifyOnMiss ? ", vivify" : "")
                + (recacheBelowMillis > 0 ? ", recacheBelow=" + recacheBelowMillis + "ms" : "")
                + (acceptStale ? ", acceptStale" : "") + "]";
    }
}
