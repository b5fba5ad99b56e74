package io.larder.spi;

import io.larder.spi.internal.LeaseDecisions;
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
 * <h2>Cache semantics</h2>
 * An engine with {@link Capability#CACHE_SEMANTICS} also keeps what a cache core cannot build
 * atomically on top of a key-value store (the contract, {@code docs/storage-contract.md}, states
 * each rule; the TCK checks them):
 * <ul>
 *   <li><b>Leases</b> against dog-piles: {@link #lookup} tells exactly one caller to rebuild a
 *       missing, stale or soon-expiring entry, and the others that it is being rebuilt. A miss may
 *       leave a <em>lease placeholder</em>: no value, invisible to reads, stored over by
 *       {@code set}/{@code add} and by a compare-and-set with its token, removed by {@code delete},
 *       gone when its lease time runs out.</li>
 *   <li><b>Stale entries</b>: {@link #markStale} and the {@link InvalidationMode#MARK_STALE} mode of
 *       invalidations keep a value but mark it stale, with a new version; reads return it with the
 *       mark; storing a value clears it.</li>
 *   <li><b>Tags</b>: writes may carry tags ({@link WriteOptions}); {@link #invalidateTag} removes or
 *       marks stale every entry carrying the tag that was written before the call, without a scan.
 *       A compare-and-set with tags is refused when one of them was invalidated after its token,
 *       so a rebuild that read its origin before an invalidation never lands after it.</li>
 *   <li><b>Hit statistics</b>: every entry counts its read hits and its last access
 *       ({@link EntryView#hits()}, {@link EntryView#lastAccess()}).</li>
 * </ul>
 * Without the capability, those operations throw {@link UnsupportedOperationException}; every
 * other operation works as before.
 *
 * <p>A rebuild with a lease, in short:
 * <pre>{@code
 * Lookup found = engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(10)));
 * if (found.won()) {
 *     byte[] page = render();   // only this caller goes to the origin
 *     engine.compareAndSet(key, found.token(), page, WriteOptions.tagged("post:7"));
 * }
 * serve(found.entry());         // the fresh, stale or (null) missing value
 * }</pre>
 *
 * <h2>Writing an engine</h2>
 * Only {@link #read}, {@link #compute}, {@link #invalidate(byte[])}, {@link #variants(byte[])},
 * {@link #clear}, {@link #stats}, {@link #capabilities}, {@link #maxValueSize}, {@link #name} and
 * {@link #close} are abstract. Every other operation has a default over an atomic {@code compute},
 * correct but allocating; an engine overrides the ones it can do faster. An engine with
 * {@link Capability#CACHE_SEMANTICS} must also override {@link #clock()} and
 * {@link #invalidateTag}, whose default refuses. Buffers are read between
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
     * The clock the engine reads time from (given at open). Answers after close too.
     *
     * @return the engine's clock; the system clock unless configured otherwise
     */
    default Clock clock() {
        return Clock.system();
    }

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
     * and applies its answer. On an engine with {@link Capability#CACHE_SEMANTICS} the function also
     * sees lease placeholders ({@link Entry#placeholder()}) and may answer with the cache actions
     * of {@link ComputeAction}. The function may be called more than once; only the last answer takes
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
     * @throws UnsupportedOperationException if the function answers with a cache action (or tags)
     *         and the engine lacks {@link Capability#CACHE_SEMANTICS}; the store is unchanged
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
        return addChecked(key, bytes, WriteOptions.expiring(expiry).withFlags(flags));
    }

    private Outcome addChecked(Key key, byte[] bytes, WriteOptions options) {
        Outcome[] refused = new Outcome[1];
        Entry after = compute(key, current -> {
            boolean free = current == null || current.placeholder();
            refused[0] = free ? null : Outcome.exists(current.version());
            return free ? ComputeAction.store(bytes, options) : ComputeAction.keep();
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
        return replaceChecked(key, bytes, WriteOptions.expiring(expiry).withFlags(flags));
    }

    private Outcome replaceChecked(Key key, byte[] bytes, WriteOptions options) {
        boolean[] found = new boolean[1];
        Entry after = compute(key, current -> {
            found[0] = current != null && !current.placeholder();
            return found[0] ? ComputeAction.store(bytes, options) : ComputeAction.keep();
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
        return compareAndSetChecked(key, expectedVersion, bytes, WriteOptions.expiring(expiry).withFlags(flags));
    }

    private Outcome compareAndSetChecked(Key key, long expectedVersion, byte[] bytes, WriteOptions options) {
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
            // a guarded store the engine refuses leaves the entry as it is: reported as EXISTS below
            refused[0] = null;
            ComputeAction store = ComputeAction.store(bytes, options);
            return options.tags().isEmpty() ? store : store.ifTagsNotInvalidatedSince(expectedVersion);
        });
        if (refused[0] != null) {
            return refused[0];
        }
        return after == null || after.version() == expectedVersion
                ? Outcome.exists(after == null ? expectedVersion : after.version())
                : Outcome.stored(after.version());
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

    // ---- writes with options (tags) ---------------------------------------------------------

    /**
     * Stores the value whatever is there (a lease placeholder too), with the options' expiry, flags
     * and tags.
     *
     * @param key the key
     * @param value the value, between its position and limit; the position is unchanged
     * @param options expiry, flags and tags
     * @return the new version
     * @throws NullPointerException if {@code key}, {@code value} or {@code options} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if the expiry, counted from now, passes the latest expiry
     *         ({@link Expiry#MAX_EPOCH_MILLIS})
     * @throws UnsupportedOperationException if the options carry tags and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default long set(Key key, ByteBuffer value, WriteOptions options) {
        Objects.requireNonNull(options, "write options must not be null");
        if (options.tags().isEmpty()) {
            return set(key, value, options.expiry(), options.flags());
        }
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.cacheSemantics(this, "store tags");
        return compute(key, current -> ComputeAction.store(bytes, options)).version();
    }

    /**
     * {@link #set(Key, ByteBuffer, WriteOptions)} of an array.
     *
     * @param key the key
     * @param value the value
     * @param options expiry, flags and tags
     * @return the new version
     * @throws NullPointerException if {@code key}, {@code value} or {@code options} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if the expiry, counted from now, passes the latest expiry
     * @throws UnsupportedOperationException if the options carry tags and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default long set(Key key, byte[] value, WriteOptions options) {
        return set(key, ByteBuffer.wrap(Checks.value(value, maxValueSize())), options);
    }

    /**
     * Stores only if there is no live entry (a lease placeholder counts as none), with the options'
     * expiry, flags and tags.
     *
     * @param key the key
     * @param value the value, between its position and limit; the position is unchanged
     * @param options expiry, flags and tags
     * @return {@code STORED(version)}, or {@code EXISTS(itsVersion)} when a live entry is there
     * @throws NullPointerException if {@code key}, {@code value} or {@code options} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if the expiry, counted from now, passes the latest expiry
     * @throws UnsupportedOperationException if the options carry tags and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome add(Key key, ByteBuffer value, WriteOptions options) {
        Objects.requireNonNull(options, "write options must not be null");
        if (options.tags().isEmpty()) {
            return add(key, value, options.expiry(), options.flags());
        }
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.cacheSemantics(this, "store tags");
        return addChecked(key, bytes, options);
    }

    /**
     * Stores only if there is a live entry with a value, with the options' expiry, flags and tags.
     *
     * @param key the key
     * @param value the value, between its position and limit; the position is unchanged
     * @param options expiry, flags and tags
     * @return {@code STORED(version)}, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code options} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if the expiry, counted from now, passes the latest expiry
     * @throws UnsupportedOperationException if the options carry tags and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome replace(Key key, ByteBuffer value, WriteOptions options) {
        Objects.requireNonNull(options, "write options must not be null");
        if (options.tags().isEmpty()) {
            return replace(key, value, options.expiry(), options.flags());
        }
        Checks.key(key);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.cacheSemantics(this, "store tags");
        return replaceChecked(key, bytes, options);
    }

    /**
     * Stores only if the live entry (or lease placeholder) has {@code expectedVersion}, with the
     * options' expiry, flags and tags. With tags, the store is also refused, as {@code EXISTS},
     * when one of the tags was invalidated after {@code expectedVersion}: a rebuild that read its
     * origin before the invalidation must not land after it. Store a rebuild this way, with the
     * token of the lease ({@link Lookup#token()}). If it is refused, the lease is still held (on the
     * placeholder or the stale entry) until it runs out; delete with the token to hand it on at once.
     *
     * @param key the key
     * @param expectedVersion the version the live entry must have, or the lease token
     * @param value the value, between its position and limit; the position is unchanged
     * @param options expiry, flags and tags
     * @return {@code STORED(version)}, {@code EXISTS(itsVersion)} when the version differs or a tag
     *         was invalidated since, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code options} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expectedVersion} is not positive, or the expiry,
     *         counted from now, passes the latest expiry
     * @throws UnsupportedOperationException if the options carry tags and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome compareAndSet(Key key, long expectedVersion, ByteBuffer value, WriteOptions options) {
        Objects.requireNonNull(options, "write options must not be null");
        if (options.tags().isEmpty()) {
            return compareAndSet(key, expectedVersion, value, options.expiry(), options.flags());
        }
        Checks.key(key);
        Checks.expectedVersion(expectedVersion);
        byte[] bytes = Checks.bytes(Checks.value(value, maxValueSize()));
        Checks.cacheSemantics(this, "store tags");
        return compareAndSetChecked(key, expectedVersion, bytes, options);
    }

    /**
     * {@link #compareAndSet(Key, long, ByteBuffer, WriteOptions)} of an array.
     *
     * @param key the key
     * @param expectedVersion the version the live entry must have, or the lease token
     * @param value the value
     * @param options expiry, flags and tags
     * @return {@code STORED(version)}, {@code EXISTS(itsVersion)} when the version differs or a tag
     *         was invalidated since, or {@code NOT_FOUND}
     * @throws NullPointerException if {@code key}, {@code value} or {@code options} is null
     * @throws ValueTooLargeException if the value is longer than {@link #maxValueSize()}
     * @throws IllegalArgumentException if {@code expectedVersion} is not positive, or the expiry,
     *         counted from now, passes the latest expiry
     * @throws UnsupportedOperationException if the options carry tags and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome compareAndSet(Key key, long expectedVersion, byte[] value, WriteOptions options) {
        return compareAndSet(key, expectedVersion, ByteBuffer.wrap(Checks.value(value, maxValueSize())), options);
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
        Entry after = compute(key, current -> current == null || current.placeholder() ? ComputeAction.keep()
                : ComputeAction.touch(expiry));
        return after == null || after.placeholder() ? Outcome.notFound() : Outcome.touched(after.version());
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
        Entry after = compute(key, current -> current == null || current.placeholder() ? ComputeAction.keep()
                : ComputeAction.touch(expiry));
        return after == null || after.placeholder() ? null : after;
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
            found[0] = current != null && !current.placeholder();
            if (!found[0]) {
                return ComputeAction.keep();
            }
            byte[] old = current.value();
            Checks.valueSize((long) old.length + bytes.length, max);
            byte[] joined = new byte[old.length + bytes.length];
            System.arraycopy(atEnd ? old : bytes, 0, joined, 0, atEnd ? old.length : bytes.length);
            System.arraycopy(atEnd ? bytes : old, 0, joined, atEnd ? old.length : bytes.length,
                    atEnd ? bytes.length : old.length);
            return ComputeAction.store(joined, keeping(current));
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
            if (current == null || current.placeholder()) {
                return ComputeAction.keep();
            }
            long old = Counters.parse(current.value());
            result[0] = up ? Counters.increment(old, delta) : Counters.decrement(old, delta);
            return ComputeAction.store(Counters.format(result[0]), keeping(current));
        });
        return after == null || after.placeholder() ? CounterResult.notFound()
                : CounterResult.updated(result[0], after.version());
    }

    private static WriteOptions keeping(Entry current) {
        return WriteOptions.expiring(Expiry.ofExpiresAt(current.expiresAt())).withFlags(current.flags())
                .withTags(current.tags());
    }

    // ---- cache semantics ------------------------------------------------------------------

    /**
     * A lease-aware lookup (memcached {@code mg} with {@code N}/{@code R}): serves what there is and
     * decides, atomically, who rebuilds.
     * <ul>
     *   <li>A fresh live entry, not due for recache: {@code HIT}, counted as a read hit.</li>
     *   <li>A stale entry, or one whose time to live is below the recache threshold: if nobody
     *       holds a lease on it, this caller wins one ({@code WON}, the token is the entry's new
     *       version); otherwise {@code TAKEN}. Either way the value is served (a stale one only
     *       with accept-stale), counted as a read hit.</li>
     *   <li>A lease placeholder: {@code TAKEN}, no value, counted as a miss.</li>
     *   <li>No entry: with vivify on miss, this caller leaves a placeholder and wins its lease
     *       ({@code WON}, no value); without, {@code MISS}. Counted as a miss.</li>
     * </ul>
     * Exactly one caller wins a lease, across threads and, for engines shared between processes,
     * across processes. The lease ends when a value is stored under the key, when the key is
     * deleted, or when the lease time runs out; then the next lookup may win.
     *
     * @param key the key
     * @param options lease time, vivify on miss, recache threshold, accept stale
     * @return what to serve and whether this caller rebuilds
     * @throws NullPointerException if {@code key} or {@code options} is null
     * @throws UnsupportedOperationException if the engine lacks {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default Lookup lookup(Key key, LeaseOptions options) {
        Checks.key(key);
        Objects.requireNonNull(options, "lease options must not be null");
        Checks.cacheSemantics(this, "hand out leases");
        Clock clock = clock();
        // the read path decides the common cases without a write: a fresh hit, or a lease taken
        Lookup served = read(key, view -> LeaseDecisions.onRead(view, options, clock.millis()));
        return served != null ? served : LeaseDecisions.byCompute(this, key, options, Lookup.taken(null));
    }

    /**
     * Marks the live entry stale (memcached {@code md ... I}, a soft purge): it keeps its value,
     * flags and tags and is still served, with the mark, but gets a new version, so a
     * compare-and-set with a token from before fails, and any lease on it ends, so the next
     * {@link #lookup} wins one. Storing a value clears the mark.
     *
     * @param key the key
     * @param grace the latest the entry may now expire (the earlier of this and its expiry stays),
     *        or {@code null} to keep its expiry
     * @return {@code STORED(newVersion)}, or {@code NOT_FOUND} when there is no live entry with a
     *         value
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code grace}, counted from now, passes the latest expiry
     * @throws UnsupportedOperationException if the engine lacks {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default Outcome markStale(Key key, Expiry grace) {
        Checks.key(key);
        Checks.cacheSemantics(this, "mark entries stale");
        boolean[] found = new boolean[1];
        Entry after = compute(key, current -> {
            found[0] = current != null && !current.placeholder();
            return found[0] ? ComputeAction.markStale(grace) : ComputeAction.keep();
        });
        return found[0] ? Outcome.stored(after.version()) : Outcome.notFound();
    }

    /**
     * Removes, or marks stale, every variant of {@code primary}: an HTTP purge, hard or soft.
     * {@link InvalidationMode#REMOVE} is {@link #invalidate(byte[])}; {@link InvalidationMode#MARK_STALE}
     * marks each variant with a value as {@link #markStale} does (lease placeholders are left
     * alone). Engines count each entry reached as an invalidation; this default, built on
     * {@code markStale}, counts them as writes, and is atomic per variant only.
     *
     * @param primary the primary's bytes
     * @param mode remove or mark stale
     * @return how many entries with a value were removed or marked
     * @throws NullPointerException if {@code primary} or {@code mode} is null
     * @throws IllegalArgumentException if {@code primary} is outside the key limits ({@link Key})
     * @throws UnsupportedOperationException if the mode is {@code MARK_STALE} and the engine lacks
     *         {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default int invalidate(byte[] primary, InvalidationMode mode) {
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        if (mode == InvalidationMode.REMOVE) {
            return invalidate(primary);
        }
        Key.checkPrimary(primary);
        Checks.cacheSemantics(this, "mark entries stale");
        int marked = 0;
        for (Variant variant : variants(primary)) {
            if (markStale(Key.of(primary, variant), null).status() == Outcome.Status.STORED) {
                marked++;
            }
        }
        return marked;
    }

    /**
     * Removes, or marks stale, every entry carrying {@code tag} that was written before this call,
     * without scanning the store: from the moment the call returns, such an entry is absent for
     * every operation ({@link InvalidationMode#REMOVE}) or served stale
     * ({@link InvalidationMode#MARK_STALE}). Entries written after it are not affected. The engine
     * keeps, per tag, a watermark (a version from the same counter as the entries'); invalidated
     * entries are reclaimed in the background. A persistent engine keeps watermarks across restarts
     * and crashes.
     *
     * @param tag the tag
     * @param mode remove or mark stale
     * @return the tag's new watermark: entries carrying the tag with a lower version are invalidated
     * @throws NullPointerException if {@code tag} or {@code mode} is null
     * @throws IllegalArgumentException if the tag is outside the limits of {@link WriteOptions}
     * @throws UnsupportedOperationException if the engine lacks {@link Capability#CACHE_SEMANTICS}
     * @throws EngineClosedException if the engine is closed
     */
    default long invalidateTag(String tag, InvalidationMode mode) {
        WriteOptions.checkTag(tag);
        Objects.requireNonNull(mode, "invalidation mode must not be null");
        Checks.cacheSemantics(this, "invalidate tags");
        throw new UnsupportedOperationException("engine '" + name() + "' declares CACHE_SEMANTICS but does not"
                + " implement invalidateTag");
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
