package io.larder.benchmarks.sidebyside;

/** The operations the side-by-side benchmark measures; a store declares the ones it has. */
public enum Op {
    /** A read that returns a fresh copy of the value (or, for on-heap maps, the stored array). */
    GET,
    /** A read into the caller's reused direct buffer. */
    COPY,
    /** A visit of the stored bytes in place, reading the value's first and last byte. */
    READ,
    /** A store over an existing key. */
    SET,
    /** A compare-and-set that replaces the value the caller last saw. */
    CAS
}
