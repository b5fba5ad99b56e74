package io.larder.engine.lmdb;

import java.nio.ByteBuffer;

/**
 * The layout of a record in the entries database: a header, the tag area (when the entry has
 * tags), the full encoded key when the LMDB key is a digest (see {@link StoredKey}), then the
 * value. Big-endian.
 *
 * <pre>
 *  0  u8   header format: {@value #PLAIN_FORMAT} plain, {@value #CACHE_FORMAT} with cache state
 *  1  u8   header length in bytes: {@value #PLAIN_LENGTH} plain, {@value #CACHE_LENGTH} with cache state
 *  2  u16  full key length, 0 when the LMDB key is the encoded key, {@value #LONG_KEY} when it is in
 *           the u32 that then starts the key part
 *  4  i32  flags
 *  8  i64  version
 * 16  i64  expiresAt (0 = never)
 * 24  i64  storedAt
 * 32  i64  queuedAt: the entry's first place in the eviction queue, its version (a second chance
 *           moves the queue row only, see {@link Databases})
 *  -- cache state, only in a {@value #CACHE_LENGTH}-byte header:
 * 40  u8   state bits: {@value #STALE} stale, {@value #PLACEHOLDER} lease placeholder
 * 41  u8   tag count
 * 42  u16  tag area length in bytes
 * 44  i32  reserved, 0
 * 48  i64  leaseUntil (epoch ms, 0 = no lease)
 * 56  ...  tag area: per tag, a u8 length and its UTF-8 bytes
 *  -- after the header (and tag area):
 *     ...  the key part: the full key (after its u32 length when that is {@value #LONG_KEY} bytes
 *           or more), then the value
 * </pre>
 *
 * <p>An entry with no cache state (no tags, not stale, no lease, not a placeholder) has the plain
 * 40-byte header, byte for byte the record of store format 2: untagged entries cost nothing more,
 * and a format-2 store's records read as they are (store format 3 only adds databases, see
 * {@link Databases}). Readers skip {@code header length} bytes and find the cache state by the
 * header length, never by guessing. The longest keys (see {@link io.larder.spi.Key#MAX_ENCODED_BYTES})
 * pass what two bytes hold; the escape keeps every record of a shorter key byte for byte as before.
 */
final class Record {

    /** Header format byte of a plain header; also every record of store format 2. */
    static final int PLAIN_FORMAT = 1;
    /** Header format byte of a header with cache state. */
    static final int CACHE_FORMAT = 3;
    static final int PLAIN_LENGTH = 40;
    static final int CACHE_LENGTH = 56;
    /** State bit: marked stale. */
    static final int STALE = 1;
    /** State bit: a lease placeholder (no value, flags or tags). */
    static final int PLACEHOLDER = 2;

    /** In the key length field: the length is the u32 that starts the key part. */
    static final int LONG_KEY = 0xFFFF;

    private static final int FORMAT = 0;
    private static final int LENGTH = 1;
    private static final int KEY_LENGTH = 2;
    private static final int FLAGS = 4;
    private static final int VERSION = 8;
    private static final int EXPIRES_AT = 16;
    private static final int STORED_AT = 24;
    private static final int QUEUED_AT = 32;
    private static final int STATE = 40;
    private static final int TAG_COUNT = 41;
    private static final int TAG_AREA = 42;
    private static final int LEASE_UNTIL = 48;

    private Record() {
    }

    /** The header length a record with this cache state takes. */
    static int headerLength(int state, long leaseUntil, byte[] tagArea) {
        return state == 0 && leaseUntil == 0 && tagArea.length == 0 ? PLAIN_LENGTH : CACHE_LENGTH;
    }

    /** Bytes a record takes. */
    static int size(int headerLength, int tagAreaLength, int fullKeyLength, int valueLength) {
        return headerLength + tagAreaLength + keyPartLength(fullKeyLength) + valueLength;
    }

    private static int keyPartLength(int fullKeyLength) {
        return fullKeyLength >= LONG_KEY ? 4 + fullKeyLength : fullKeyLength;
    }

