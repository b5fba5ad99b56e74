package io.larder.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A cache key: a <em>primary</em> (a URL, an object id) plus a {@link Variant}.
 *
 * <p>Limits, checked at construction: the primary is {@value #MIN_PRIMARY_BYTES}..{@value #MAX_PRIMARY_BYTES}
 * bytes; the variant's own limits are listed on {@link Variant}. Every engine accepts every key within
 * these limits, whatever its native store allows.
 *
 * <p>The key is encoded once, at construction. The encoding is canonical (equal keys encode alike,
 * whatever order their variant parameters were given in), injective (different keys never encode
 * alike), and prefix-grouping: the encoding of every variant of a primary starts with
 * {@link #primaryPrefix(byte[])} of that primary, and no key of another primary does. An ordered
 * store therefore finds all variants of a primary with one prefix range. Layout: primary length as
 * two big-endian bytes, the primary, then for each parameter in name order its name length (one
 * byte), name, value length (two big-endian bytes) and value. The empty variant encodes as the bare
 * prefix. The limits keep every length well inside its field.
 *
 * <p>Keys order by their encoding, compared as unsigned bytes. Instances are immutable and
 * thread-safe.
 */
public final class Key implements Comparable<Key> {

    /** Shortest primary, in bytes. */
    public static final int MIN_PRIMARY_BYTES = 1;
    /** Longest primary, in bytes. */
    public static final int MAX_PRIMARY_BYTES = 8192;
    /**
     * Longest possible encoded key, in bytes ({@value}): the bound on every key an engine stores.
     * Most keys are far shorter, so a buffer kept per thread or per reader should grow to the key at
     * hand rather than start at this size.
     */
    public static final int MAX_ENCODED_BYTES = 2 + MAX_PRIMARY_BYTES
            + Variant.MAX_PARAMETERS * (1 + Variant.MAX_NAME_BYTES + 2 + Variant.MAX_VALUE_BYTES);

    private final int primaryLength;
    private final Variant variant;
    private final byte[] encoded;
    private final int hash;

    private Key(byte[] primary, Variant variant) {
        this.primaryLength = primary.length;
        this.variant = variant;
        byte[] bytes = new byte[2 + primary.length + variant.encodedLength()];
        writePrefix(primary, bytes);
        variant.encodeTo(bytes, 2 + primary.length);
        this.encoded = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    private Key(byte[] encoded, int primaryLength, Variant variant) {
        this.primaryLength = primaryLength;
        this.variant = variant;
        this.encoded = encoded;
        this.hash = Arrays.hashCode(encoded);
    }

    /**
     * The key of a UTF-8 primary with the empty variant.
     *
     * @param primary the primary, encoded as UTF-8
     * @return the key
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if the primary is not valid Unicode, empty, or longer than
     *         {@value #MAX_PRIMARY_BYTES} bytes of UTF-8
     */
    public static Key of(String primary) {
        return of(primary, Variant.EMPTY);
    }

    /**
     * The key of a UTF-8 primary and a variant.
     *
     * @param primary the primary, encoded as UTF-8
     * @param variant the variant; {@link Variant#EMPTY} for none
     * @return the key
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if the primary is not valid Unicode (an unpaired surrogate),
     *         empty, or longer than {@value #MAX_PRIMARY_BYTES} bytes of UTF-8
     */
    public static Key of(String primary, Variant variant) {
        Objects.requireNonNull(primary, "primary must not be null");
        return of(Utf8.encode(primary, "primary"), variant);
    }

    /**
     * The key of a primary with the empty variant; the bytes are copied.
     *
     * @param primary the primary's bytes
     * @return the key
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if the primary is empty or longer than
     *         {@value #MAX_PRIMARY_BYTES} bytes
     */
    public static Key of(byte[] primary) {
        return of(primary, Variant.EMPTY);
    }

    /**
     * The key of a primary and a variant; the bytes are copied.
     *
     * @param primary the primary's bytes
     * @param variant the variant; {@link Variant#EMPTY} for none
     * @return the key
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if the primary is empty or longer than {@value #MAX_PRIMARY_BYTES} bytes
     */
    public static Key of(byte[] primary, Variant variant) {
        checkPrimary(primary);
        Objects.requireNonNull(variant, "variant must not be null (use Variant.EMPTY)");
        return new Key(primary, variant);
    }

    /**
     * Decodes a key from the bytes {@link #copyEncodedTo} wrote, between the buffer's position and
     * limit. The buffer's position is not changed.
     *
     * @param encoded the encoded key
     * @return the key
     * @throws NullPointerException if {@code encoded} is null
     * @throws IllegalArgumentException if the bytes are not a well-formed key encoding
     */
    public static Key decode(ByteBuffer encoded) {
        Objects.requireNonNull(encoded, "encoded key must not be null");
        byte[] bytes = new byte[encoded.remaining()];
        encoded.duplicate().get(bytes);
        return decodeOwned(bytes);
    }

    /**
     * Decodes a key from a whole array, which is copied.
     *
     * @param encoded the encoded key
     * @return the key
     * @throws NullPointerException if {@code encoded} is null
     * @throws IllegalArgumentException if the bytes are not a well-formed key encoding
     */
    public static Key decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded key must not be null");
        return decodeOwned(encoded.clone());
    }

    private static Key decodeOwned(byte[] bytes) {
        if (bytes.length < 2 + MIN_PRIMARY_BYTES) {
            throw new IllegalArgumentException("malformed encoded key: " + bytes.length + " bytes is too short");
        }
        int primaryLength = ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        if (primaryLength < MIN_PRIMARY_BYTES || primaryLength > MAX_PRIMARY_BYTES
                || 2 + primaryLength > bytes.length) {
            throw new IllegalArgumentException("malformed encoded key: primary length " + primaryLength
                    + " does not fit in " + bytes.length + " bytes");
        }
        Variant variant = Variant.decode(bytes, 2 + primaryLength, bytes.length);
        Key key = new Key(bytes, primaryLength, variant);
        // Re-encoding proves the bytes were canonical (sorted, unique names): a non-canonical
        // encoding would otherwise make two different byte strings decode to equal keys.
        if (key.variant.encodedLength() != bytes.length - 2 - primaryLength
                || !Arrays.equals(new Key(key.primary(), variant).encoded, bytes)) {
            throw new IllegalArgumentException("malformed encoded key: variant is not in canonical form");
        }
        return key;
    }

    /**
     * The encoded prefix every variant of {@code primary} starts with and no other primary's key
     * does: the range an ordered store scans for {@code invalidate} and {@code variants}.
     *
     * @param primary the primary's bytes
     * @return a new array holding the prefix
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if the primary is empty or too long
     */
    public static byte[] primaryPrefix(byte[] primary) {
        checkPrimary(primary);
        byte[] prefix = new byte[2 + primary.length];
        writePrefix(primary, prefix);
        return prefix;
    }

    /**
     * {@link #primaryPrefix(byte[])} of a UTF-8 primary.
     *
     * @param primary the primary, encoded as UTF-8
     * @return a new array holding the prefix
     * @throws NullPointerException if {@code primary} is null
     * @throws IllegalArgumentException if the primary is not valid Unicode, empty or too long
     */
    public static byte[] primaryPrefix(String primary) {
        Objects.requireNonNull(primary, "primary must not be null");
        return primaryPrefix(Utf8.encode(primary, "primary"));
    }

    /**
     * Checks a primary against the limits.
     *
     * @param primary the primary's bytes
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is empty or too long
     */
    public static void checkPrimary(byte[] primary) {
        Objects.requireNonNull(primary, "primary must not be null");
        if (primary.length < MIN_PRIMARY_BYTES || primary.length > MAX_PRIMARY_BYTES) {
            throw new IllegalArgumentException("primary is " + primary.length + " bytes; a primary is "
                    + MIN_PRIMARY_BYTES + ".." + MAX_PRIMARY_BYTES + " bytes");
        }
    }

    private static void writePrefix(byte[] primary, byte[] dst) {
        dst[0] = (byte) (primary.length >>> 8);
        dst[1] = (byte) primary.length;
        System.arraycopy(primary, 0, dst, 2, primary.length);
    }

    /** {@return a copy of the primary's bytes} */
    public byte[] primary() {
        return Arrays.copyOfRange(encoded, 2, 2 + primaryLength);
    }

    /** {@return the primary decoded as UTF-8} For display: the bytes are what identify the key. */
    public String primaryAsString() {
        return new String(encoded, 2, primaryLength, StandardCharsets.UTF_8);
    }

    /** {@return the length of the primary, in bytes} */
    public int primaryLength() {
        return primaryLength;
    }

    /** {@return the variant} */
    public Variant variant() {
        return variant;
    }

    /**
     * Whether this key is a variant of {@code primary}.
     *
     * @param primary a primary's bytes; {@code null} matches nothing
     * @return true if this key's primary has exactly these bytes
     */
    public boolean hasPrimary(byte[] primary) {
        return primary != null && primary.length == primaryLength
                && Arrays.equals(encoded, 2, 2 + primaryLength, primary, 0, primary.length);
    }

    /** {@return the length of the encoded key, in bytes} */
    public int encodedLength() {
        return encoded.length;
    }

    /** {@return the length of {@link #primaryPrefix(byte[])} for this key's primary} */
    public int primaryPrefixLength() {
        return 2 + primaryLength;
    }

    /** {@return a read-only view of the encoded key, positioned at 0} */
    public ByteBuffer encoded() {
        return ByteBuffer.wrap(encoded).asReadOnlyBuffer();
    }

    /**
     * Copies the encoded key into {@code dst} at {@code offset}.
     *
     * @param dst where to copy
     * @param offset where in {@code dst} the key starts
     * @return the offset just after the key
     * @throws IndexOutOfBoundsException if the key does not fit
     */
    public int copyEncodedTo(byte[] dst, int offset) {
        System.arraycopy(encoded, 0, dst, offset, encoded.length);
        return offset + encoded.length;
    }

    /**
     * Puts the encoded key into {@code dst} at its position, advancing it.
     *
     * @param dst where to put it
     * @throws java.nio.BufferOverflowException if the key does not fit in {@code dst.remaining()}
     */
    public void copyEncodedTo(ByteBuffer dst) {
        dst.put(encoded);
    }

    /** {@return a copy of the encoded key} */
    public byte[] encodedBytes() {
        return encoded.clone();
    }

    /**
     * Whether an encoded key equals this key's encoding.
     *
     * @param other an encoded key, between position and limit
     * @return true if the bytes are this key's encoding
     */
    public boolean encodingEquals(ByteBuffer other) {
        return other.remaining() == encoded.length && other.equals(ByteBuffer.wrap(encoded));
    }

    @Override
    public int compareTo(Key other) {
        return Arrays.compareUnsigned(encoded, other.encoded);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Key && hash == ((Key) o).hash && Arrays.equals(encoded, ((Key) o).encoded));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        String primary = primaryAsString();
        if (primary.length() > 100) {
            primary = primary.substring(0, 97) + "...";
        }
        return variant.isEmpty() ? primary : primary + variant;
    }
}
