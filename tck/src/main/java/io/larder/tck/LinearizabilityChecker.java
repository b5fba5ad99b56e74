package io.larder.tck;

import java.math.BigInteger;
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

    /**
     * An operation kind. {@code COMPUTE} is the kit's one compute function: store the argument when
     * absent, remove a value of {@link #COMPUTE_REMOVE_LENGTH} or more characters, else append "7".
     */
    public enum Kind { GET, SET, ADD, CAS, DELETE, DELETE_VERSION, TOUCH, INCREMENT, APPEND, COMPUTE }

    /** Result codes; {@code NON_NUMERIC}: an increment refused a value that is not a counter. */
    public enum Result { ABSENT, FOUND, STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, NON_NUMERIC }

    /** The length from which the kit's compute function removes the value. */
    public static final int COMPUTE_REMOVE_LENGTH = 8;

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    /**
     * One completed operation: what was called ({@code argValue}: value written, suffix or delta;
     * {@code argVersion}: expected version), when (a global sequence taken before the call and after
     * it returned), and what it returned ({@code resultValue}, {@code resultVersion}).
     */
    public record Op(int thread, Kind kind, String argValue, long argVersion, long invoked, long returned,
            Result result, String resultValue, long resultVersion) {

        @Override
        public String toString() {
            return "t" + thread + " [" + invoked + "," + returned + "] " + kind
                    + (kind == Kind.CAS || kind == Kind.DELETE_VERSION ? "(expect " + argVersion
                            + (kind == Kind.CAS ? ", " + argValue : "") + ")"
                    : argValue.isEmpty() ? "" : "(" + argValue + ")")
                    + " -> " + result + (resultVersion != 0 ? " v" + resultVersion : "")
                    + (result == Result.FOUND ? " value " + resultValue : "");
        }
    }

    private record State(boolean present, String value, long version) {
    }

    private LinearizabilityChecker() {
    }

    /** Whether the history (at most 62 operations, on one key that starts absent) is linearizable. */
    public static boolean isLinearizable(List<Op> history) {
        if (history.size() > 62) {
            throw new IllegalArgumentException("history of " + history.size() + " operations; the limit is 62");
        }
        return search(new ArrayList<>(history), 0L, new State(false, "", 0), new HashSet<>());
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

    private static State stored(State s, Op op, String value) {
        return op.resultVersion() > s.version() ? new State(true, value, op.resultVersion()) : null;
    }

    private static State absentOnly(State s) {
        return s.present() ? null : s;
    }

    /** The state after {@code op} returned what it did, or null if the model could not have returned that. */
    private static State apply(State s, Op op) {
        switch (op.kind()) {
            case GET:
                if (op.result() == Result.ABSENT) {
                    return absentOnly(s);
                }
                return s.present() && s.value().equals(op.resultValue()) && s.version() == op.resultVersion() ? s
                        : null;
            case SET:
                return stored(s, op, op.argValue());
            case ADD:
                if (op.result() == Result.STORED) {
                    return s.present() ? null : stored(s, op, op.argValue());
                }
                return s.present() && op.resultVersion() == s.version() ? s : null;
            case CAS:
                switch (op.result()) {
                    case STORED:
                        return s.present() && s.version() == op.argVersion() ? stored(s, op, op.argValue()) : null;
                    case EXISTS:
                        return s.present() && s.version() != op.argVersion() && op.resultVersion() == s.version()
                                ? s : null;
                    default:
                        return absentOnly(s);
                }
            case DELETE:
                if (op.result() == Result.DELETED) {
                    return s.present() && s.version() == op.resultVersion() ? new State(false, "", s.version()) : null;
                }
                return absentOnly(s);
            case DELETE_VERSION:
                switch (op.result()) {
                    case DELETED:
                        return s.present() && s.version() == op.argVersion() && op.resultVersion() == s.version()
                                ? new State(false, "", s.version()) : null;
                    case EXISTS:
                        return s.present() && s.version() != op.argVersion() && op.resultVersion() == s.version()
                                ? s : null;
                    default:
                        return absentOnly(s);
                }
            case TOUCH:
                if (op.result() == Result.TOUCHED) {
                    return s.present() && s.version() == op.resultVersion() ? s : null;
                }
                return absentOnly(s);
            case INCREMENT:
                if (!s.present()) {
                    return op.result() == Result.NOT_FOUND ? s : null;
                }
                BigInteger current = counter(s.value());
                if (current == null) {
                    return op.result() == Result.NON_NUMERIC ? s : null;
                }
                String next = current.add(new BigInteger(op.argValue())).mod(TWO_TO_64).toString();
                return op.result() == Result.FOUND && next.equals(op.resultValue()) ? stored(s, op, next) : null;
            case APPEND:
                if (op.result() == Result.STORED) {
                    return s.present() ? stored(s, op, s.value() + op.argValue()) : null;
                }
                return absentOnly(s);
            case COMPUTE:
                String after = !s.present() ? op.argValue()
                        : s.value().length() >= COMPUTE_REMOVE_LENGTH ? null : s.value() + "7";
                if (after == null) {
                    return op.result() == Result.ABSENT ? new State(false, "", s.version()) : null;
                }
                return op.result() == Result.FOUND && after.equals(op.resultValue()) ? stored(s, op, after) : null;
            default:
                throw new IllegalStateException(op.kind().toString());
        }
    }

    /** The counter a value holds, or null if it holds none (1..20 digits below 2^64). */
    private static BigInteger counter(String value) {
        if (value.isEmpty() || value.length() > 20 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        BigInteger n = new BigInteger(value);
        return n.compareTo(TWO_TO_64) < 0 ? n : null;
    }
}
