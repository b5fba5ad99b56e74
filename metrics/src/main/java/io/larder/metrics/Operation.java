package io.larder.metrics;

/**
 * The kinds of engine operation {@link MeteredEngine} times, one histogram each. Overloads of one
 * operation (a {@code byte[]} or a {@code ByteBuffer} value, a {@code String} or a {@code byte[]}
 * primary) share a kind; so do the three reads, which differ only in how the value is handed over.
 */
public enum Operation {
    /** {@code get}, {@code read} and {@code copyValue}. */
    READ,
    /** {@code set}. */
    SET,
    /** {@code add}. */
    ADD,
    /** {@code replace}. */
    REPLACE,
    /** {@code compareAndSet}. */
    COMPARE_AND_SET,
    /** {@code delete}, with or without an expected version. */
    DELETE,
    /** {@code touch}. */
    TOUCH,
    /** {@code getAndTouch}. */
    GET_AND_TOUCH,
    /** {@code append} and {@code prepend}. */
    CONCAT,
    /** {@code increment} and {@code decrement}. */
    COUNTER,
    /** {@code compute}. */
    COMPUTE,
    /** {@code invalidate}, removing or marking stale. */
    INVALIDATE,
    /** {@code variants}. */
    VARIANTS,
    /** {@code clear}. */
    CLEAR,
    /** {@code lookup}, the lease-aware read. */
    LOOKUP,
    /** {@code markStale}. */
    MARK_STALE,
    /** {@code invalidateTag}. */
    INVALIDATE_TAG
}
