package io.larder.spi;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A bounded store of variant-keyed byte values with versions, expiry and flags: the contract every
 * Larder engine keeps (see the project's storage contract; the TCK checks it).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every operation is atomic and linearizable per key, and safe from any number of threads.</li>
 *   <li>An entry whose expiry has passed on the engine's {@link Clock} is absent for every
 *       operation: reads miss, {@code add} stores, {@code replace}/CAS/{@code touch}/{@code delete}
 *       report not found. Expired entries are also reclaimed in the background.</li>
 *   <li>Every write that changes a value or flags gets a version strictly greater than every
 *       version the store has handed out before, for any key. {@code touch} keeps the version.</li>
 *   <li>The engine stays within its configured capacity (plus its documented overhead) by evicting
 *       entries; it never fails a write for lack of room. Only a value above
 *       {@link #maxValueSize()} is refused.</li>
 *   <li>Bad input (nulls, an oversized value, a non-version, a non-numeric counter) is refused with an
 *       exception that says what was wrong and the limit, and leaves the store exactly as it was.
 *       Keys and expiries check their own limits when they are made.</li>
 *   <li>After {@link #close()}, every operation throws {@link EngineClosedException}.</li>
 * </ul>
 *
 * <h2>Writing an engine</h2>
 * Only {@link #read}, {@link #compute}, {@link #invalidate(byte[])}, {@link #variants(byte[])},
 * {@link #clear}, {@link #stats}, {@link #capabilities}, {@link #maxValueSize}, {@link #name} and
 * {@link #close} are abstract. Every other operation has a default over an atomic {@code compute},
 * correct but allocating; an engine overrides the ones it can do faster. Buffers are read between
 * position and limit, and their positions are left unchanged unless a method says otherwise.
 */
public interface StorageEngine extends AutoCloseable {

    // ---- identity -------------------------------------------------------------------------

    /** The name the engine is configured by ({@code heap}, {@code offheap}, {@code lmdb}, ...). */
    String name();

    /** What the engine offers beyond the contract. */
    Set<Capability> capabilities();

    /** The largest value, in bytes, the engine stores; a larger one is refused with {@link ValueTooLargeException}. */
    long maxValueSize();

    // ---- read path ------------------------------------------------------------------------

    /**
     * Visits the live entry under {@code key} without copying it, and returns what the reader
     * returned; returns {@code null}, without calling the reader, when there is no live entry.
     * Counts a hit or a miss.
     */
    <R> R read(Key key, EntryReader<R> reader);

    /** A copy of the live entry under {@code key}, or {@code null}. Counts a hit or a miss. */
    default Entry get(Key key) {
        return read(key, Entry::copyOf);
    }

    /**
     * Copies the live value under {@code key} into {@code dst} at its position, advancing it, and
     * returns the value's length; returns -1 when there is no live entry. When the value does not
     * fit in {@code dst.remaining()}, copies nothing and returns its length, so the caller can retry
     * with a larger buffer. Counts a hit or a miss.
     */
    default int copyValue(Key key, ByteBuffer dst) {
        Checks.destination(dst);
        Integer length = read(key, view -> {
            int n = view.valueLength();
            if (n <= dst.remaining()) {
                dst.put(view.value());
            }
            return n;
        });
        return length == null ? -1 : length;
    }

    // ---- write path -----------------------------------------------------------------------

    /**
     * Atomically reads the live entry under {@code key} (or its absence), calls {@code function},
     * and applies its answer. The function may be called more than once; only the last answer takes
     * effect. If the function throws, {@code compute} throws the same and the store is unchanged.
     *
     * @return the entry under the key afterwards (a kept, touched or stored one), or {@code null}
     *         when there is none; an entry stored or touched with an expiry already past is
     *         returned although reads miss it
     * @throws ValueTooLargeException if the function stores a value above {@link #maxValueSize()}
     * @throws IllegalArgumentException if the function's expiry, resolved now, passes the latest
     *         expiry; the store is unchanged
     */
    Entry compute(Key key, ComputeFunction function);

    /** Stores the value whatever is there; returns the new version. */
    default long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.expiry(expiry);
        return compute(key, current -> ComputeAction.store(bytes, expiry, flags)).version();
    }

    /** {@link #set(Key, ByteBuffer, Expiry, int)} of an array. */
    default long set(Key key, byte[] value, Expiry expiry, int flags) {
        return set(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry, flags);
    }

    /** Stores the value with no expiry and no flags; returns the new version. */
    default long set(Key key, byte[] value) {
        return set(key, value, Expiry.never(), 0);
    }

    /** Stores only if there is no live entry: {@code STORED(version)} or {@code EXISTS(itsVersion)}. */
    default Outcome add(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.expiry(expiry);
        Outcome[] refused = new Outcome[1];
        Entry after = compute(key, current -> {
            refused[0] = current == null ? null : Outcome.exists(current.version());
            return current == null ? ComputeAction.store(bytes, expiry, flags) : ComputeAction.keep();
        });
        return refused[0] != null ? refused[0] : Outcome.stored(after.version());
    }

    /** {@link #add(Key, ByteBuffer, Expiry, int)} of an array. */
    default Outcome add(Key key, byte[] value, Expiry expiry, int flags) {
        return add(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry, flags);
    }

    /** Stores only if there is a live entry: {@code STORED(version)} or {@code NOT_FOUND}. */
    default Outcome replace(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.expiry(expiry);
        boolean[] found = new boolean[1];
        Entry after = compute(key, current -> {
            found[0] = current != null;
            return current == null ? ComputeAction.keep() : ComputeAction.store(bytes, expiry, flags);
        });
        return found[0] ? Outcome.stored(after.version()) : Outcome.notFound();
    }

    /** {@link #replace(Key, ByteBuffer, Expiry, int)} of an array. */
    default Outcome replace(Key key, byte[] value, Expiry expiry, int flags) {
        return replace(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry, flags);
    }

    /**
     * Stores only if the live entry has {@code expectedVersion}: {@code STORED(version)},
     * {@code EXISTS(itsVersion)} when the version differs, or {@code NOT_FOUND}.
     */
    default Outcome compareAndSet(Key key, long expectedVersion, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        Checks.expectedVersion(expectedVersion);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.expiry(expiry);
        Outcome[] refused = new Outcome[1];
        Entry after = compute(key, current -> {
            if (current == null) {
                refused[0] = Outcome.notFound();
                return ComputeAction.keep();
            }
            if (current.version() != expectedVersion) {
                refused[0] = Outcome.exists(current.version());
                return ComputeAction.keep();
            }
            refused[0] = null;
            return ComputeAction.store(bytes, expiry, flags);
        });
        return refused[0] != null ? refused[0] : Outcome.stored(after.version());
    }

    /** {@link #compareAndSet(Key, long, ByteBuffer, Expiry, int)} of an array. */
    default Outcome compareAndSet(Key key, long expectedVersion, byte[] value, Expiry expiry, int flags) {
        return compareAndSet(key, expectedVersion, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry,
                flags);
    }

    /** Removes the live entry: {@code DELETED(itsVersion)} or {@code NOT_FOUND}. */
    default Outcome delete(Key key) {
        Checks.key(key);
        long[] deleted = new long[1];
        compute(key, current -> {
            deleted[0] = current == null ? 0 : current.version();
            return current == null ? ComputeAction.keep() : ComputeAction.remove();
        });
        return deleted[0] == 0 ? Outcome.notFound() : Outcome.deleted(deleted[0]);
    }

    /**
     * Removes the live entry only if it has {@code expectedVersion}: {@code DELETED(version)},
     * {@code EXISTS(itsVersion)}, or {@code NOT_FOUND}.
     */
    default Outcome delete(Key key, long expectedVersion) {
        Checks.key(key);
        Checks.expectedVersion(expectedVersion);
        Outcome[] outcome = new Outcome[1];
        compute(key, current -> {
            if (current == null) {
                outcome[0] = Outcome.notFound();
                return ComputeAction.keep();
            }
            if (current.version() != expectedVersion) {
                outcome[0] = Outcome.exists(current.version());
                return ComputeAction.keep();
            }
            outcome[0] = Outcome.deleted(current.version());
            return ComputeAction.remove();
        });
        return outcome[0];
    }

    /** Sets the live entry's expiry, keeping its version: {@code TOUCHED(version)} or {@code NOT_FOUND}. */
    default Outcome touch(Key key, Expiry expiry) {
        Checks.key(key);
        Checks.expiry(expiry);
        Entry after = compute(key, current -> current == null ? ComputeAction.keep() : ComputeAction.touch(expiry));
        return after == null ? Outcome.notFound() : Outcome.touched(after.version());
    }

    /**
     * Sets the live entry's expiry and returns it with the new expiry, or {@code null}. Unlike the
     * reads above it is a write: it counts no hit or miss.
     */
    default Entry getAndTouch(Key key, Expiry expiry) {
        Checks.key(key);
        Checks.expiry(expiry);
        return compute(key, current -> current == null ? ComputeAction.keep() : ComputeAction.touch(expiry));
    }

    /**
     * Appends to the live value, keeping expiry and flags, with a new version: {@code STORED(version)}
     * or {@code NOT_FOUND}.
     *
     * @throws ValueTooLargeException if the result would exceed {@link #maxValueSize()}
     */
    default Outcome append(Key key, ByteBuffer suffix) {
        return concat(key, suffix, true);
    }

    /** {@link #append(Key, ByteBuffer)} of an array. */
    default Outcome append(Key key, byte[] suffix) {
        return append(key, ByteBuffer.wrap(Checks.value(suffix, maxValueSize())));
    }

    /** Prepends to the live value, like {@link #append(Key, ByteBuffer)}. */
    default Outcome prepend(Key key, ByteBuffer prefix) {
        return concat(key, prefix, false);
    }

    /** {@link #prepend(Key, ByteBuffer)} of an array. */
    default Outcome prepend(Key key, byte[] prefix) {
        return prepend(key, ByteBuffer.wrap(Checks.value(prefix, maxValueSize())));
    }

    private Outcome concat(Key key, ByteBuffer part, boolean atEnd) {
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(part, maxValueSize()));
        long max = maxValueSize();
        boolean[] found = new boolean[1];
        Entry after = compute(key, current -> {
            found[0] = current != null;
            if (current == null) {
                return ComputeAction.keep();
            }
            byte[] old = current.value();
            Checks.valueSize((long) old.length + bytes.length, max);
            byte[] joined = new byte[old.length + bytes.length];
            System.arraycopy(atEnd ? old : bytes, 0, joined, 0, atEnd ? old.length : bytes.length);
            System.arraycopy(atEnd ? bytes : old, 0, joined, atEnd ? old.length : bytes.length,
                    atEnd ? bytes.length : old.length);
            return ComputeAction.store(joined, Expiry.ofExpiresAt(current.expiresAt()), current.flags());
        });
        return found[0] ? Outcome.stored(after.version()) : Outcome.notFound();
    }

    /**
     * Adds {@code delta} (unsigned) to the live counter, wrapping at 2^64, keeping expiry and flags,
     * with a new version.
     *
     * @throws NonNumericValueException if the value is not a counter (see {@link Counters})
     */
    default CounterResult increment(Key key, long delta) {
        return count(key, delta, true);
    }

    /** Subtracts {@code delta} (unsigned) from the live counter, stopping at 0; otherwise as {@link #increment}. */
    default CounterResult decrement(Key key, long delta) {
        return count(key, delta, false);
    }

    private CounterResult count(Key key, long delta, boolean up) {
        Checks.key(key);
        long[] result = new long[1];
        Entry after = compute(key, current -> {
            if (current == null) {
                return ComputeAction.keep();
            }
            long old = Counters.parse(current.value());
            result[0] = up ? Counters.increment(old, delta) : Counters.decrement(old, delta);
            return ComputeAction.store(Counters.format(result[0]), Expiry.ofExpiresAt(current.expiresAt()),
                    current.flags());
        });
        return after == null ? CounterResult.notFound() : CounterResult.updated(result[0], after.version());
    }

    // ---- primaries ------------------------------------------------------------------------

    /** Removes every variant of {@code primary}; returns how many live ones were removed. */
    int invalidate(byte[] primary);

    /** {@link #invalidate(byte[])} of a UTF-8 primary. */
    default int invalidate(String primary) {
        Objects.requireNonNull(primary, "primary must not be null");
        return invalidate(Utf8.encode(primary, "primary"));
    }

    /** The variants of {@code primary} that have a live entry, in no particular order. */
    List<Variant> variants(byte[] primary);

    /** {@link #variants(byte[])} of a UTF-8 primary. */
    default List<Variant> variants(String primary) {
        Objects.requireNonNull(primary, "primary must not be null");
        return variants(Utf8.encode(primary, "primary"));
    }

    /** Removes every entry (memcached {@code flush_all}). */
    void clear();

    // ---- stats and lifecycle --------------------------------------------------------------

    /** A snapshot of the engine's figures. */
    EngineStats stats();

    /**
     * Releases everything the engine holds (threads, memory, files). Idempotent; afterwards every
     * operation throws {@link EngineClosedException}.
     */
    @Override
    void close();
}
