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

    /**
     * Two bugs of one exception class: adding 5 or more while a toggle is on fails, and so does a
     * check that finds the sum at 13 or more while it is off.
     */
    static final class Toggled implements AutoCloseable {
        boolean on;
        int sum;

        @Override
        public void close() {
        }
    }

    record Toggle() implements SequenceProperty.Step<Toggled> {
        @Override
        public String describe() {
            return "toggle";
        }

        @Override
        public void run(Toggled t) {
            t.on = !t.on;
        }
    }

    record AddTo(int value) implements SequenceProperty.Step<Toggled> {
        @Override
        public String describe() {
            return "add " + value;
        }

        @Override
        public void run(Toggled t) {
            if (t.on && value >= 5) {
                throw new AssertionError("added " + value + " while on");
            }
            t.sum += value;
        }

        @Override
        public List<SequenceProperty.Step<Toggled>> simpler() {
            return value > 0 ? List.of(new AddTo(0), new AddTo(value - 1)) : List.of();
        }
    }

    record CheckSum() implements SequenceProperty.Step<Toggled> {
        @Override
        public String describe() {
            return "check";
        }

        @Override
        public void run(Toggled t) {
            if (!t.on && t.sum >= 13) {
                throw new AssertionError("sum " + t.sum + " while off");
            }
        }
    }

    @Test
    void shrinkingKeepsTheFailureItFoundAndDoesNotDriftToAnother() {
        // Every sequence is a prefix of this script, so the first to reach the check fails there, on
        // the sum; dropping the first two actions would make the add of 6 fail instead, a different bug.
        List<SequenceProperty.Step<Toggled>> script = List.of(new AddTo(7), new Toggle(), new Toggle(), new AddTo(6),
                new CheckSum());
        SplittableRandom[] sequence = {null};
        int[] next = {0};
        SequenceProperty<Toggled> property = new SequenceProperty<>("sums stay small", Toggled::new, r -> {
            if (r != sequence[0]) {
                sequence[0] = r;
                next[0] = 0;
            }
            return script.get(next[0]++ % script.size());
        }, 10_000, 30);
        String n = System.lineSeparator();
        assertThatThrownBy(() -> property.check(11, 100_000, 8))
                .isInstanceOf(AssertionError.class)
                .hasMessageEndingWith(". check" + n + "failed with: java.lang.AssertionError: sum 13 while off");
    }

    /** A state whose close throws too. */
    static final class FailsToClose implements AutoCloseable {
        @Override
        public void close() {
            throw new IllegalStateException("close failed too");
        }
    }

    @Test
    void aCloseThatAlsoThrowsIsKeptAsSuppressed() {
        SequenceProperty<FailsToClose> property = new SequenceProperty<>("nothing fails", FailsToClose::new,
                r -> new SequenceProperty.Step<FailsToClose>() {
                    @Override
                    public String describe() {
                        return "fail";
                    }

                    @Override
                    public void run(FailsToClose state) {
                        throw new AssertionError("the step failed");
                    }
                }, 100, 5);
        assertThatThrownBy(() -> property.check(1, 10, 3))
                .hasMessageEndingWith("failed with: java.lang.AssertionError: the step failed")
                .cause().hasMessage("the step failed")
                .satisfies(cause -> assertThat(cause.getSuppressed()).extracting(Throwable::getMessage)
                        .contains("close failed too"));
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
