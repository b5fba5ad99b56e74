package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The three properties the contract asks of the key encoding: canonical, injective, prefix-grouping. */
class KeyEncodingProperties {

    @Test
    void encodingIsCanonicalWhateverTheParameterOrder() {
        forAll(500, r -> encodingIsCanonicalWhateverTheParameterOrder(primary(r), parameterMap(r), r.nextLong()));
    }

    private static void encodingIsCanonicalWhateverTheParameterOrder(byte[] primary, Map<String, String> parameters,
            long seed) {
        List<Map.Entry<String, String>> shuffled = new ArrayList<>(parameters.entrySet());
        Collections.shuffle(shuffled, new Random(seed));
        Variant.Builder builder = Variant.builder();
        shuffled.forEach(e -> builder.put(e.getKey(), e.getValue()));

        Key inOrder = Key.of(primary, Variant.of(parameters));
        Key shuffledKey = Key.of(primary, builder.build());

        assertThat(shuffledKey).isEqualTo(inOrder);
        assertThat(shuffledKey.encodedBytes()).isEqualTo(inOrder.encodedBytes());
    }

    @Test
    void differentKeysNeverEncodeAlike() {
        forAll(1000, r -> differentKeysNeverEncodeAlike(key(r), key(r)));
    }

    private static void differentKeysNeverEncodeAlike(Key a, Key b) {
        boolean sameKey = java.util.Arrays.equals(a.primary(), b.primary()) && a.variant().equals(b.variant());
        assertThat(java.util.Arrays.equals(a.encodedBytes(), b.encodedBytes())).isEqualTo(sameKey);
    }

    @Test
    void decodingGivesBackTheKey() {
        forAll(500, r -> decodingGivesBackTheKey(key(r)));
    }

    private static void decodingGivesBackTheKey(Key key) {
        Key decoded = Key.decode(key.encoded());
        assertThat(decoded).isEqualTo(key);
        assertThat(decoded.primary()).isEqualTo(key.primary());
        assertThat(decoded.variant()).isEqualTo(key.variant());
    }

    @Test
    void everyVariantOfAPrimaryAndNothingElseFallsInItsPrefixRange() {
        forAll(1000, r -> everyVariantOfAPrimaryAndNothingElseFallsInItsPrefixRange(key(r), primary(r)));
    }

    private static void everyVariantOfAPrimaryAndNothingElseFallsInItsPrefixRange(Key key, byte[] other) {
        byte[] own = Key.primaryPrefix(key.primary());
        assertThat(startsWith(key.encodedBytes(), own)).isTrue();
        assertThat(key.hasPrimary(key.primary())).isTrue();

        byte[] otherPrefix = Key.primaryPrefix(other);
        boolean samePrimary = java.util.Arrays.equals(other, key.primary());
        assertThat(startsWith(key.encodedBytes(), otherPrefix)).isEqualTo(samePrimary);
        assertThat(key.hasPrimary(other)).isEqualTo(samePrimary);
    }

    @Test
    void aPrimaryThatExtendsAnotherDoesNotShareItsPrefix() {
        forAll(300, r -> aPrimaryThatExtendsAnotherDoesNotShareItsPrefix(primary(r), parameterMap(r)));
    }

    private static void aPrimaryThatExtendsAnotherDoesNotShareItsPrefix(byte[] primary,
            Map<String, String> parameters) {
        if (primary.length >= Key.MAX_PRIMARY_BYTES) {
            return;
        }
        byte[] longer = java.util.Arrays.copyOf(primary, primary.length + 1);
        Key extended = Key.of(longer, Variant.of(parameters));
        assertThat(startsWith(extended.encodedBytes(), Key.primaryPrefix(primary))).isFalse();
    }

    @Test
    void nonCanonicalBytesDoNotDecode() {
        forAll(300, r -> nonCanonicalBytesDoNotDecode(key(r)));
    }

    private static void nonCanonicalBytesDoNotDecode(Key key) {
        if (key.variant().size() < 2) {
            return;
        }
        // Swap the first two parameters: same key, non-canonical bytes.
        List<Map.Entry<String, String>> params = new ArrayList<>(key.variant().asMap().entrySet());
        ByteBuffer out = ByteBuffer.allocate(key.encodedLength());
        out.put(Key.primaryPrefix(key.primary()));
        Collections.swap(params, 0, 1);
        for (Map.Entry<String, String> p : params) {
            byte[] name = p.getKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] value = p.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.put((byte) name.length).put(name).putShort((short) value.length).put(value);
        }
        out.flip();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Key.decode(out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length
                && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Runs a property {@code tries} times on values drawn from one seeded random source; a failure
     * names the seed ({@code -Dlarder.tck.seed=N} replays it) and the try.
     */
    private static void forAll(int tries, Consumer<SplittableRandom> property) {
        String fixed = System.getProperty("larder.tck.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < tries; i++) {
            try {
                property.accept(random);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("try " + (i + 1) + " of " + tries + " failed with seed " + seed
                        + " (replay with -Dlarder.tck.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    /** Mostly short primaries over a tiny alphabet (so prefixes and lengths collide), some long, a few of the longest. */
    private static byte[] primary(SplittableRandom r) {
        int pick = r.nextInt(10);
        if (pick < 6) {
            return bytes(r, 1 + r.nextInt(4), 4);
        }
        return bytes(r, pick < 9 ? 1 + r.nextInt(300) : Key.MAX_PRIMARY_BYTES, 256);
    }

    private static byte[] bytes(SplittableRandom r, int length, int alphabet) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) r.nextInt(alphabet);
        }
        return bytes;
    }

    private static String string(SplittableRandom r, String chars, int min, int max) {
        StringBuilder s = new StringBuilder();
        int length = min + r.nextInt(max - min + 1);
        for (int i = 0; i < length; i++) {
            s.append(chars.charAt(r.nextInt(chars.length())));
        }
        return s.toString();
    }

    /** Up to 32 parameters; names from a small alphabet, so they often collide and sort close. */
    private static Map<String, String> parameterMap(SplittableRandom r) {
        Map<String, String> map = new TreeMap<>();
        int size = r.nextInt(4) == 0 ? r.nextInt(Variant.MAX_PARAMETERS + 1) : r.nextInt(4);
        for (int i = 0; i < size; i++) {
            map.put(string(r, "ab.-_09z", 1, 3), string(r, "xy\u00e9\u4e2d", 0, 3));
        }
        return map;
    }

    private static Key key(SplittableRandom r) {
        return Key.of(primary(r), Variant.of(parameterMap(r)));
    }
}
