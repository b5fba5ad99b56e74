package io.larder.tck;

import io.larder.spi.Capability;
import java.time.Duration;

/**
 * What every suite of the kit shares: the engine's factory, and the sizes the kit opens it with.
 * Override the defaults where an engine needs other sizes; keep {@link #tckMaxValueSize()} well
 * below {@link #tckCapacity()}.
 */
public interface TckSuite {

    /** How to open the engine under test. */
    TckEngineFactory factory();

    /** Capacity for most suites; small enough that the capacity suite fills it ten times quickly. */
    default long tckCapacity() {
        return 16L << 20;
    }

    /** The largest value the kit writes and expects to be stored. */
    default long tckMaxValueSize() {
        return 64L << 10;
    }

    /** How often the kit asks the engine to sweep expired entries. */
    default Duration tckSweepInterval() {
        return Duration.ofMillis(50);
    }

    /**
     * Bytes by which the engine's {@code stats().bytesUsed()} may exceed its capacity: the
     * documented overhead. The reference engine has none.
     */
    default long tckAllowedOverheadBytes(long capacity) {
        return 0;
    }

    /**
     * How hard the suites run: {@code -Dlarder.tck.intensity=quick|standard|soak}, {@code standard}
     * by default. Override to pin one for a test class.
     */
    default TckIntensity tckIntensity() {
        return TckIntensity.current();
    }

    /**
     * The seed of every random choice the suites make: {@code -Dlarder.tck.seed=N}, with the other
     * settings a failure's replay line names, replays the run that failed; a fresh one otherwise.
     */
    default long tckSeed() {
        String fixed = System.getProperty("larder.tck.seed");
        if (fixed == null || fixed.isBlank()) {
            return new java.util.SplittableRandom().nextLong();
        }
        try {
            return Long.parseLong(fixed.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dlarder.tck.seed=" + fixed + " is not a whole number", e);
        }
    }

    /** Opens an engine with the kit's default sizes. */
    default EngineUnderTest openEngine() {
        return EngineUnderTest.open(factory(), tckCapacity(), tckMaxValueSize(), tckSweepInterval());
    }

    /** Whether the engine under test declares a capability (opens one to ask). */
    default boolean engineDeclares(Capability capability) {
        try (EngineUnderTest e = openEngine()) {
            return e.engine().capabilities().contains(capability);
        }
    }
}
