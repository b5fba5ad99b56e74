package io.larder.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A small seeded property engine for sequences of actions on a state: generates random sequences,
 * runs each on a fresh state, and when one fails, shrinks it (removing chunks of actions, then
 * simplifying each action's arguments) to a short sequence that still fails the same way: the same
 * exception class, thrown by the same {@linkplain Step#kind() kind} of action. The failure names the
 * seed and the settings it was given; the same seed (given as {@code -Dlarder.tck.seed=N}) with the
 * same length and action count generates the same sequences again.
 *
 * <p>Nothing is printed: the seed and the shrunk sequence are in the {@link AssertionError} thrown,
 * which the test runner reports.
 *
 * @param <S> the state the actions run on, opened fresh for every run and closed after it
 */
public final class SequenceProperty<S extends AutoCloseable> {

    /** One action of a sequence: a value that describes itself and can run on a state. */
    public interface Step<S> {

        /** What the action does, for the failure report. */
        String describe();

        /**
         * Runs the action.
         *
         * @throws Exception when the state does not behave as expected
         */
        void run(S state) throws Exception;

        /** Simpler forms of this action (smaller arguments), tried in order while shrinking; may be empty. */
        default List<Step<S>> simpler() {
            return List.of();
        }

        /**
         * What kind of action this is, whatever its arguments: shrinking keeps a failure only while
         * it is thrown by an action of the kind that threw it first, so it does not drift to another
         * bug. The action's class by default; override where one class stands for several operations.
         */
        default String kind() {
            return getClass().getName();
        }
    }

    /** What a run found: how many sequences and actions ran, the seed. */
    public record Outcome(long seed, int sequences, long actions) {
    }

    private final String name;
    private final Supplier<S> open;
    private final Function<SplittableRandom, Step<S>> generator;
    private final int maxShrinkRuns;
    private final long maxShrinkNanos;

    /**
     * A property.
     *
     * @param name what the property says, for the failure report
     * @param open opens a fresh state for one run of a sequence
     * @param generator draws one random action
     * @param maxShrinkRuns at most this many runs are spent shrinking a failure
     * @param maxShrinkSeconds and at most this many seconds
     */
    public SequenceProperty(String name, Supplier<S> open, Function<SplittableRandom, Step<S>> generator,
            int maxShrinkRuns, int maxShrinkSeconds) {
        this.name = name;
        this.open = open;
        this.generator = generator;
        this.maxShrinkRuns = maxShrinkRuns;
        this.maxShrinkNanos = TimeUnit.SECONDS.toNanos(maxShrinkSeconds);
    }

    /** The seed of sequence {@code index} of a run seeded with {@code seed}. */
    static long sequenceSeed(long seed, int index) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (index + 1))).nextLong();
    }

    /**
     * Generates and runs sequences of 1 to {@code maxLength} actions until at least
     * {@code minActions} actions have run.
     *
     * @return the figures of a run in which every sequence held
     * @throws AssertionError naming the seed and the shrunk failing sequence, with the shrunk
     *         sequence's failure as its cause, if a sequence fails
     */
    public Outcome check(long seed, long minActions, int maxLength) {
        return check(seed, minActions, maxLength, "");
    }

    /**
     * As {@link #check(long, long, int)}, for a caller whose {@code minActions} and {@code maxLength}
     * come from settings: the failure's replay line names them after the seed, so copying the line
     * generates the same sequences again.
     *
     * @param replaySettings the settings that give {@code minActions} and {@code maxLength} their values,
     *        as {@code -Dname=value} separated by spaces; empty if they are fixed in code
     * @return the figures of a run in which every sequence held
     * @throws AssertionError naming the seed, the replay settings and the shrunk failing sequence, with
     *         the shrunk sequence's failure as its cause, if a sequence fails
     */
    public Outcome check(long seed, long minActions, int maxLength, String replaySettings) {
        long actions = 0;
        int i = 0;
        for (; actions < minActions; i++) {
            SplittableRandom random = new SplittableRandom(sequenceSeed(seed, i));
            int length = 1 + random.nextInt(maxLength);
            List<Step<S>> steps = new ArrayList<>(length);
            for (int j = 0; j < length; j++) {
                steps.add(generator.apply(random));
            }
            Failure failure = run(steps);
            if (failure != null) {
                throw report(seed, replaySettings, i, steps.size(), shrink(steps, failure));
            }
            actions += length;
        }
        return new Outcome(seed, i, actions);
    }

    /**
     * A failed run: the steps up to and including the failing one, what it threw, and where: the
     * failing step's kind, or the opening or closing of the state.
     */
    private record Failure(List<?> steps, Throwable error, String where) {

        /** Whether this is the failure {@code first} is: the same exception class, thrown at the same kind of place. */
        boolean sameAs(Failure first) {
            return error.getClass() == first.error.getClass() && where.equals(first.where);
        }
    }

    private Failure run(List<Step<S>> steps) {
        int done = 0;
        Throwable error = null;
        String where = "opening the state";
        S state = null;
        try {
            state = open.get();
            for (Step<S> step : steps) {
                done++;
                where = step.kind();
                step.run(state);
            }
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError) {
                throw (VirtualMachineError) t;
            }
            error = t;
        } finally {
            if (state != null) {
                try {
                    state.close();
                } catch (Throwable t) {
                    if (error == null) {
                        error = t;
                        where = "closing the state";
                        done = steps.size();
                    } else if (error != t) {
                        error.addSuppressed(t);
                    }
                }
            }
        }
        return error == null ? null
                : new Failure(new ArrayList<>(steps.subList(0, Math.max(done, 0))), error, where);
    }

    @SuppressWarnings("unchecked")
    private Failure shrink(List<Step<S>> original, Failure first) {
        Failure best = first;
        long deadline = System.nanoTime() + maxShrinkNanos;
        int[] runs = {0};
        // Remove chunks, halving their size when no chunk of this size can go.
        int chunk = Math.max(1, best.steps().size() / 2);
        while (chunk >= 1 && budgetLeft(runs, deadline)) {
            boolean removed = false;
            for (int start = 0; start < best.steps().size() && budgetLeft(runs, deadline); ) {
                List<Step<S>> steps = (List<Step<S>>) best.steps();
                List<Step<S>> candidate = new ArrayList<>(steps.subList(0, start));
                candidate.addAll(steps.subList(Math.min(steps.size(), start + chunk), steps.size()));
                Failure f = candidate.isEmpty() ? null : attempt(candidate, first, runs);
                if (f != null) {
                    best = f;
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (!removed) {
                chunk /= 2;
            }
        }
        // Simplify arguments, one action at a time, until nothing simpler fails.
        boolean simplified = true;
        while (simplified && budgetLeft(runs, deadline)) {
            simplified = false;
            for (int i = 0; i < best.steps().size() && budgetLeft(runs, deadline); i++) {
                List<Step<S>> steps = (List<Step<S>>) best.steps();
                for (Step<S> simpler : steps.get(i).simpler()) {
                    List<Step<S>> candidate = new ArrayList<>(steps);
                    candidate.set(i, simpler);
                    Failure f = attempt(candidate, first, runs);
                    if (f != null) {
                        best = f;
                        simplified = true;
                        break;
                    }
                }
            }
        }
        return best;
    }

    private boolean budgetLeft(int[] runs, long deadline) {
        return runs[0] < maxShrinkRuns && System.nanoTime() < deadline;
    }

    private Failure attempt(List<Step<S>> candidate, Failure first, int[] runs) {
        runs[0]++;
        Failure f = run(candidate);
        return f != null && f.sameAs(first) ? f : null;
    }

    private AssertionError report(long seed, String replaySettings, int index, int originalLength, Failure shrunk) {
        StringBuilder text = new StringBuilder();
        text.append(name).append(": sequence ").append(index + 1).append(" of the run with seed ").append(seed)
                .append(" failed (replay with -Dlarder.tck.seed=").append(seed)
                .append(replaySettings.isBlank() ? "" : " " + replaySettings.strip()).append("); shrunk from ")
                .append(originalLength).append(" to ").append(shrunk.steps().size()).append(" actions:");
        int n = 1;
        for (Object step : shrunk.steps()) {
            text.append(System.lineSeparator()).append("  ").append(n++).append(". ")
                    .append(((Step<?>) step).describe());
        }
        text.append(System.lineSeparator()).append("failed with: ").append(shrunk.error());
        return new AssertionError(text.toString(), shrunk.error());
    }
}
