package io.larder.tck;

import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Values and keys the suites write. */
public final class TckValues {

    private TckValues() {
    }

    /** UTF-8 bytes of a string. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The remaining bytes of a buffer as UTF-8, without moving it. */
    public static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code size} bytes of a pattern that differs per seed and per position. */
    public static byte[] pattern(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    /** A value whose bytes are all {@code b}: any mix of two such values is visibly torn. */
    public static byte[] uniform(int size, byte b) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, b);
        return bytes;
    }

    /**
     * A key of the longest encoding: a primary of {@link Key#MAX_PRIMARY_BYTES} and {@link Variant#MAX_PARAMETERS}
     * parameters of {@link Variant#MAX_NAME_BYTES}-byte names and {@link Variant#MAX_VALUE_BYTES}-byte values.
     */
    public static Key longestKey(byte primaryFill, String valueFill) {
        byte[] primary = new byte[Key.MAX_PRIMARY_BYTES];
        Arrays.fill(primary, primaryFill);
        Variant.Builder builder = Variant.builder();
        for (int i = 0; i < Variant.MAX_PARAMETERS; i++) {
            builder.put(String.format("%064d", i), valueFill.repeat(Variant.MAX_VALUE_BYTES / valueFill.length()));
        }
        return Key.of(primary, builder.build());
    }
}
