package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The kit's property engine: it finds, shrinks, reports and replays a failure. */
class SequencePropertyTest {

    /** A state that fails once a value of at least 5 is added after a reset. */
    static final class Counter implements AutoCloseable {
        final List<Integer> seen = new ArrayList<>();
        boolean reset;

        @Override
        public void close() {
        }
    }

    record Add(int value) implements SequenceProperty.Step<Counter> {
        @Override
        public String describe() {
            return "add " + value;
        }

        @Override
        public void run(Counter c) {
            c.seen.add(value);
            if (c.reset && value >= 5) {
                throw new AssertionError("added " + value + " after a reset");
            }
        }

        @Override
        public List<SequenceProperty.Step<Counter>> simpler() {
            return value > 0 ? List.of(new Add(0), new Add(value - 1)) : List.of();
        }
    }

    record Reset() implements SequenceProperty.Step<Counter> {
        @Override
        public String describe() {
            return "reset";
        }

        @Override
        public void run(Counter c) {
            c.reset = true;
        }
    }

    private static SequenceProperty<Counter> property() {
        return new SequenceProperty<>("adds after a reset stay small", Counter::new,
                (SplittableRandom r) -> r.nextInt(10) == 0 ? new Reset() : new Add(r.nextInt(20)), 10_000, 30);
    }

    @Test
    void aFailureIsShrunkToItsSmallestFormAndNamesTheSeed() {
        assertThatThrownBy(() -> property().check(42, 100_000, 50))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed 42 failed (replay with -Dlarder.tck.seed=42)")
                .hasMessageContaining("to 2 actions:" + System.lineSeparator() + "  1. reset" + System.lineSeparator()
                        + "  2. add 5" + System.lineSeparator() + "failed with: java.lang.AssertionError: added 5 "
                        + "after a reset");
    }

    @Test
    void theSameSeedReplaysTheSameFailure() {
        String first = failure(7);
        assertThat(failure(7)).isEqualTo(first);
        assertThat(first).contains("of the run with seed 7 ");
    }

    @Test
    void aPassingRunReportsWhatItRan() {
        SequenceProperty.Outcome outcome = new SequenceProperty<Counter>("adds are fine", Counter::new,
                r -> new Add(r.nextInt(3)), 10, 1).check(3, 1000, 20);
        assertThat(outcome.actions()).isGreaterThanOrEqualTo(1000);
        assertThat(outcome.seed()).isEqualTo(3);
    }

    private static String failure(long seed) {
        try {
            property().check(seed, 100_000, 50);
        } catch (AssertionError e) {
            return e.getMessage();
        }
        throw new AssertionError("no failure with seed " + seed);
    }
}
