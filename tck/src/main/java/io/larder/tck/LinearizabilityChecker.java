package io.larder.tck;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that a concurrent history of operations on one key is linearizable against a sequential
 * model of the contract (Wing and Gong's search, with memoization of visited configurations).
 * Linearizability is local, so a history over several keys is checked one key at a time.
 *
 * <p>The model knows nothing of version numbers in advance: when it linearizes a write it takes the
 * version the engine returned, and requires it to be greater than every version before it.
 */
public final class LinearizabilityChecker {

    /** An operation kind, with what it returned. */
    public enum Kind { GET, SET, ADD, CAS, DELETE, TOUCH, INCREMENT }

    /** Result codes. */
    public enum Result { ABSENT, FOUND, STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED }

    /**
     * One completed operation: what was called ({@code argValue}: value written or delta;
     * {@code argVersion}: expected version), when (a global sequence taken before the call and after
     * it returned), and what it returned ({@code resultValue}, {@code resultVersion}).
     */
    public record Op(int thread, Kind kind, long argValue, long argVersion, long invoked, long returned,
            Result result, long resultValue, long resultVersion) {

        @Override
        public String toString() {
            return "t" + thread + " [" + invoked + "," + returned + "] " + kind
                    + (kind == Kind.CAS ? "(expect " + argVersion + ", " + argValue + ")"
                    : kind == Kind.SET || kind == Kind.ADD || kind == Kind.INCREMENT ? "(" + argValue + ")" : "")
                    + " -> " + result + (resultVersion != 0 ? " v" + resultVersion : "")
                    + (result == Result.FOUND ? " value " + resultValue : "");
        }
    }

    private record State(boolean present, long value, long version) {
    }

    private LinearizabilityChecker() {
    }

    /** Whether the history (at most 62 operations, on one key that starts absent) is linearizable. */
    public static boolean isLinearizable(List<Op> history) {
        if (history.size() > 62) {
            throw new IllegalArgumentException("history of " + history.size() + " operations; the limit is 62");
        }
        return search(new ArrayList<>(history), 0L, new State(false, 0, 0), new HashSet<>());
    }

    private static boolean search(List<Op> ops, long done, State state, Set<List<Object>> seen) {
        if (Long.bitCount(done) == ops.size()) {
            return true;
        }
        if (!seen.add(List.of(done, state))) {
            return false;
        }
        // An operation may go next only if no pending operation returned before it was invoked.
        long earliestReturn = Long.MAX_VALUE;
        for (int i = 0; i < ops.size(); i++) {
            if ((done & (1L << i)) == 0) {
                earliestReturn = Math.min(earliestReturn, ops.get(i).returned());
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            if ((done & (1L << i)) != 0 || ops.get(i).invoked() > earliestReturn) {
                continue;
            }
            State next = apply(state, ops.get(i));
            if (next != null && search(ops, done | (1L << i), next, seen)) {
                return true;
            }
        }
        return false;
    }

    /** The state after {@code op} returned what it did, or null if the model could not have returned that. */
    private static State apply(State s, Op op) {
        switch (op.kind()) {
            case GET:
                if (op.result() == Result.ABSENT) {
                    return s.present() ? null : s;
                }
                return s.present() && s.value() == op.resultValue() && s.version() == op.resultVersion() ? s : null;
            case SET:
                return op.resultVersion() > s.version() ? new State(true, op.argValue(), op.resultVersion()) : null;
            case ADD:
                if (op.result() == Result.STORED) {
                    return !s.present() && op.resultVersion() > s.version()
                            ? new State(true, op.argValue(), op.resultVersion()) : null;
                }
                return s.present() && op.resultVersion() == s.version() ? s : null;
            case CAS:
                switch (op.result()) {
                    case STORED:
                        return s.present() && s.version() == op.argVersion() && op.resultVersion() > s.version()
                                ? new State(true, op.argValue(), op.resultVersion()) : null;
                    case EXISTS:
                        return s.present() && s.version() != op.argVersion() && op.resultVersion() == s.version()
                                ? s : null;
                    default:
                        return s.present() ? null : s;
                }
            case DELETE:
                if (op.result() == Result.DELETED) {
                    return s.present() && s.version() == op.resultVersion() ? new State(false, 0, s.version()) : null;
                }
                return s.present() ? null : s;
            case TOUCH:
                if (op.result() == Result.TOUCHED) {
                    return s.present() && s.version() == op.resultVersion() ? s : null;
                }
                return s.present() ? null : s;
            case INCREMENT:
                if (op.result() == Result.FOUND) {
                    return s.present() && op.resultValue() == s.value() + op.argValue()
                            && op.resultVersion() > s.version()
                            ? new State(true, op.resultValue(), op.resultVersion()) : null;
                }
                return s.present() ? null : s;
            default:
                throw new IllegalStateException(op.kind().toString());
        }
    }
}