    /**
     * Writes a header, the tag area after it, and the full key's u32 length when the key needs one,
     * at {@code dst}'s position 0; the key then goes at {@link #fullKeyOffset}, the value at
     * {@link #valueOffset}. The header length is {@link #headerLength(int, long, byte[])} of the
     * cache state.
     */
    static void writeHeader(ByteBuffer dst, int fullKeyLength, int flags, long version, long expiresAt,
            long storedAt, long queuedAt, int state, long leaseUntil, byte[] tagArea) {
        int length = headerLength(state, leaseUntil, tagArea);
        dst.put(FORMAT, (byte) (length == PLAIN_LENGTH ? PLAIN_FORMAT : CACHE_FORMAT))
                .put(LENGTH, (byte) length)
                .putShort(KEY_LENGTH, (short) Math.min(fullKeyLength, LONG_KEY))
                .putInt(FLAGS, flags)
                .putLong(VERSION, version)
                .putLong(EXPIRES_AT, expiresAt)
                .putLong(STORED_AT, storedAt)
                .putLong(QUEUED_AT, queuedAt);
        if (length == CACHE_LENGTH) {
            dst.put(STATE, (byte) state)
                    .put(TAG_COUNT, (byte) Tags.count(tagArea))
                    .putShort(TAG_AREA, (short) tagArea.length)
                    .putInt(TAG_AREA + 2, 0)
                    .putLong(LEASE_UNTIL, leaseUntil)
                    .put(CACHE_LENGTH, tagArea);
        }
        if (fullKeyLength >= LONG_KEY) {
            dst.putInt(length + tagArea.length, fullKeyLength);
        }
    }

    static int headerLength(ByteBuffer record) {
        return Byte.toUnsignedInt(record.get(LENGTH));
    }

    /** Whether the record carries cache state (a plain header has none). */
    static boolean hasCacheState(ByteBuffer record) {
        return record.get(LENGTH) != PLAIN_LENGTH;
    }

    /** The state bits ({@link #STALE}, {@link #PLACEHOLDER}); 0 for a plain header. */
    static int state(ByteBuffer record) {
        return hasCacheState(record) ? Byte.toUnsignedInt(record.get(STATE)) : 0;
    }

    /** The lease's end in epoch ms, 0 for none. */
    static long leaseUntil(ByteBuffer record) {
        return hasCacheState(record) ? record.getLong(LEASE_UNTIL) : 0;
    }

    /** Length of the tag area, 0 when untagged. */
    static int tagAreaLength(ByteBuffer record) {
        return hasCacheState(record) ? Short.toUnsignedInt(record.getShort(TAG_AREA)) : 0;
    }

    /** A copy of the tag area ({@link Tags}' encoding); empty when untagged. */
    static byte[] tagArea(ByteBuffer record) {
        int n = tagAreaLength(record);
        if (n == 0) {
            return Tags.NONE;
        }
        byte[] area = new byte[n];
        record.get(CACHE_LENGTH, area);
        return area;
    }

    /** Offset of the key part: after the header and the tag area. */
    private static int keyPartOffset(ByteBuffer record) {
        int header = headerLength(record);
        return header == PLAIN_LENGTH ? header : header + tagAreaLength(record);
    }

    static int fullKeyLength(ByteBuffer record) {
        int length = Short.toUnsignedInt(record.getShort(KEY_LENGTH));
        return length == LONG_KEY ? record.getInt(keyPartOffset(record)) : length;
    }

    static int flags(ByteBuffer record) {
        return record.getInt(FLAGS);
    }

    static long version(ByteBuffer record) {
        return record.getLong(VERSION);
    }

    static long expiresAt(ByteBuffer record) {
        return record.getLong(EXPIRES_AT);
    }

    static long storedAt(ByteBuffer record) {
        return record.getLong(STORED_AT);
    }

    static long queuedAt(ByteBuffer record) {
        return record.getLong(QUEUED_AT);
    }

    /** Offset of the full key (meaningful only when its length is not 0). */
    static int fullKeyOffset(ByteBuffer record) {
        boolean longKey = Short.toUnsignedInt(record.getShort(KEY_LENGTH)) == LONG_KEY;
        return keyPartOffset(record) + (longKey ? 4 : 0);
    }

    /** Offset of the value. */
    static int valueOffset(ByteBuffer record) {
        return fullKeyOffset(record) + fullKeyLength(record);
    }

    /** Length of the value. */
    static int valueLength(ByteBuffer record) {
        return record.limit() - valueOffset(record);
    }

    /** Whether {@code record}'s full key (or, for short keys, the LMDB key) is {@code encoded}. */
    static boolean keyMatches(ByteBuffer record, byte[] encoded) {
        int n = fullKeyLength(record);
        if (n == 0) {
            return true; // the LMDB key is the encoded key, which LMDB matched exactly
        }
        if (n != encoded.length) {
            return false;
        }
        int at = fullKeyOffset(record);
        for (int i = 0; i < n; i++) {
            if (record.get(at + i) != encoded[i]) {
                return false;
            }
        }
        return true;
    }

    /** The full encoded key of a record stored under {@code lmdbKey}. */
    static byte[] fullKey(ByteBuffer record, ByteBuffer lmdbKey) {
        int n = fullKeyLength(record);
        byte[] key;
        if (n == 0) {
            key = new byte[lmdbKey.remaining()];
            lmdbKey.duplicate().get(key);
        } else {
            key = new byte[n];
            record.get(fullKeyOffset(record), key);
        }
        return key;
    }
}
