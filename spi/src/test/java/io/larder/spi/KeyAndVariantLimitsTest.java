package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyAndVariantLimitsTest {

    @Test
    void primaryLengthIsOneTo4096Bytes() {
        assertThat(Key.of(new byte[1]).primaryLength()).isEqualTo(1);
        assertThat(Key.of(new byte[4096]).primaryLength()).isEqualTo(4096);
        assertThatThrownBy(() -> Key.of(new byte[4097])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4097").hasMessageContaining("1..4096");
        assertThatThrownBy(() -> Key.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..4096");
        assertThatThrownBy(() -> Key.of((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("primary");
        assertThatThrownBy(() -> Key.of("a", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("variant");
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
    void valuesAreUpTo1024BytesOfUtf8() {
        assertThat(Variant.of("v", "").get("v")).isEmpty();
        String euro = "\u20ac".repeat(341); // 1023 bytes
        assertThat(Variant.of("v", euro + "x").get("v").getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        assertThatThrownBy(() -> Variant.of("v", euro + "xy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1025 bytes").hasMessageContaining("1024");
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
            builder.put(String.format("%064d", i), "x".repeat(1024));
        }
        Key key = Key.of(new byte[4096], builder.build());
        assertThat(key.encodedLength()).isEqualTo(Key.MAX_ENCODED_BYTES);
        assertThat(Key.decode(key.encoded())).isEqualTo(key);
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
