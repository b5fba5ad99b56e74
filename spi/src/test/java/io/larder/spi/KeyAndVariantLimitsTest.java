package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyAndVariantLimitsTest {

    @Test
    void primaryLengthIsOneTo8192Bytes() {
        assertThat(Key.MAX_PRIMARY_BYTES).isEqualTo(8192);
        assertThat(Key.of(new byte[1]).primaryLength()).isEqualTo(1);
        assertThat(Key.of(new byte[8192]).primaryLength()).isEqualTo(8192);
        assertThatThrownBy(() -> Key.of(new byte[8193])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8193").hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Key.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Key.primaryPrefix(new byte[8193])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Key.of((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("primary");
        assertThatThrownBy(() -> Key.of("a", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("variant");
    }

    @Test
    void aStringPrimaryIsMeasuredInUtf8Bytes() {
        String emoji = "\ud83d\ude00".repeat(2048); // 4 bytes each: 8192
        Key key = Key.of(emoji);
        assertThat(key.primaryLength()).isEqualTo(8192);
        assertThat(key.primaryAsString()).isEqualTo(emoji);
        assertThat(Key.decode(key.encoded())).isEqualTo(key);
        String euro = "/" + "\u20ac".repeat(2730) + "a"; // 1 + 8190 + 1 = 8192
        assertThat(Key.of(euro).primaryLength()).isEqualTo(8192);
        assertThatThrownBy(() -> Key.of(euro + "\u00e9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8194 bytes").hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Key.of(emoji + "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8193 bytes").hasMessageContaining("1..8192");
    }

    @Test
    void variantHasAtMost32Parameters() {
        Variant.Builder builder = Variant.builder();
        for (int i = 0; i < 32; i++) {
            builder.put("p" + i, "v");
        }
        assertThat(builder.build().size()).isEqualTo(32);
        assertThatThrownBy(() -> builder.put("p32", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 32").hasMessageContaining("p32");
    }

    @Test
    void namesAreOneTo64BytesOfTheAllowedCharacters() {
        String longest = "a".repeat(64);
        assertThat(Variant.of(longest, "x").get(longest)).isEqualTo("x");
        assertThat(Variant.of("az09._-", "x").size()).isEqualTo(1);
        assertThatThrownBy(() -> Variant.of("a".repeat(65), "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65 bytes").hasMessageContaining("1..64");
        assertThatThrownBy(() -> Variant.of("", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..64");
        for (String bad : new String[] {"Lang", "la ng", "lang=", "l\u00e9", "a/b"}) {
            assertThatThrownBy(() -> Variant.of(bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[a-z0-9._-]");
        }
    }

    @Test
    void valuesAreUpTo4096BytesOfUtf8() {
        assertThat(Variant.MAX_VALUE_BYTES).isEqualTo(4096);
        assertThat(Variant.of("v", "").get("v")).isEmpty();
        assertThat(Variant.of("cookie", "c".repeat(4096)).get("cookie")).hasSize(4096);
        assertThatThrownBy(() -> Variant.of("cookie", "c".repeat(4097))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cookie'").hasMessageContaining("4097 bytes").hasMessageContaining("4096");
        String euro = "\u20ac".repeat(1365); // 4095 bytes
        assertThat(Variant.of("v", euro + "x").get("v").getBytes(StandardCharsets.UTF_8)).hasSize(4096);
        assertThatThrownBy(() -> Variant.of("v", euro + "xy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4097 bytes").hasMessageContaining("4096");
        assertThatThrownBy(() -> Variant.of("v", euro + "\u00e9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4097 bytes").hasMessageContaining("4096");
        assertThatThrownBy(() -> Variant.of("v", "\ud800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void namesAreUniqueAndPairsComplete() {
        assertThatThrownBy(() -> Variant.of("lang", "fr", "lang", "de")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lang' given twice");
        assertThatThrownBy(() -> Variant.of("lang")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd");
        assertThatThrownBy(() -> Variant.of("lang", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("lang");
    }

    @Test
    void largestKeyFitsTheDeclaredBound() {
        Variant.Builder builder = Variant.builder();
        for (int i = 0; i < 32; i++) {
            builder.put(String.format("%064d", i), "x".repeat(4096));
        }
        Key key = Key.of(new byte[8192], builder.build());
        assertThat(key.encodedLength()).isEqualTo(Key.MAX_ENCODED_BYTES)
                .isEqualTo(2 + 8192 + 32 * (1 + 64 + 2 + 4096));
        assertThat(Key.decode(key.encoded())).isEqualTo(key);
    }

    @Test
    void lengthPrefixesHoldTheLongestPrimaryAndValue() {
        // Two big-endian bytes each: 8192 is 0x2000 and 4096 is 0x1000, both far inside 65535.
        byte[] primary = new byte[8192];
        java.util.Arrays.fill(primary, (byte) 'p');
        Key key = Key.of(primary, Variant.of("v", "w".repeat(4096)));
        byte[] encoded = key.encodedBytes();
        assertThat(encoded[0]).isEqualTo((byte) 0x20);
        assertThat(encoded[1]).isEqualTo((byte) 0x00);
        int at = 2 + 8192;
        assertThat(encoded[at]).isEqualTo((byte) 1);
        assertThat(encoded[at + 2]).isEqualTo((byte) 0x10);
        assertThat(encoded[at + 3]).isEqualTo((byte) 0x00);
        assertThat(encoded).hasSize(at + 1 + 1 + 2 + 4096);
        Key decoded = Key.decode(encoded);
        assertThat(decoded).isEqualTo(key);
        assertThat(decoded.variant().get("v")).hasSize(4096);
        assertThat(decoded.hasPrimary(primary)).isTrue();
        assertThat(Key.primaryPrefix(primary)).hasSize(2 + 8192);
    }

    @Test
    void anEncodingThatClaimsTooLongAPrimaryIsRefused() {
        byte[] encoded = new byte[2 + 8193];
        encoded[0] = (byte) (8193 >>> 8);
        encoded[1] = (byte) 8193;
        assertThatThrownBy(() -> Key.decode(encoded)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary length 8193");
    }

    @Test
    void emptyVariantEncodesAsTheBarePrefix() {
        assertThat(Key.of("x").encodedBytes()).isEqualTo(Key.primaryPrefix("x"));
        assertThat(Key.of("x", Variant.of())).isEqualTo(Key.of("x"));
    }

    @Test
    void malformedEncodingsAreRefused() {
        assertThatThrownBy(() -> Key.decode(new byte[] {0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Key.decode(new byte[] {0, 5, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary length 5");
        assertThatThrownBy(() -> Key.decode(new byte[] {0, 1, 7, 3, 'a'})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringPrimariesMustBeValidUnicode() {
        assertThatThrownBy(() -> Key.of("page\ud800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary is not valid UTF-8");
        assertThatThrownBy(() -> Key.primaryPrefix("page\udc00")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Key.of("page?")).isNotEqualTo(Key.of("page\u00e9"));
    }
}
