package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The three properties the contract asks of the key encoding: canonical, injective, prefix-grouping. */
class KeyEncodingProperties {

    @Property(tries = 500)
    void encodingIsCanonicalWhateverTheParameterOrder(@ForAll("primaries") byte[] primary,
            @ForAll("parameterMaps") Map<String, String> parameters, @ForAll long seed) {
        List<Map.Entry<String, String>> shuffled = new ArrayList<>(parameters.entrySet());
        Collections.shuffle(shuffled, new Random(seed));
        Variant.Builder builder = Variant.builder();
        shuffled.forEach(e -> builder.put(e.getKey(), e.getValue()));

        Key inOrder = Key.of(primary, Variant.of(parameters));
        Key shuffledKey = Key.of(primary, builder.build());

        assertThat(shuffledKey).isEqualTo(inOrder);
        assertThat(shuffledKey.encodedBytes()).isEqualTo(inOrder.encodedBytes());
    }

    @Property(tries = 1000)
    void differentKeysNeverEncodeAlike(@ForAll("keys") Key a, @ForAll("keys") Key b) {
        boolean sameKey = java.util.Arrays.equals(a.primary(), b.primary()) && a.variant().equals(b.variant());
        assertThat(java.util.Arrays.equals(a.encodedBytes(), b.encodedBytes())).isEqualTo(sameKey);
    }

    @Property(tries = 500)
    void decodingGivesBackTheKey(@ForAll("keys") Key key) {
        Key decoded = Key.decode(key.encoded());
        assertThat(decoded).isEqualTo(key);
        assertThat(decoded.primary()).isEqualTo(key.primary());
        assertThat(decoded.variant()).isEqualTo(key.variant());
    }

    @Property(tries = 1000)
    void everyVariantOfAPrimaryAndNothingElseFallsInItsPrefixRange(@ForAll("keys") Key key,
            @ForAll("primaries") byte[] other) {
        byte[] own = Key.primaryPrefix(key.primary());
        assertThat(startsWith(key.encodedBytes(), own)).isTrue();
        assertThat(key.hasPrimary(key.primary())).isTrue();

        byte[] otherPrefix = Key.primaryPrefix(other);
        boolean samePrimary = java.util.Arrays.equals(other, key.primary());
        assertThat(startsWith(key.encodedBytes(), otherPrefix)).isEqualTo(samePrimary);
        assertThat(key.hasPrimary(other)).isEqualTo(samePrimary);
    }

    @Property(tries = 300)
    void aPrimaryThatExtendsAnotherDoesNotShareItsPrefix(@ForAll("primaries") byte[] primary,
            @ForAll("parameterMaps") Map<String, String> parameters) {
        if (primary.length >= Key.MAX_PRIMARY_BYTES) {
            return;
        }
        byte[] longer = java.util.Arrays.copyOf(primary, primary.length + 1);
        Key extended = Key.of(longer, Variant.of(parameters));
        assertThat(startsWith(extended.encodedBytes(), Key.primaryPrefix(primary))).isFalse();
    }

    @Property(tries = 300)
    void nonCanonicalBytesDoNotDecode(@ForAll("keys") Key key) {
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

    @Provide
    Arbitrary<byte[]> primaries() {
        // Short primaries over a tiny alphabet make collisions of prefixes and lengths likely.
        Arbitrary<byte[]> small = Arbitraries.bytes().between((byte) 0, (byte) 3).array(byte[].class).ofMinSize(1)
                .ofMaxSize(4);
        Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<byte[]> edge = Arbitraries.bytes().array(byte[].class).ofSize(Key.MAX_PRIMARY_BYTES);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, small), net.jqwik.api.Tuple.of(3, any),
                net.jqwik.api.Tuple.of(1, edge));
    }

    @Provide
    Arbitrary<Map<String, String>> parameterMaps() {
        Arbitrary<String> names = Arbitraries.strings().withChars("ab.-_09z").ofMinLength(1).ofMaxLength(3);
        Arbitrary<String> values = Arbitraries.strings().withChars("xy\u00e9\u4e2d").ofMaxLength(3);
        return Arbitraries.maps(names, values).ofMaxSize(Variant.MAX_PARAMETERS);
    }

    @Provide
    Arbitrary<Key> keys() {
        return Combinators.combine(primaries(), parameterMaps()).as((p, m) -> Key.of(p, Variant.of(m)));
    }
}
