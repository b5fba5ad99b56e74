package io.larder.spi;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A bounded store of variant-keyed byte values with versions, expiry and flags: the contract every
 * Larder engine keeps. The full contract, with every operation's outcomes, limits, versions across
 * restarts, persistence and crash promises, is {@code docs/storage-contract.md} in the project's
 * repository; the compatibility kit ({@code larder-tck}) checks it.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every operation is atomic and linearizable per key, and safe from any number of threads.</li>
 *   <li>An entry whose expiry has passed on the engine's {@link Clock} is absent for every
 *       operation: reads miss, {@code add} stores, {@code replace}/CAS/{@code touch}/{@code delete}
 *       report not found. Expired entries are also reclaimed in the background.</li>
 *   <li>Every write that changes a value or flags gets a version strictly greater than every
 *       version the store has handed out before, for any key, also before a restart (see
 *       {@link Versions}). {@code touch} keeps the version.</li>
 *   <li>The engine stays within its configured capacity (plus its documented overhead) by evicting
 *       entries; it never fails a write for lack of room. Only a value above
 *       {@link #maxValueSize()} is refused.</li>
 *   <li>Bad input (nulls, an oversized value, a non-version, a non-numeric counter) is refused with an
 *       exception that says what was wrong and the limit, and leaves the store exactly as it was.
 *       Keys and expiries check their own limits when they are made.</li>
 *   <li>After {@link #close()}, every operation throws {@link EngineClosedException}, except
 *       {@link #name}, {@link #capabilities}, {@link #maxValueSize} and {@link #stats}, which keep
 *       answering.</li>
 *   <li>A failure of the store itself (I/O, a native error) is thrown as {@link LarderException};
 *       background work survives its failures and counts them in
 *       {@link EngineStats#backgroundFailures()}.</li>
 * </ul>
 *
 * <p>Every operation that takes a key, value, buffer, expiry or function throws
 * {@link NullPointerException} for a {@code null} one, naming it.
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

    /**
     * The name the engine is configured by. Answers after close too.
     *
     * @return {@code heap}, {@code offheap}, {@code lmdb}, or a custom engine's name
     */
    String name();

    /**
     * What the engine offers beyond the contract. Answers after close too.
     *
     * @return the capabilities, possibly none
     */
    Set<Capability> capabilities();

    /**
     * The largest value the engine stores. Answers after close too.
     *
     * @return the limit in bytes; a larger value is refused with {@link ValueTooLargeException}
     */
    long maxValueSize();

    // ---- read path ------------------------------------------------------------------------

    /**
     * Visits the live entry under {@code key} without copying it, and returns what the reader
     * returned; returns {@code null}, without calling the reader, when there is no live entry.
     * Counts a hit or a miss. The reader runs while the engine holds the entry: it must be short,
     * must not call the engine, and must keep nothing of the view but copies. Whatever the reader
     * throws reaches the caller unchanged, the same exception object, neither wrapped nor
     * swallowed; the engine lets go of the entry, and the store is unchanged.
     *
     * @param <R> what the reader makes of the entry
     * @param key the key
     * @param reader called once with a view of the live entry, valid only during the call
     * @return what the reader returned, or {@code null} when there is no live entry
     * @throws NullPointerException if {@code key} or {@code reader} is null
     * @throws EngineClosedException if the engine is closed
     * @throws RuntimeException whatever unchecked exception (or {@link Error}) the reader throws,
     *         unchanged
     */
    <R> R read(Key key, EntryReader<R> reader);

    /**
     * A copy of the live entry under {@code key}. Counts a hit or a miss.
     *
     * @param key the key
     * @return the entry, or {@code null} when there is no live entry
     * @throws NullPointerException if {@code key} is null
     * @throws EngineClosedException if the engine is closed
     */
    default Entry get(Key key) {
        return read(key, Entry::copyOf);
    }

    /**
     * Copies the live value under {@code key} into {@code dst} at its position, advancing it, and
     * returns the value's length; returns -1 when there is no live entry. When the value does not
     * fit in {@code dst.remaining()}, copies nothing and returns its length, so the caller can retry
     * with a larger buffer. Counts a hit or a miss.
     *
     * @param key the key
     * @param dst where the value goes, from its position
     * @return the value's length in bytes, or -1 when there is no live entry
     * @throws NullPointerException if {@code key} or {@code dst} is null
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws EngineClosedException if the engine is closed
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
     * effect, so the function must be pure (see {@link ComputeFunction}). If the function throws,
     * {@code compute} throws the same and the store is unchanged. Storing counts a write; removing
     * a live entry counts a delete.
     *
     * @param key the key
     * @param function decides from the live entry (or {@code null}) what to do
     * @return the entry under the key afterwards (a kept, touched or stored one), or {@code null}
     *         when there is none; an entry stored or touched with an expiry already past is
     *         returned although reads miss it
     * @throws NullPointerException if {@code key} or {@code function} is null, or the function
     *         returns null
     * @throws ValueTooLargeException if the function stores a value above {@link #maxValueSize()};
     *         the store is unchanged
     * @throws IllegalArgumentException if the function's expiry, resolved now, passes the latest
     *         expiry; the store is unchanged
     * @throws EngineClosedException if the engine is closed
     */
    Entry compute(Key key, ComputeFunction function);

    /**
     * Stores the value whatever is there.
     *
     * @param key the key
     * @param value the value, between its position and limit; the position is unchanged
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return the new version
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
    default long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.expiry(expiry);
        return compute(key, current -> ComputeAction.store(bytes, expiry, flags)).version();
    }

    /**
     * {@link #set(Key, ByteBuffer, Expiry, int)} of an array.
     *
     * @param key the key
     * @param value the value
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return the new version
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
    default long set(Key key, byte[] value, Expiry expiry, int flags) {
        return set(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry, flags);
    }

    /**
     * Stores the value with no expiry and no flags.
     *
     * @param key the key
     * @param value the value
     * @return the new version
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws EngineClosedException if the engine is closed
     */
    default long set(Key key, byte[] value) {
        return set(key, value, Expiry.never(), 0);
    }

    /**
     * Stores only if there is no live entry.
     *
     * @param key the key
     * @param value the value, between its position and limit; the position is unchanged
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return {@code STORED(version)}, or {@code EXISTS(itsVersion)} when a live entry is there
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
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

    /**
     * {@link #add(Key, ByteBuffer, Expiry, int)} of an array.
     *
     * @param key the key
     * @param value the value
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return {@code STORED(version)}, or {@code EXISTS(itsVersion)} when a live entry is there
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome add(Key key, byte[] value, Expiry expiry, int flags) {
        return add(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry, flags);
    }

    /**
     * Stores only if there is a live entry.
     *
     * @param key the key
     * @param value the value, between its position and limit; the position is unchanged
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
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

    /**
     * {@link #replace(Key, ByteBuffer, Expiry, int)} of an array.
     *
     * @param key the key
     * @param value the value
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome replace(Key key, byte[] value, Expiry expiry, int flags) {
        return replace(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry, flags);
    }

    /**
     * Stores only if the live entry has {@code expectedVersion} (memcached {@code cas}, HTTP
     * {@code If-Match}).
     *
     * @param key the key
     * @param expectedVersion the version the live entry must have
     * @param value the value, between its position and limit; the position is unchanged
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return {@code STORED(version)}, {@code EXISTS(itsVersion)} when the version differs, or
     *         {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws IllegalArgumentException if {@code expectedVersion} is not positive (not a version)
     * @throws EngineClosedException if the engine is closed
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

    /**
     * {@link #compareAndSet(Key, long, ByteBuffer, Expiry, int)} of an array.
     *
     * @param key the key
     * @param expectedVersion the version the live entry must have
     * @param value the value
     * @param expiry when the entry expires
     * @param flags the client flags to store
     * @return {@code STORED(version)}, {@code EXISTS(itsVersion)} when the version differs, or
     *         {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code expiry} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws IllegalArgumentException if {@code expectedVersion} is not positive (not a version)
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome compareAndSet(Key key, long expectedVersion, byte[] value, Expiry expiry, int flags) {
        return compareAndSet(key, expectedVersion, ByteBuffer.wrap(Checks.value(value, maxValueSize())), expiry,
                flags);
    }

    /**
     * Removes the live entry.
     *
     * @param key the key
     * @return {@code DELETED(itsVersion)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} is null
     * @throws EngineClosedException if the engine is closed
     */
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
     * Removes the live entry only if it has {@code expectedVersion}.
     *
     * @param key the key
     * @param expectedVersion the version the live entry must have
     * @return {@code DELETED(version)}, {@code EXISTS(itsVersion)} when the version differs, or
     *         {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code expectedVersion} is not positive (not a version)
     * @throws EngineClosedException if the engine is closed
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

    /**
     * Sets the live entry's expiry, keeping its value, flags and version.
     *
     * @param key the key
     * @param expiry the new expiry
     * @return {@code TOUCHED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} or {@code expiry} is null
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome touch(Key key, Expiry expiry) {
        Checks.key(key);
        Checks.expiry(expiry);
        Entry after = compute(key, current -> current == null ? ComputeAction.keep() : ComputeAction.touch(expiry));
        return after == null ? Outcome.notFound() : Outcome.touched(after.version());
    }

    /**
     * Sets the live entry's expiry, keeping its version, and returns it. Unlike the reads above it
     * is a write: it counts no hit or miss.
     *
     * @param key the key
     * @param expiry the new expiry
     * @return the entry with its new expiry, or {@code null} when there is no live entry
     * @throws NullPointerException if {@code key} or {@code expiry} is null
     * @throws IllegalArgumentException if {@code expiry}, counted from now, passes the latest
     *         expiry ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws EngineClosedException if the engine is closed
     */
    default Entry getAndTouch(Key key, Expiry expiry) {
        Checks.key(key);
        Checks.expiry(expiry);
        return compute(key, current -> current == null ? ComputeAction.keep() : ComputeAction.touch(expiry));
    }

    /**
     * Appends to the live value, keeping expiry and flags, with a new version.
     *
     * @param key the key
     * @param suffix the bytes to add, between position and limit; the position is unchanged
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} or the bytes are null
     * @throws ValueTooLargeException if the bytes, or the value they would make, are longer than
     *         {@link #maxValueSize()}; the entry is unchanged
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome append(Key key, ByteBuffer suffix) {
        return concat(key, suffix, true);
    }

    /**
     * {@link #append(Key, ByteBuffer)} of an array.
     *
     * @param key the key
     * @param suffix the bytes to add
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} or the bytes are null
     * @throws ValueTooLargeException if the bytes, or the value they would make, are longer than
     *         {@link #maxValueSize()}; the entry is unchanged
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome append(Key key, byte[] suffix) {
        return append(key, ByteBuffer.wrap(Checks.value(suffix, maxValueSize())));
    }

    /**
     * Prepends to the live value, keeping expiry and flags, with a new version.
     *
     * @param key the key
     * @param prefix the bytes to put first, between position and limit; the position is unchanged
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} or the bytes are null
     * @throws ValueTooLargeException if the bytes, or the value they would make, are longer than
     *         {@link #maxValueSize()}; the entry is unchanged
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome prepend(Key key, ByteBuffer prefix) {
        return concat(key, prefix, false);
    }

    /**
     * {@link #prepend(Key, ByteBuffer)} of an array.
     *
     * @param key the key
     * @param prefix the bytes to put first
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key} or the bytes are null
     * @throws ValueTooLargeException if the bytes, or the value they would make, are longer than
     *         {@link #maxValueSize()}; the entry is unchanged
     * @throws EngineClosedException if the engine is closed
     */
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
     * @param key the key
     * @param delta the amount, taken as unsigned
     * @return the new value and version, or {@link CounterResult#notFound()}
     * @throws NullPointerException if {@code key} is null
     * @throws NonNumericValueException if the value is not a counter (see {@link Counters}); the
     *         entry is unchanged
     * @throws EngineClosedException if the engine is closed
     */
    default CounterResult increment(Key key, long delta) {
        return count(key, delta, true);
    }

    /**
     * Subtracts {@code delta} (unsigned) from the live counter, stopping at 0, keeping expiry and
     * flags, with a new version.
     *
     * @param key the key
     * @param delta the amount, taken as unsigned
     * @return the new value and version, or {@link CounterResult#notFound()}
     * @throws NullPointerException if {@code key} is null
     * @throws NonNumericValueException if the value is not a counter (see {@link Counters}); the
     *         entry is unchanged
     * @throws EngineClosedException if the engine is closed
     */
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

    /**
     * Removes every variant of {@code primary}: an HTTP purge. Each removal counts an invalidation.
     *
     * @param primary the primary's bytes
     * @return how many live entries were removed
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if {@code primary} is outside the key limits ({@link Key})
     * @throws EngineClosedException if the engine is closed
     */
    int invalidate(byte[] primary);

    /**
     * {@link #invalidate(byte[])} of a UTF-8 primary.
     *
     * @param primary the primary
     * @return how many live entries were removed
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if {@code primary} is not valid Unicode or outside the key
     *         limits
     * @throws EngineClosedException if the engine is closed
     */
    default int invalidate(String primary) {
        Objects.requireNonNull(primary, "primary must not be null");
        return invalidate(Utf8.encode(primary, "primary"));
    }

    /**
     * The variants of {@code primary} that have a live entry.
     *
     * @param primary the primary's bytes
     * @return the variants, in no particular order; empty when there are none
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if {@code primary} is outside the key limits ({@link Key})
     * @throws EngineClosedException if the engine is closed
     */
    List<Variant> variants(byte[] primary);

    /**
     * {@link #variants(byte[])} of a UTF-8 primary.
     *
     * @param primary the primary
     * @return the variants, in no particular order; empty when there are none
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if {@code primary} is not valid Unicode or outside the key
     *         limits
     * @throws EngineClosedException if the engine is closed
     */
    default List<Variant> variants(String primary) {
        Objects.requireNonNull(primary, "primary must not be null");
        return variants(Utf8.encode(primary, "primary"));
    }

    /**
     * Removes every entry (memcached {@code flush_all}). Each live entry removed counts an
     * invalidation.
     *
     * @throws EngineClosedException if the engine is closed
     */
    void clear();

    // ---- stats and lifecycle --------------------------------------------------------------

    /**
     * A snapshot of the engine's figures, cheap enough for every metrics scrape. After
     * {@link #close()} it returns the last figures (or zeros) and never throws.
     *
     * @return the figures
     */
    EngineStats stats();

    /**
     * Releases everything the engine holds (threads, memory, files, locks), waiting for its
     * background work to stop; a persistent engine makes its data durable first. Idempotent;
     * afterwards every operation but {@link #name}, {@link #capabilities}, {@link #maxValueSize}
     * and {@link #stats} throws {@link EngineClosedException}.
     */
    @Override
    void close();
}
