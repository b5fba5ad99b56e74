package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import io.larder.spi.ValueTooLargeException;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbKeysAndCapacityTest {

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();

    @Test
    void longPrimariesAndLongVariantsAreStoredAndGroupedByPrimary() {
        byte[] longPrimary = filled(8192, 'p');
        byte[] otherLongPrimary = filled(8192, 'p');
        otherLongPrimary[8191] = 'q';
        byte[] borderPrimary = filled(StoredKey.MAX_INLINE_PRIMARY, 'b');
        byte[] pastBorder = filled(StoredKey.MAX_INLINE_PRIMARY + 1, 'b');
        Variant longVariant = Variant.of("v", "x".repeat(4096), "w", "y".repeat(4096));
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            for (byte[] primary : List.of(longPrimary, otherLongPrimary, borderPrimary, pastBorder, bytes("s"))) {
                engine.set(Key.of(primary), primary);
                engine.set(Key.of(primary, longVariant), bytes("long-variant"));
                engine.set(Key.of(primary, Variant.of("lang", "fr")), bytes("fr"));
            }
            assertThat(StoredKey.isShort(Key.of(bytes("s"), longVariant))).isFalse();
            assertThat(engine.get(Key.of(longPrimary)).value()).isEqualTo(longPrimary);
            assertThat(engine.get(Key.of(otherLongPrimary)).value()).isEqualTo(otherLongPrimary);
            assertThat(engine.get(Key.of(pastBorder, longVariant)).valueAsString()).isEqualTo("long-variant");
            assertThat(engine.get(Key.of(bytes("s"), longVariant)).valueAsString()).isEqualTo("long-variant");
            assertThat(engine.variants(longPrimary)).containsExactlyInAnyOrder(Variant.EMPTY, longVariant,
                    Variant.of("lang", "fr"));
            assertThat(engine.invalidate(longPrimary)).isEqualTo(3);
            assertThat(engine.invalidate(bytes("s"))).isEqualTo(3);
            assertThat(engine.invalidate(borderPrimary)).isEqualTo(3);
            assertThat(engine.get(Key.of(otherLongPrimary, longVariant)).valueAsString()).isEqualTo("long-variant");
            assertThat(engine.variants(pastBorder)).hasSize(3);
            assertThat(engine.stats().entries()).isEqualTo(6);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void keysPastTheRecordsTwoByteKeyLengthAreStoredReadAndReopened() {
        // A record keeps a digest-stored key's full encoding behind a two-byte length; the longest
        // keys pass 65,535 bytes.
        List<Key> ofP = new ArrayList<>();
        for (int length : new int[] {65_534, 65_535, 65_536, Key.MAX_ENCODED_BYTES}) {
            ofP.add(keyOfEncodedLength('p', length));
        }
        Key ofQ = keyOfEncodedLength('q', Key.MAX_ENCODED_BYTES);
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            for (int i = 0; i < ofP.size(); i++) {
                engine.set(ofP.get(i), bytes("p" + i));
            }
            engine.set(ofQ, bytes("q"));
            assertStored(engine, ofP, ofQ);
        }
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            assertStored(engine, ofP, ofQ);
            assertThat(engine.invalidate(ofP.get(0).primary())).isEqualTo(ofP.size());
            assertThat(engine.variants(ofP.get(0).primary())).isEmpty();
            assertThat(engine.get(ofQ).valueAsString()).isEqualTo("q");
            assertThat(engine.verify()).isEmpty();
        }
    }

    private static void assertStored(LmdbEngine engine, List<Key> ofP, Key ofQ) {
        for (int i = 0; i < ofP.size(); i++) {
            assertThat(engine.get(ofP.get(i))).as("key of %d bytes", ofP.get(i).encodedLength()).isNotNull();
            assertThat(engine.get(ofP.get(i)).valueAsString()).isEqualTo("p" + i);
            ByteBuffer copy = ByteBuffer.allocate(8);
            assertThat(engine.copyValue(ofP.get(i), copy)).isEqualTo(2);
            assertThat(engine.<Integer>read(ofP.get(i), v -> v.valueLength())).isEqualTo(2);
        }
        assertThat(engine.get(ofQ).valueAsString()).isEqualTo("q");
        assertThat(engine.variants(ofP.get(0).primary()))
                .containsExactlyInAnyOrderElementsOf(ofP.stream().map(Key::variant).toList());
        assertThat(engine.verify()).isEmpty();
    }

    /** A key of the longest primary, filled with {@code c}, whose encoding is {@code length} bytes. */
    private static Key keyOfEncodedLength(char c, int length) {
        if (length == Key.MAX_ENCODED_BYTES) {
            Variant.Builder builder = Variant.builder();
            for (int i = 0; i < Variant.MAX_PARAMETERS; i++) {
                builder.put(String.format("%064d", i), "v".repeat(Variant.MAX_VALUE_BYTES));
            }
            return Key.of(filled(Key.MAX_PRIMARY_BYTES, c), builder.build());
        }
        Variant.Builder builder = Variant.builder();
        int left = length - 2 - Key.MAX_PRIMARY_BYTES;
        for (char name = 'a'; left > 0; name++) {
            int value = Math.min(Variant.MAX_VALUE_BYTES, left - 4); // name length, one-byte name, value length
            builder.put(String.valueOf(name), "v".repeat(value));
            left -= 4 + value;
        }
        Key key = Key.of(filled(Key.MAX_PRIMARY_BYTES, c), builder.build());
        assertThat(key.encodedLength()).isEqualTo(length);
        return key;
    }

    @Test
    void invalidateTakesOnlyItsOwnPrimaryAmongPrefixesOfEachOther() {
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            for (String p : List.of("a", "ab", "abc", "b")) {
                for (int i = 0; i < 5; i++) {
                    engine.set(Key.of(p, Variant.of("i", Integer.toString(i))), bytes(p));
                }
            }
            engine.set(Key.of("ab", Variant.of("gone", "1")), bytes("x"), Expiry.after(Duration.ofSeconds(1)), 0);
            clock.advanceMillis(1000);
            assertThat(engine.variants("ab")).hasSize(5);
            assertThat(engine.invalidate("ab")).isEqualTo(5);
            assertThat(engine.variants("ab")).isEmpty();
            assertThat(engine.variants("a")).hasSize(5);
            assertThat(engine.variants("abc")).hasSize(5);
            assertThat(engine.stats().expirations()).isEqualTo(1);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void aFullStoreEvictsTheOldestWrittenAndNeverFailsAWrite() {
        byte[] value = new byte[4096];
        try (LmdbEngine engine = Stores.open(dir, clock, "capacity", "4m", "maxValueSize", "256k", "sync", "false")) {
            int n = 3000;
            for (int i = 0; i < n; i++) {
                Arrays.fill(value, (byte) i);
                engine.set(Key.of("k" + i), value);
                if (i % 97 == 0) {
                    engine.set(Key.of("big" + i), new byte[256 << 10]);
                }
            }
            EngineStats stats = engine.stats();
            assertThat(stats.evictions()).isPositive();
            assertThat(stats.bytesUsed()).isLessThanOrEqualTo(stats.capacity());
            assertThat(stats.entries()).isLessThan(n);
            assertThat(engine.get(Key.of("k" + (n - 1))).value()[0]).isEqualTo((byte) (n - 1));
            assertThat(engine.get(Key.of("k0"))).isNull();
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void expiredEntriesAreSweptInBatches() {
        try (LmdbEngine engine = Stores.open(dir, clock, "sweepInterval", "1h", "sync", "false")) {
            for (int i = 0; i < 2500; i++) {
                engine.set(Key.of("e" + i), bytes("v"), Expiry.after(Duration.ofSeconds(1 + i % 3)), 0);
            }
            engine.set(Key.of("forever"), bytes("v"));
            clock.advanceMillis(2000);
            int first = engine.sweepExpired();
            assertThat(first).isEqualTo(1667);
            clock.advanceMillis(1000);
            assertThat(engine.sweepExpired()).isEqualTo(833);
            assertThat(engine.stats().entries()).isEqualTo(1);
            assertThat(engine.stats().expirations()).isEqualTo(2500);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void theBackgroundSweeperReclaimsExpiredEntries() throws InterruptedException {
        try (LmdbEngine engine = Stores.open(dir, clock, "sweepInterval", "5ms")) {
            for (int i = 0; i < 50; i++) {
                engine.set(Key.of("e" + i), bytes("v"), Expiry.after(Duration.ofSeconds(1)), 0);
            }
            clock.advanceMillis(1000);
            for (int i = 0; i < 1000 && engine.stats().entries() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(engine.stats().entries()).isZero();
            assertThat(engine.stats().expirations()).isEqualTo(50);
        }
    }

    @Test
    void aTooLargeValueIsRefusedAndChangesNothing() {
        try (LmdbEngine engine = Stores.open(dir, clock, "maxValueSize", "1k")) {
            long version = engine.set(Key.of("k"), bytes("v"));
            assertThatThrownBy(() -> engine.set(Key.of("k"), new byte[1025]))
                    .isInstanceOf(ValueTooLargeException.class).hasMessageContaining("1024");
            assertThatThrownBy(() -> engine.append(Key.of("k"), new byte[1024]))
                    .isInstanceOf(ValueTooLargeException.class);
            assertThat(engine.get(Key.of("k")).version()).isEqualTo(version);
        }
    }

    @Test
    void manyMoreReaderThreadsThanReaderSlotsAllRead() throws Exception {
        try (LmdbEngine engine = Stores.open(dir, clock, "maxReaders", "4")) {
            engine.set(Key.of("k"), bytes("v"));
            Map<String, Integer> seen = new TreeMap<>();
            Thread[] threads = new Thread[32];
            int[] found = new int[threads.length];
            for (int t = 0; t < threads.length; t++) {
                int me = t;
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (engine.get(Key.of("k")) != null) {
                            found[me]++;
                        }
                        if (i % 50 == 0) {
                            engine.increment(Key.of("n"), 1);
                        }
                    }
                });
            }
            engine.set(Key.of("n"), bytes("0"));
            for (Thread t : threads) {
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            seen.put("sum", Arrays.stream(found).sum());
            assertThat(seen.get("sum")).isEqualTo(32 * 500);
            assertThat(engine.get(Key.of("n")).valueAsString()).isEqualTo(Integer.toString(32 * 10));
        }
    }

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
