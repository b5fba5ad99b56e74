package io.larder.tck;

import java.time.Duration;
import java.util.Locale;

/**
 * How hard the kit runs, chosen by one system property, {@code -Dlarder.tck.intensity=quick|standard|soak}:
 *
 * <ul>
 *   <li>{@code quick}: a smoke run in seconds per engine (the kit's own self-test uses it);
 *   <li>{@code standard}, the default: at least 10,000 model-checked actions, a thousand concurrent
 *       histories and 20 SIGKILL crash rounds per engine, sized for every build;
 *   <li>{@code soak}: at least 1,000,000 model-checked actions, tens of thousands of concurrent
 *       histories with more threads and keys, 200 crash rounds and races that run for seconds; for
 *       an engine author to run before trusting an engine with data.
 * </ul>
 *
 * Suites, the kit's and an engine's own, scale their counts with {@link #pick} or {@link #scale} on
 * {@link TckSuite#tckIntensity()}, never on {@link #current()} directly, so a test class that pins
 * an intensity by overriding {@code tckIntensity()} is obeyed.
 */
public enum TckIntensity {
    /** A smoke run. */
    QUICK,
    /** Every build. */
    STANDARD,
    /** Before trusting an engine. */
    SOAK;

    /** The system property that chooses the intensity. */
    public static final String PROPERTY = "larder.tck.intensity";

    /**
     * The intensity the system property names, {@link #STANDARD} when it is not set.
     *
     * @throws IllegalArgumentException if the property names no intensity
     */
    public static TckIntensity current() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return STANDARD;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
                    + " names no intensity; use quick, standard or soak", e);
        }
    }

    /** {@return the setting that selects this intensity, as {@code -Dlarder.tck.intensity=quick}, for replay lines} */
    public String setting() {
        return "-D" + PROPERTY + "=" + name().toLowerCase(Locale.ROOT);
    }

    /** The one of three figures that belongs to this intensity. */
    public int pick(int quick, int standard, int soak) {
        return this == QUICK ? quick : this == STANDARD ? standard : soak;
    }

    /** The one of three figures that belongs to this intensity. */
    public long pick(long quick, long standard, long soak) {
        return this == QUICK ? quick : this == STANDARD ? standard : soak;
    }

    /** The one of three durations that belongs to this intensity. */
    public Duration pick(Duration quick, Duration standard, Duration soak) {
        return this == QUICK ? quick : this == STANDARD ? standard : soak;
    }

    /**
     * A count sized for {@code standard}, scaled: a tenth of it (at least 1) at {@code quick}, a
     * hundred times it at {@code soak}.
     */
    public int scale(int standardCount) {
        return this == QUICK ? Math.max(1, standardCount / 10)
                : this == STANDARD ? standardCount : (int) Math.min(Integer.MAX_VALUE, standardCount * 100L);
    }
}
