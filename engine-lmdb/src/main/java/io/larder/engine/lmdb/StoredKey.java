package io.larder.engine.lmdb;

import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The LMDB key an entry is stored under: LMDB keys are at most {@value #MAX_LMDB_KEY} bytes, Larder
 * keys up to {@link Key#MAX_ENCODED_BYTES}.
 *
 * <p>Three forms, chosen so that every variant of a primary still lies in one key range (the
 * primary's {@link #rangePrefix(byte[]) range prefix}) and no other primary's key does:
 * <ol>
 *   <li><b>short</b>: the encoded key itself, when it fits. Starts with the primary's length, whose
 *       first byte is {@code 0x00} or {@code 0x01} (a short key's primary is under 512 bytes).</li>
 *   <li><b>long variant</b>: for a primary of at most {@value #MAX_INLINE_PRIMARY} bytes whose
 *       encoded key does not fit: {@code primaryPrefix, 0xFF, SHA-256(encoded key)}. A short key's
 *       variant part starts with a name length (1..64), never {@code 0xFF}, so the two never meet,
 *       and both start with the primary prefix.</li>
 *   <li><b>long primary</b>: for a longer primary, every key of it, whatever its variant:
 *       {@code 0xFF, SHA-256(primaryPrefix), SHA-256(encoded key)}. Its range prefix is the first 33
 *       bytes; the leading {@code 0xFF} keeps it apart from every short or long-variant key.</li>
 * </ol>
 * The two digest forms store the full encoded key in the record, and every lookup compares it, so
 * a digest collision reads as a miss (and a write to the colliding key replaces the other entry)
 * instead of returning another key's value.
 */
final class StoredKey {

    /** LMDB's compiled-in key limit. */
    static final int MAX_LMDB_KEY = 511;
    /** Longest primary kept in clear; longer ones are digested. */
    static final int MAX_INLINE_PRIMARY = MAX_LMDB_KEY - 2 - 1 - 32;

    private static final byte DIGEST_MARK = (byte) 0xFF;
    private static final int DIGEST = 32;

    private StoredKey() {
    }

    /** Whether {@code key} is stored under its own encoding (no digest, no full key in the record). */
    static boolean isShort(Key key) {
        return key.primaryLength() <= MAX_INLINE_PRIMARY && key.encodedLength() <= MAX_LMDB_KEY;
    }

    /** Writes {@code key}'s stored form into {@code dst} (position 0, flipped for reading). */
    static void write(Key key, ByteBuffer dst) {
        dst.clear();
        if (isShort(key)) {
            key.copyEncodedTo(dst);
        } else {
            byte[] encoded = key.encodedBytes();
            if (key.primaryLength() <= MAX_INLINE_PRIMARY) {
                dst.put(encoded, 0, key.primaryPrefixLength()).put(DIGEST_MARK);
            } else {
                dst.put(DIGEST_MARK).put(sha256(encoded, key.primaryPrefixLength()));
            }
            dst.put(sha256(encoded, encoded.length));
        }
        dst.flip();
    }

    /** The prefix every stored key of {@code primary}'s variants starts with, and no other's does. */
    static byte[] rangePrefix(byte[] primary) {
        byte[] prefix = Key.primaryPrefix(primary);
        if (primary.length <= MAX_INLINE_PRIMARY) {
            return prefix;
        }
        byte[] digested = new byte[1 + DIGEST];
        digested[0] = DIGEST_MARK;
        System.arraycopy(sha256(prefix, prefix.length), 0, digested, 1, DIGEST);
        return digested;
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
