package io.larder.benchmarks;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Per-thread uniform random choice among the {@link #KEYS} keys a benchmark stores, the same sequence every run. */
@State(Scope.Thread)
public class KeyPicker {

    /** Keys each benchmark stores. */
    public static final int KEYS = 10_000;

    private final SplittableRandom random = new SplittableRandom(42);

    /** The index of the next key. */
    public int next() {
        return random.nextInt(KEYS);
    }
}
