package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiryAndCountersTest {

    @Test
    void expiryResolvesAgainstTheWriteTime() {
        assertThat(Expiry.never().expiresAt(1000)).isZero();
        assertThat(Expiry.after(Duration.ofSeconds(2)).expiresAt(1000)).isEqualTo(3000);
        assertThat(Expiry.at(Instant.ofEpochMilli(5000)).expiresAt(1000)).isEqualTo(5000);
        // A past instant, even the epoch itself, is "already expired", never "never".
        assertThat(Expiry.at(Instant.EPOCH).expiresAt(1000)).isEqualTo(1);
        assertThat(Expiry.after(Duration.ZERO).expiresAt(1000)).isEqualTo(1000);
        assertThat(Expiry.isLive(1000, 999)).isTrue();
        assertThat(Expiry.isLive(1000, 1000)).isFalse();
        assertThat(Expiry.isLive(0, Long.MAX_VALUE)).isTrue();
        assertThat(Expiry.ofExpiresAt(0)).isEqualTo(Expiry.never());
        // A positive duration never rounds down to "at once".
        assertThat(Expiry.after(Duration.ofNanos(1)).expiresAt(1000)).isEqualTo(1001);
        assertThat(Expiry.after(Duration.ofNanos(1_500_000)).expiresAt(1000)).isEqualTo(1002);
    }

    @Test
    void negativeAndAbsurdExpiriesAreRefused() {
        assertThatThrownBy(() -> Expiry.after(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> Expiry.afterMillis(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> Expiry.at(Instant.EPOCH.minusMillis(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the epoch");
        assertThatThrownBy(() -> Expiry.after(Duration.ofDays(365L * 20_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absurd");
        assertThatThrownBy(() -> Expiry.at(Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9999-12-31");
        Expiry longest = Expiry.after(Duration.ofMillis(Expiry.MAX_EPOCH_MILLIS - 10));
        assertThatThrownBy(() -> longest.expiresAt(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latest expiry");
        assertThatThrownBy(() -> Expiry.after(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void countersAreUnsigned64BitDecimal() {
        assertThat(Counters.parse(ascii("0"))).isZero();
        assertThat(Counters.parse(ascii("18446744073709551615"))).isEqualTo(-1L);
        assertThat(Counters.parse(ascii("00042"))).isEqualTo(42);
        for (String bad : new String[] {"", "-1", "1a", " 1", "18446744073709551616", "99999999999999999999",
            "123456789012345678901"}) {
            assertThatThrownBy(() -> Counters.parse(ascii(bad))).as(bad).isInstanceOf(NonNumericValueException.class)
                    .hasMessageContaining("non-numeric");
        }
        assertThat(Counters.increment(-1L, 2)).isEqualTo(1);
        assertThat(Counters.decrement(5, 7)).isZero();
        assertThat(Counters.decrement(-1L, 1)).isEqualTo(-2L);
        assertThat(Counters.decrement(7, -1L)).isZero();
        assertThat(new String(Counters.format(-1L), StandardCharsets.US_ASCII)).isEqualTo("18446744073709551615");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
