package io.larder.engine.offheap;

/**
 * The layout of the metadata stored in front of every value in the Chronicle map.
 *
 * <pre>
 * offset size field
 *  0     1    format     header format version, {@value #FORMAT}
 *  1     1    length     length of the fixed part: {@value #LENGTH}, or {@value #LEASED_LENGTH} with a lease
 *  2     2    marks      bit 0 stale, bit 1 placeholder, bit 2 leased (leaseUntil present), bit 3 tagged
 *  4     4    flags      the client's 32 opaque bits
 *  8     8    version    the CAS token, &gt; 0
 * 16     8    expiresAt  epoch milliseconds, 0 for never
 * 24     8    storedAt   epoch milliseconds of the last value write
 * 32     8    access     the eviction clock's reading at the last hit or write (not part of the entry)
 * 40     8    stats      hits (high 16 bits, saturating) and lastAccess (low 48 bits, epoch milliseconds)
 * 48     8    leaseUntil epoch milliseconds; present only with the leased mark
 * length -    tags       only with the tagged mark: total size (2 bytes, what follows), count (1 byte),
 *                        then each tag as its UTF-8 length (1 byte, 1..250) and bytes
 * ...    -    value
 * </pre>
 *
 * Multi-byte fields are in Chronicle's native byte order (little-endian on every platform Chronicle
 * Map supports). The lease and the tags are optional, so an untagged entry that was never leased
 * pays {@value #LENGTH} bytes, 8 more than format 1's 40. Format 1 (no marks, no stats) is never met:
 * the engine keeps nothing across processes, so every entry it reads was written by this build; a
 * reader still refuses a {@code format} it does not know instead of reading garbage.
 */
final class EntryHeader {

    /** The header format this build writes and reads. */
    static final int FORMAT = 2;
    /** Length of the fixed part of the header without a lease. */
    static final int LENGTH = 48;
    /** Length of the fixed part of the header with a lease. */
    static final int LEASED_LENGTH = 56;

    static final int FORMAT_OFFSET = 0;
    static final int LENGTH_OFFSET = 1;
    static final int MARKS_OFFSET = 2;
    static final int FLAGS_OFFSET = 4;
    static final int VERSION_OFFSET = 8;
    static final int EXPIRES_AT_OFFSET = 16;
    static final int STORED_AT_OFFSET = 24;
    static final int ACCESS_OFFSET = 32;
    static final int STATS_OFFSET = 40;
    static final int LEASE_UNTIL_OFFSET = 48;

    static final int STALE = 1;
    static final int PLACEHOLDER = 2;
    static final int LEASED = 4;
    static final int TAGGED = 8;

    /** Bits of the stats field that hold lastAccess. */
    static final long LAST_ACCESS_MASK = (1L << 48) - 1;
    static final int HITS_SHIFT = 48;

    private EntryHeader() {
    }
}
