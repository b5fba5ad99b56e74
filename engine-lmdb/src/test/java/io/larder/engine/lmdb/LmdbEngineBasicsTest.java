package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import io.larder.spi.Outcome;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbEngineBasicsTest {

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();

    @Test
    void storesAndReadsWithMetadata() {
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            Key key = Key.of("/index.html", Variant.of("lang", "fr"));
            long v1 = engine.set(key, bytes("hello"), Expiry.after(Duration.ofSeconds(10)), 42);
            Entry entry = engine.get(key);
            assertThat(entry.valueAsString()).isEqualTo("hello");
            assertThat(entry.version()).isEqualTo(v1).isPositive();
            assertThat(entry.flags()).isEqualTo(42);
            assertThat(entry.expiresAt()).isEqualTo(clock.millis() + 10_000);
            assertThat(entry.storedAt()).isEqualTo(clock.millis());
            long v2 = engine.set(Key.of("/other"), bytes(""));
            assertThat(v2).isGreaterThan(v1);
            assertThat(engine.get(Key.of("/other")).value()).isEmpty();
            assertThat(engine.get(Key.of("/index.html"))).isNull();
        }
    }

    @Test
    void readHandsOutReadOnlyViewOfTheStoredBytes() {
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            Key key = Key.of("k");
            engine.set(key, bytes("value"));
            String seen = engine.read(key, view -> {
                ByteBuffer value = view.value();
                assertThat(value.isReadOnly()).isTrue();
                assertThat(value.isDirect()).isTrue();
                assertThatThrownBy(() -> value.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
                value.get();
                assertThat(view.value().position()).isZero();
                return StandardCharsets.UTF_8.decode(view.value()).toString();
            });
            assertThat(seen).isEqualTo("value");
            String missing = engine.read(Key.of("missing"), view -> "x");
            assertThat(missing).isNull();
        }
    }

    @Test
    void copyValueCopiesOnlyWhenItFits() {
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            Key key = Key.of("k");
            engine.set(key, bytes("12345"));
            ByteBuffer small = ByteBuffer.allocate(3);
            assertThat(engine.copyValue(key, small)).isEqualTo(5);
            assertThat(small.position()).isZero();
            ByteBuffer big = ByteBuffer.allocateDirect(8);
            assertThat(engine.copyValue(key, big)).isEqualTo(5);
            assertThat(big.position()).isEqualTo(5);
            assertThat(engine.copyValue(Key.of("none"), big)).isEqualTo(-1);
            assertThat(engine.stats().hits()).isEqualTo(2);
            assertThat(engine.stats().misses()).isEqualTo(1);
        }
    }

    @Test
    void conditionalWritesFollowTheContract() {
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            Key key = Key.of("c");
            Outcome added = engine.add(key, bytes("1"), Expiry.never(), 0);
            assertThat(added.isStored()).isTrue();
            assertThat(engine.add(key, bytes("2"), Expiry.never(), 0)).isEqualTo(Outcome.exists(added.version()));
            Outcome cas = engine.compareAndSet(key, added.version(), bytes("10"), Expiry.never(), 0);
            assertThat(cas.isStored()).isTrue();
            assertThat(engine.compareAndSet(key, added.version(), bytes("x"), Expiry.never(), 0))
                    .isEqualTo(Outcome.exists(cas.version()));
            assertThat(engine.increment(key, 5).value()).isEqualTo(15);
            Entry beforeTouch = engine.get(key);
            assertThat(engine.touch(key, Expiry.after(Duration.ofSeconds(1))))
                    .isEqualTo(Outcome.touched(beforeTouch.version()));
            assertThat(engine.get(key).version()).isEqualTo(beforeTouch.version());
            clock.advanceMillis(1000);
            assertThat(engine.get(key)).isNull();
            assertThat(engine.replace(key, bytes("r"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
            assertThat(engine.add(key, bytes("a"), Expiry.never(), 0).isStored()).isTrue();
            assertThat(engine.stats().expirations()).isEqualTo(1);
            assertThat(engine.verify()).isEmpty();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
