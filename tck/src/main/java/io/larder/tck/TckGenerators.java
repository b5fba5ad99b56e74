package io.larder.tck;

import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generators of the arguments the model suite draws: keys over a few primaries (so that
 * actions meet on the same keys and primaries), variants, values (counters at their limits, text,
 * random bytes) and expiries.
 */
public final class TckGenerators {

    /** Primaries keys are drawn from; {@code /a/} extends {@code /a}, which prefix scans must tell apart. */
    public static final List<String> PRIMARIES = List.of("/a", "/a/", "/b", "/c");
    /**
     * Primaries of exactly {@link Key#MAX_PRIMARY_BYTES} bytes of two-byte UTF-8, differing only in
     * their last character, drawn now and then: stores whose native keys are shorter digest them.
     */
    public static final List<String> LONGEST_PRIMARIES = List.of(longest("\u00e9"), longest("\u00ea"));

    private static final List<String> VALUES = List.of("", "0", "41", "18446744073709551615", "abc", "x\u00e9",
            "99999999999999999999");
    private static final List<String> NAMES = List.of("lang", "device");
    private static final List<String> PARAMETER_VALUES = List.of("fr", "de", "mobile", "");
    /** Values of exactly {@link Variant#MAX_VALUE_BYTES} bytes, one of them in two-byte UTF-8. */
    private static final List<String> LONGEST_PARAMETER_VALUES = List.of("c".repeat(Variant.MAX_VALUE_BYTES),
            "\u00e9".repeat(Variant.MAX_VALUE_BYTES / 2));

    /** An expiry code: never. */
    public static final long NEVER = -1;
    /** An expiry code: an instant already past. */
    public static final long PAST = -2;

    private TckGenerators() {
    }

    /** A primary of {@link #PRIMARIES}, or one time in sixteen of {@link #LONGEST_PRIMARIES}. */
    public static String primary(SplittableRandom random) {
        if (random.nextInt(16) == 0) {
            return LONGEST_PRIMARIES.get(random.nextInt(LONGEST_PRIMARIES.size()));
        }
        return PRIMARIES.get(random.nextInt(PRIMARIES.size()));
    }

    /**
     * No parameters half of the time, else one or two of a few names and values; one value in
     * sixteen is of the longest.
     */
    public static Variant variant(SplittableRandom random) {
        int size = random.nextInt(4) < 2 ? 0 : 1 + random.nextInt(2);
        Variant.Builder builder = Variant.builder();
        for (int i = 0; i < size; i++) {
            List<String> values = random.nextInt(16) == 0 ? LONGEST_PARAMETER_VALUES : PARAMETER_VALUES;
            builder.put(NAMES.get(i), values.get(random.nextInt(values.size())));
        }
        return builder.build();
    }

    /** A key: a primary and a variant. */
    public static Key key(SplittableRandom random) {
        return Key.of(primary(random), variant(random));
    }

    /** A value: one of a few telling ones (counters at their limits, non-ASCII) or up to 40 random bytes. */
    public static byte[] value(SplittableRandom random) {
        if (random.nextBoolean()) {
            return VALUES.get(random.nextInt(VALUES.size())).getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[random.nextInt(41)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** An expiry code: {@link #NEVER}, {@link #PAST}, or milliseconds from now (0 to 3000). */
    public static long expiry(SplittableRandom random) {
        int pick = random.nextInt(3);
        return pick == 0 ? NEVER : pick == 1 ? PAST : random.nextInt(3001);
    }

    /** {@code /l/}, two-byte characters up to the longest primary, the last of them {@code last}. */
    private static String longest(String last) {
        int pairs = (Key.MAX_PRIMARY_BYTES - 3) / 2;
        return "/l/" + "x".repeat((Key.MAX_PRIMARY_BYTES - 3) % 2) + "\u00e9".repeat(pairs - 1) + last;
    }

    /** One of {@code choices}. */
    @SafeVarargs
    public static <T> T oneOf(SplittableRandom random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
