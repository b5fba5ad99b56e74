package io.larder.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When an entry expires: {@link #never()}, {@link #after(Duration) a duration from now}, or
 * {@link #at(Instant) an instant}. An entry is live while {@code expiresAt == 0 || now < expiresAt},
 * where {@code expiresAt} is in epoch milliseconds and 0 means never.
 *
 * <p>Durations count whole milliseconds, a remainder rounded up. A duration of zero, or an
 * instant at or before now, expires the entry at once: the write is
 * applied and the entry is immediately absent. Refused with an {@link IllegalArgumentException}
 * that names the limit: a negative duration, an instant before the epoch, and anything that would
 * expire after {@link #MAX_EPOCH_MILLIS} (the end of year 9999), which no sane cache means.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Expiry {

    /** The latest expiry accepted: 9999-12-31T23:59:59.999Z. */
    public static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    private static final Expiry NEVER = new Expiry(Kind.NEVER, 0);

    private enum Kind { NEVER, AFTER, AT }

    private final Kind kind;
    private final long millis;

    private Expiry(Kind kind, long millis) {
        this.kind = kind;
        this.millis = millis;
    }

    /** {@return the expiry that never comes} */
    public static Expiry never() {
        return NEVER;
    }

    /**
     * Expires {@code duration} after the engine's clock reads the time of the write.
     *
     * @param duration how long after the write, in whole milliseconds, a remainder rounded up
     * @return the expiry
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if negative or longer than the limit
     */
    public static Expiry after(Duration duration) {
        Objects.requireNonNull(duration, "expiry duration must not be null (use Expiry.never())");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("expiry duration " + duration + " is negative; use a duration >= 0");
        }
        if (duration.compareTo(Duration.ofMillis(MAX_EPOCH_MILLIS)) > 0) {
            throw new IllegalArgumentException("expiry duration " + duration + " is absurd; the latest expiry is "
                    + Instant.ofEpochMilli(MAX_EPOCH_MILLIS));
        }
        long millis = duration.toMillis();
        // Round a remainder up, so that a positive duration never expires at once.
        if (Duration.ofMillis(millis).compareTo(duration) < 0) {
            millis++;
        }
        return new Expiry(Kind.AFTER, millis);
    }

    /**
     * {@link #after(Duration)} in milliseconds.
     *
     * @param millis how long after the write
     * @return the expiry
     * @throws IllegalArgumentException if negative or longer than the limit
     */
    public static Expiry afterMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("expiry duration " + millis + " ms is negative; use a duration >= 0");
        }
        return after(Duration.ofMillis(millis));
    }

    /**
     * Expires at an instant; one at or before now expires the entry at once.
     *
     * @param instant when the entry expires, to the millisecond
     * @return the expiry
     * @throws NullPointerException if {@code instant} is null
     * @throws IllegalArgumentException if before the epoch or after the limit
     */
    public static Expiry at(Instant instant) {
        Objects.requireNonNull(instant, "expiry instant must not be null (use Expiry.never())");
        if (instant.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("expiry instant " + instant + " is before the epoch");
        }
        if (instant.isAfter(Instant.ofEpochMilli(MAX_EPOCH_MILLIS))) {
            throw new IllegalArgumentException("expiry instant " + instant + " is absurd; the latest expiry is "
                    + Instant.ofEpochMilli(MAX_EPOCH_MILLIS));
        }
        return atEpochMillis(instant.toEpochMilli());
    }

    /**
     * Expires at epoch milliseconds. Unlike a stored {@code expiresAt}, 0 here is the epoch itself
     * (long past), not "never".
     *
     * @param epochMillis when the entry expires, in milliseconds since the epoch
     * @return the expiry
     * @throws IllegalArgumentException if negative or after {@link #MAX_EPOCH_MILLIS}
     */
    public static Expiry atEpochMillis(long epochMillis) {
        if (epochMillis < 0) {
            throw new IllegalArgumentException("expiry " + epochMillis + " ms is before the epoch");
        }
        if (epochMillis > MAX_EPOCH_MILLIS) {
            throw new IllegalArgumentException("expiry " + epochMillis + " ms is absurd; the latest expiry is "
                    + MAX_EPOCH_MILLIS + " ms (" + Instant.ofEpochMilli(MAX_EPOCH_MILLIS) + ")");
        }
        return new Expiry(Kind.AT, epochMillis);
    }

    /**
     * The stored form of a metadata {@code expiresAt}: 0 is {@link #never()}, anything else the instant.
     * This is how an operation that keeps an entry's expiry (append, increment) passes it on.
     *
     * @param expiresAt a stored expiry: 0 for never, else epoch milliseconds
     * @return the expiry
     * @throws IllegalArgumentException if negative or after {@link #MAX_EPOCH_MILLIS}
     */
    public static Expiry ofExpiresAt(long expiresAt) {
        return expiresAt == 0 ? NEVER : atEpochMillis(expiresAt);
    }

    /** {@return whether this is {@link #never()}} */
    public boolean isNever() {
        return kind == Kind.NEVER;
    }

    /**
     * The absolute {@code expiresAt} for a write at {@code nowMillis}: 0 for never, else epoch
     * milliseconds, at least 1 so that a long-past instant never reads as "never".
     *
     * @param nowMillis the time of the write on the engine's clock
     * @return the stored form of this expiry
     * @throws IllegalArgumentException if a duration from now would pass the limit
     */
    public long expiresAt(long nowMillis) {
        switch (kind) {
            case NEVER:
                return 0;
            case AT:
                return Math.max(1, millis);
            default:
                long at = nowMillis + millis;
                if (at > MAX_EPOCH_MILLIS || at < nowMillis) {
                    throw new IllegalArgumentException("expiry " + millis + " ms after now passes the latest expiry "
                            + Instant.ofEpochMilli(MAX_EPOCH_MILLIS));
                }
                return Math.max(1, at);
        }
    }

    /**
     * Whether an entry with this stored {@code expiresAt} is live at {@code nowMillis}.
     *
     * @param expiresAt a stored expiry: 0 for never, else epoch milliseconds
     * @param nowMillis the time on the engine's clock
     * @return true if the entry is live: {@code expiresAt == 0 || nowMillis < expiresAt}
     */
    public static boolean isLive(long expiresAt, long nowMillis) {
        return expiresAt == 0 || nowMillis < expiresAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Expiry && ((Expiry) o).kind == kind && ((Expiry) o).millis == millis;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Long.hashCode(millis);
    }

    @Override
    public String toString() {
        switch (kind) {
            case NEVER:
                return "Expiry.never()";
            case AT:
                return "Expiry.at(" + Instant.ofEpochMilli(millis) + ")";
            default:
                return "Expiry.after(" + Duration.ofMillis(millis) + ")";
        }
    }
}
