package io.larder.spi;

/**
 * Where an engine starts counting versions, so that versions never repeat across restarts, even
 * for an engine that keeps nothing across them.
 *
 * <p>A version handed out after open is always greater than {@code clock.millis() << }{@link
 * #TICK_BITS} at open: the clock's milliseconds, scaled so that the store would have to hand out
 * more than 2<sup>21</sup> (about two million) versions per millisecond, sustained since it opened,
 * before a later open on a clock that moved forward could reach a version it had used. A persistent
 * engine passes the highest version it has on record as well and starts above both, so a clock set
 * back does not repeat versions either. The scale lasts until the year 2109 (a clock past it is
 * refused).
 *
 * <p>Versions of two stores (two processes, two nodes behind one balancer) can still be equal; an
 * application that shows them to clients of several stores makes its ETags unique by adding the
 * store's own identity, for example {@code "<node>-<version>"}.
 */
public final class Versions {

    /** How far the clock's milliseconds are shifted left to make the first version of an open. */
    public static final int TICK_BITS = 21;

    /** The last epoch millisecond whose shifted value still fits in a positive {@code long}. */
    public static final long LATEST_MILLIS = Long.MAX_VALUE >>> TICK_BITS;

    private Versions() {
    }

    /**
     * The version an engine opening now counts up from: its first write gets a greater one.
     *
     * @param clock the engine's clock
     * @param lastOnRecord the highest version the store has on record (0 for none)
     * @return {@code max(lastOnRecord, clock.millis() << TICK_BITS)}
     * @throws IllegalStateException if the clock reads before the epoch or after {@link #LATEST_MILLIS}
     * @throws IllegalArgumentException if {@code lastOnRecord} is negative
     */
    public static long floor(Clock clock, long lastOnRecord) {
        if (lastOnRecord < 0) {
            throw new IllegalArgumentException("lastOnRecord must be >= 0, was " + lastOnRecord);
        }
        long millis = clock.millis();
        if (millis < 0 || millis > LATEST_MILLIS) {
            throw new IllegalStateException("the clock reads " + millis
                    + " ms since the epoch; versions are seeded from clocks between 0 and " + LATEST_MILLIS);
        }
        return Math.max(lastOnRecord, millis << TICK_BITS);
    }
}
