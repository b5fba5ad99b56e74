package io.larder.engine.offheap;

/**
 * The layout of the metadata stored in front of every value in the Chronicle map.
 *
 * <pre>
 * offset size field
 *  0     1    format     header format version, {@value #FORMAT}
 *  1     1    length     header length in bytes ({@value #LENGTH} today); the value starts here
 *  2     2    marks      bits for the stale mark, lease and tag flags the contract will grow; 0 now
 *  4     4    flags      the client's 32 opaque bits
 *  8     8    version    the CAS token, &gt; 0
 * 16     8    expiresAt  epoch milliseconds, 0 for never
 * 24     8    storedAt   epoch milliseconds of the last value write
 * 32     8    access     the eviction clock's reading at the last hit or write (not part of the entry)
 * 40     -    value
 * </pre>
 *
 * Multi-byte fields are in Chronicle's native byte order (little-endian on every platform Chronicle
 * Map supports). A later format appends fields and raises {@code length}; a reader finds the value at
 * {@code length}, so entries written by an older build stay readable, and a reader refuses a
 * {@code format} it does not know instead of reading garbage.
 */
final class EntryHeader {

    /** The header format this build writes and reads. */
    static final int FORMAT = 1;
    /** Header length this build writes. */
    static final int LENGTH = 40;

    static final int FORMAT_OFFSET = 0;
    static final int LENGTH_OFFSET = 1;
    static final int MARKS_OFFSET = 2;
    static final int FLAGS_OFFSET = 4;
    static final int VERSION_OFFSET = 8;
    static final int EXPIRES_AT_OFFSET = 16;
    static final int STORED_AT_OFFSET = 24;
    static final int ACCESS_OFFSET = 32;

    private EntryHeader() {
    }
}
