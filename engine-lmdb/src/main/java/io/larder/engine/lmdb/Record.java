package io.larder.engine.lmdb;

import java.nio.ByteBuffer;

/**
 * The layout of a record in the entries database: a header, the full encoded key when the LMDB key
 * is a digest (see {@link StoredKey}), then the value. Big-endian.
 *
 * <pre>
 *  0  u8   header format ({@value #HEADER_FORMAT})
 *  1  u8   header length in bytes ({@value #HEADER_LENGTH} in this format)
 *  2  u16  full key length, 0 when the LMDB key is the encoded key, {@value #LONG_KEY} when it is in
 *           the u32 that then starts the key part
 *  4  i32  flags
 *  8  i64  version
 * 16  i64  expiresAt (0 = never)
 * 24  i64  storedAt
 * 32  i64  queuedAt: the entry's first place in the eviction queue, its version (a second chance
 *           moves the queue row only, see {@link Databases})
 * 40  ...  full key (after its u32 length when that is {@value #LONG_KEY} bytes or more), then value
 * </pre>
 *
 * The longest keys (see {@link io.larder.spi.Key#MAX_ENCODED_BYTES}) pass what two bytes hold; the
 * escape keeps every record of a shorter key byte for byte as before, so stores written earlier
 * read alike.
 *
 * Readers skip {@code header length} bytes, so a later format can append fields (a stale mark, a
 * lease, tags) without moving anything this format reads.
 */
final class Record {

    static final int HEADER_FORMAT = 1;
    static final int HEADER_LENGTH = 40;

    /** In the key length field: the length is the u32 after the header. */
    static final int LONG_KEY = 0xFFFF;

    private static final int FORMAT = 0;
    private static final int LENGTH = 1;
    private static final int KEY_LENGTH = 2;
    private static final int FLAGS = 4;
    private static final int VERSION = 8;
    private static final int EXPIRES_AT = 16;
    private static final int STORED_AT = 24;
    private static final int QUEUED_AT = 32;

    private Record() {
    }

    /** Bytes a record takes. */
    static int size(int fullKeyLength, int valueLength) {
        return HEADER_LENGTH + keyPartLength(fullKeyLength) + valueLength;
    }

    private static int keyPartLength(int fullKeyLength) {
        return fullKeyLength >= LONG_KEY ? 4 + fullKeyLength : fullKeyLength;
    }

    /**
     * Writes a header at {@code dst}'s position 0, and the full key's u32 length after it when the
     * key needs one; the key then goes at {@link #fullKeyOffset}, the value at {@link #valueOffset}.
     */
    static void writeHeader(ByteBuffer dst, int fullKeyLength, int flags, long version, long expiresAt,
            long storedAt, long queuedAt) {
        dst.put(FORMAT, (byte) HEADER_FORMAT)
                .put(LENGTH, (byte) HEADER_LENGTH)
                .putShort(KEY_LENGTH, (short) Math.min(fullKeyLength, LONG_KEY))
                .putInt(FLAGS, flags)
                .putLong(VERSION, version)
                .putLong(EXPIRES_AT, expiresAt)
                .putLong(STORED_AT, storedAt)
                .putLong(QUEUED_AT, queuedAt);
        if (fullKeyLength >= LONG_KEY) {
            dst.putInt(HEADER_LENGTH, fullKeyLength);
        }
    }

    static int headerLength(ByteBuffer record) {
        return Byte.toUnsignedInt(record.get(LENGTH));
    }

    static int fullKeyLength(ByteBuffer record) {
        int length = Short.toUnsignedInt(record.getShort(KEY_LENGTH));
        return length == LONG_KEY ? record.getInt(headerLength(record)) : length;
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
        return headerLength(record) + (longKey ? 4 : 0);
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
