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
     * absent (or a lease placeholder), remove a value of {@link #COMPUTE_REMOVE_LENGTH} or more
     * characters, else append "7". The cache kinds (engines with cache semantics): {@code LOOKUP} is a
     * lease-aware lookup with vivify on miss and stale values accepted; {@code MARK_STALE};
     * {@code INVALIDATE_TAG} of the key's own tag ({@code argValue} names the mode);
     * {@code CAS_TAGGED}, a compare-and-set that writes the key's tag.
     */
    public enum Kind { GET, SET, ADD, CAS, DELETE, DELETE_VERSION, TOUCH, INCREMENT, APPEND, COMPUTE, LOOKUP,
        MARK_STALE, INVALIDATE_TAG, CAS_TAGGED }

    /**
     * Result codes; {@code NON_NUMERIC}: an increment refused a value that is not a counter;
     * {@code HIT}, {@code WON}, {@code TAKEN}, {@code MISS}: what a lookup answered.
     */
    public enum Result { ABSENT, FOUND, STORED, EXISTS, NOT_FOUND, DELETED, TOUCHED, NON_NUMERIC, HIT, WON, TAKEN,
        MISS }

    /** The length from which the kit's compute function removes the value. */
    public static final int COMPUTE_REMOVE_LENGTH = 8;

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    /**
     * One completed operation: what was called ({@code argValue}: value written, suffix, delta or
     * invalidation mode; {@code argVersion}: expected version), when (a global sequence taken before
     * the call and after it returned), and what it returned ({@code resultValue},
     * {@code resultVersion}: a version, lease token or watermark). For an entry read ({@code GET}, a
     * lookup that served one: {@code served}), whether it carried the key's tag and was stale.
     */
    public record Op(int thread, Kind kind, String argValue, long argVersion, long invoked, long returned,
            Result result, String resultValue, long resultVersion, boolean served, boolean tagged, boolean stale) {

        /** An operation of an engine without cache state: nothing tagged or stale. */
        public Op(int thread, Kind kind, String argValue, long argVersion, long invoked, long returned, Result result,
                String resultValue, long resultVersion) {
            this(thread, kind, argValue, argVersion, invoked, returned, result, resultValue, resultVersion,
                    result == Result.FOUND, false, false);
        }

        @Override
        public String toString() {
            boolean expects = kind == Kind.CAS || kind == Kind.CAS_TAGGED || kind == Kind.DELETE_VERSION;
            return "t" + thread + " [" + invoked + "," + returned + "] " + kind
                    + (expects ? "(expect " + argVersion + (kind != Kind.DELETE_VERSION ? ", " + argValue : "") + ")"
                    : argValue.isEmpty() ? "" : "(" + argValue + ")")
                    + " -> " + result + (resultVersion != 0 ? " v" + resultVersion : "")
                    + (served ? " value " + resultValue + (tagged ? " tagged" : "") + (stale ? " stale" : "") : "");
        }
    }

    /**
     * The key's state: an entry with a value ({@code present}), a lease placeholder, or nothing;
     * {@code high} is the highest version the key's history has seen (entries and watermarks), and
     * the watermarks are those of the key's own tag.
     */
    private record State(boolean present, boolean placeholder, String value, long version, boolean stale,
            boolean leased, boolean tagged, long high, long removeMark, long staleMark) {

        static final State EMPTY = new State(false, false, "", 0, false, false, false, 0, 0, 0);

        /** The same state with the entry gone when a tag watermark removed it. */
        State visible() {
            return present && tagged && removeMark > version ? absent() : this;
        }

        State absent() {
            return new State(false, false, "", version, false, false, false, high, removeMark, staleMark);
        }

        boolean exists() {
            return present || placeholder;
        }

        boolean effectivelyStale() {
            return present && (stale || (tagged && staleMark > version));
        }

        State store(String newValue, long newVersion, boolean newTagged) {
            return new State(true, false, newValue, newVersion, false, false, newTagged, newVersion, removeMark,
                    staleMark);
        }
    }

    private LinearizabilityChecker() {
    }

    /** Whether the history (at most 62 operations, on one key that starts absent) is linearizable. */
    public static boolean isLinearizable(List<Op> history) {
        if (history.size() > 62) {
            throw new IllegalArgumentException("history of " + history.size() + " operations; the limit is 62");
        }
        return search(new ArrayList<>(history), 0L, State.EMPTY, new HashSet<>());
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
            State next = apply(state.visible(), ops.get(i));
            if (next != null && search(ops, done | (1L << i), next, seen)) {
                return true;
            }
        }
        return false;
    }

    /** A store of {@code value}: its version must be new. */
    private static State stored(State s, Op op, String value, boolean tagged) {
        return op.resultVersion() > s.high() ? s.store(value, op.resultVersion(), tagged) : null;
    }

    private static State absentOnly(State s) {
        return s.present() ? null : s;
    }

    /** Whether {@code op} read the entry exactly as {@code s} holds it. */
    private static boolean readsEntry(State s, Op op) {
        return op.served() && s.value().equals(op.resultValue()) && s.version() == op.resultVersion()
                && op.tagged() == s.tagged() && op.stale() == s.effectivelyStale();
    }

    /** The state after {@code op} returned what it did, or null if the model could not have returned that. */
    private static State apply(State s, Op op) {
        switch (op.kind()) {
            case GET:
                if (op.result() == Result.ABSENT) {
                    return absentOnly(s);
                }
                return s.present() && readsEntry(s, op) ? s : null;
            case SET:
                return stored(s, op, op.argValue(), false);
            case ADD:
                if (op.result() == Result.STORED) {
                    return s.present() ? null : stored(s, op, op.argValue(), false);
                }
                return s.present() && op.resultVersion() == s.version() ? s : null;
            case CAS:
            case CAS_TAGGED:
                boolean tagged = op.kind() == Kind.CAS_TAGGED;
                boolean guardRefuses = tagged && (s.removeMark() > op.argVersion() || s.staleMark() > op.argVersion());
                switch (op.result()) {
                    case STORED:
                        return s.exists() && s.version() == op.argVersion() && !guardRefuses
                                ? stored(s, op, op.argValue(), tagged) : null;
                    case EXISTS:
                        return s.exists() && (s.version() != op.argVersion() || guardRefuses)
                                && op.resultVersion() == s.version() ? s : null;
                    default:
                        return s.exists() ? null : s;
                }
            case DELETE:
                if (op.result() == Result.DELETED) {
                    return s.exists() && s.version() == op.resultVersion() ? s.absent() : null;
                }
                return s.exists() ? null : s;
            case DELETE_VERSION:
                switch (op.result()) {
                    case DELETED:
                        return s.exists() && s.version() == op.argVersion() && op.resultVersion() == s.version()
                                ? s.absent() : null;
                    case EXISTS:
                        return s.exists() && s.version() != op.argVersion() && op.resultVersion() == s.version()
                                ? s : null;
                    default:
                        return s.exists() ? null : s;
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
                return op.result() == Result.FOUND && next.equals(op.resultValue()) ? stored(s, op, next, s.tagged())
                        : null;
            case APPEND:
                if (op.result() == Result.STORED) {
                    return s.present() ? stored(s, op, s.value() + op.argValue(), s.tagged()) : null;
                }
                return absentOnly(s);
            case COMPUTE:
                String after = !s.present() ? op.argValue()
                        : s.value().length() >= COMPUTE_REMOVE_LENGTH ? null : s.value() + "7";
                if (after == null) {
                    return op.result() == Result.ABSENT ? s.absent() : null;
                }
                return op.result() == Result.FOUND && after.equals(op.resultValue()) ? stored(s, op, after, false)
                        : null;
            case LOOKUP:
                return lookup(s, op);
            case MARK_STALE:
                if (op.result() != Result.STORED) {
                    return absentOnly(s);
                }
                return s.present() && op.resultVersion() > s.high()
                        ? new State(true, false, s.value(), op.resultVersion(), true, false, s.tagged(),
                                op.resultVersion(), s.removeMark(), s.staleMark())
                        : null;
            case INVALIDATE_TAG:
                long mark = op.resultVersion();
                if (mark <= s.high()) {
                    return null;
                }
                boolean remove = op.argValue().equals("REMOVE");
                return new State(s.present(), s.placeholder(), s.value(), s.version(), s.stale(), s.leased(),
                        s.tagged(), mark, remove ? mark : s.removeMark(), remove ? s.staleMark() : mark);
            default:
                throw new IllegalStateException(op.kind().toString());
        }
    }

    /** A lookup with vivify on miss, stale values accepted and no recache threshold. */
    private static State lookup(State s, Op op) {
        if (!s.exists()) {
            // A miss: this caller leaves a placeholder with a new version and wins its lease.
            return op.result() == Result.WON && !op.served() && op.resultVersion() > s.high()
                    ? new State(false, true, "", op.resultVersion(), false, true, false, op.resultVersion(),
                            s.removeMark(), s.staleMark())
                    : null;
        }
        if (s.placeholder()) {
            return op.result() == Result.TAKEN && !op.served() ? s : null;
        }
        if (!s.effectivelyStale()) {
            return op.result() == Result.HIT && readsEntry(s, op) ? s : null;
        }
        if (s.leased()) {
            return op.result() == Result.TAKEN && readsEntry(s, op) ? s : null;
        }
        // A stale entry nobody rebuilds: this caller wins a lease, a new version; it stays stale.
        if (op.result() != Result.WON || op.resultVersion() <= s.high() || !op.served()
                || !op.resultValue().equals(s.value()) || !op.stale() || op.tagged() != s.tagged()) {
            return null;
        }
        return new State(true, false, s.value(), op.resultVersion(), true, true, s.tagged(), op.resultVersion(),
                s.removeMark(), s.staleMark());
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
