package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ComputeAction;
import io.larder.spi.CounterResult;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.Outcome;
import io.larder.spi.Outcome.Status;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Suite 1: every operation of the contract, its outcomes and its edge cases. */
public interface OperationsTck extends TckSuite {

    @Test
    default void getMissesAnAbsentKeyAndFindsAStoredOne() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("/a");
            assertThat(e.get(key)).isNull();
            long version = e.set(key, bytes("hello"), Expiry.after(Duration.ofMinutes(1)), 0xCAFE);
            Entry entry = e.get(key);
            assertThat(entry.valueAsString()).isEqualTo("hello");
            assertThat(entry.version()).isEqualTo(version).isPositive();
            assertThat(entry.flags()).isEqualTo(0xCAFE);
            assertThat(entry.expiresAt()).isEqualTo(t.clock().millis() + 60_000);
            assertThat(entry.storedAt()).isEqualTo(t.clock().millis());
            assertThat(e.get(Key.of("/b"))).isNull();
        }
    }

    @Test
    default void flagsKeepAll32Bits() {
        try (EngineUnderTest t = openEngine()) {
            for (int flags : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                t.engine().set(Key.of("f"), bytes("x"), Expiry.never(), flags);
                assertThat(t.engine().get(Key.of("f")).flags()).isEqualTo(flags);
            }
        }
    }

    @Test
    default void everyWriteGetsAVersionGreaterThanAnyBefore() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            long last = 0;
            for (int i = 0; i < 7; i++) {
                long version = e.set(Key.of("k" + i), bytes("init"));
                assertThat(version).isGreaterThan(last);
                last = version;
            }
            for (int i = 0; i < 200; i++) {
                Key key = Key.of("k" + (i % 7));
                long version;
                switch (i % 5) {
                    case 0: version = e.set(key, bytes("v" + i), Expiry.never(), 0); break;
                    case 1: version = e.replace(key, bytes("r" + i), Expiry.never(), 0).version(); break;
                    case 2: version = e.append(key, bytes("+")).version(); break;
                    case 3: e.set(key, bytes("7"), Expiry.never(), 0);
                        last = e.get(key).version();
                        version = e.increment(key, 1).version(); break;
                    default: Entry cur = e.get(key);
                        version = e.compareAndSet(key, cur.version(), bytes("c"), Expiry.never(), 0).version();
                }
                assertThat(version).as("write %d", i).isGreaterThan(last);
                last = version;
            }
        }
    }

    @Test
    default void emptyValuesAndLargestValuesAreStored() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            e.set(Key.of("empty"), new byte[0]);
            assertThat(e.get(Key.of("empty")).value()).isEmpty();
            byte[] largest = TckValues.pattern((int) tckMaxValueSize(), 7);
            e.set(Key.of("largest"), largest);
            assertThat(e.get(Key.of("largest")).value()).isEqualTo(largest);
            assertThat(e.maxValueSize()).isGreaterThanOrEqualTo(tckMaxValueSize());
        }
    }

    @Test
    default void theLongestKeysAreStoredAndKeptApart() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key longest = TckValues.longestKey((byte) 'a', "x");
            Key sibling = TckValues.longestKey((byte) 'a', "y");
            Key otherPrimary = TckValues.longestKey((byte) 'b', "x");
            assertThat(longest.encodedLength()).isEqualTo(Key.MAX_ENCODED_BYTES)
                    .isEqualTo(2 + 8192 + 32 * (1 + 64 + 2 + 4096));
            e.set(longest, bytes("1"));
            e.set(sibling, bytes("2"));
            e.set(otherPrimary, bytes("3"));
            assertThat(e.get(longest).valueAsString()).isEqualTo("1");
            assertThat(e.get(sibling).valueAsString()).isEqualTo("2");
            assertThat(e.get(otherPrimary).valueAsString()).isEqualTo("3");
            assertThat(e.variants(longest.primary())).containsExactlyInAnyOrder(longest.variant(), sibling.variant());
            assertThat(e.invalidate(longest.primary())).isEqualTo(2);
            assertThat(e.get(otherPrimary).valueAsString()).isEqualTo("3");
        }
    }

    @Test
    default void primariesOf8192BytesAreStoredWhateverTheirCharacters() {
        // URLs past 4 KiB occur in real HTTP traffic: the contract takes primaries of up to 8192 bytes.
        byte[] ascii = TckValues.uniform(8192, (byte) 'u');
        byte[] twoByte = bytes("\u00e9".repeat(4096));
        byte[] fourByte = bytes("\ud83d\ude00".repeat(2048));
        byte[] mixed = bytes("/" + "\u20ac".repeat(2730) + "a");
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            List<byte[]> primaries = List.of(ascii, twoByte, fourByte, mixed);
            for (int i = 0; i < primaries.size(); i++) {
                assertThat(primaries.get(i)).hasSize(8192);
                e.set(Key.of(primaries.get(i)), bytes("v" + i));
                e.set(Key.of(primaries.get(i), Variant.of("lang", "fr")), bytes("fr" + i));
            }
            Key byString = Key.of("\ud83d\ude00".repeat(2048));
            assertThat(byString).isEqualTo(Key.of(fourByte));
            assertThat(e.get(byString).valueAsString()).isEqualTo("v2");
            for (int i = 0; i < primaries.size(); i++) {
                byte[] primary = primaries.get(i);
                assertThat(e.get(Key.of(primary)).valueAsString()).isEqualTo("v" + i);
                assertThat(e.get(Key.of(primary, Variant.of("lang", "fr"))).valueAsString()).isEqualTo("fr" + i);
                assertThat(e.variants(primary)).containsExactlyInAnyOrder(Variant.EMPTY, Variant.of("lang", "fr"));
            }
            assertThat(e.invalidate(mixed)).isEqualTo(2);
            assertThat(e.get(Key.of(mixed))).isNull();
            assertThat(e.variants(mixed)).isEmpty();
            assertThat(e.get(Key.of(ascii)).valueAsString()).isEqualTo("v0");
            assertThat(e.variants(ascii)).hasSize(2);
        }
    }

    @Test
    default void variantValuesOf4096BytesAreStoredAndTellKeysApart() {
        // Vary on Cookie or Accept selects on headers past 1 KiB: a parameter value takes up to 4096 bytes.
        String cookie = "c".repeat(4096);
        String otherCookie = "c".repeat(4095) + "d";
        String accept = "\u20ac".repeat(1365) + "x";
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key a = Key.of("/page", Variant.of("cookie", cookie));
            Key b = Key.of("/page", Variant.of("cookie", otherCookie));
            Key c = Key.of("/page", Variant.of("cookie", cookie, "accept", accept));
            e.set(a, bytes("a"));
            e.set(b, bytes("b"));
            e.set(c, bytes("c"));
            e.set(Key.of("/page/"), bytes("neighbour"));
            assertThat(e.get(a).valueAsString()).isEqualTo("a");
            assertThat(e.get(b).valueAsString()).isEqualTo("b");
            assertThat(e.get(c).valueAsString()).isEqualTo("c");
            assertThat(bytes(c.variant().get("accept"))).hasSize(4096);
            assertThat(e.variants("/page")).containsExactlyInAnyOrder(a.variant(), b.variant(), c.variant());
            assertThat(e.delete(b).status()).isEqualTo(Status.DELETED);
            assertThat(e.get(a).valueAsString()).isEqualTo("a");
            assertThat(e.invalidate("/page")).isEqualTo(2);
            assertThat(e.variants("/page")).isEmpty();
            assertThat(e.get(Key.of("/page/")).valueAsString()).isEqualTo("neighbour");
        }
    }

    @Test
    default void manyLargeVariantsOfTheLongestPrimaryAreListedAndInvalidatedExactly() {
        byte[] primary = TckValues.uniform(8192, (byte) 'p');
        byte[] sibling = TckValues.uniform(8192, (byte) 'p');
        sibling[8191] = 'q';
        int count = 48;
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Set<Variant> expected = new HashSet<>();
            for (int i = 0; i < count; i++) {
                Variant variant = Variant.of("cookie", String.format("%04d", i).repeat(1024),
                        "accept", "a".repeat(4096 - i));
                expected.add(variant);
                e.set(Key.of(primary, variant), bytes("v" + i));
                if (i % 8 == 0) {
                    e.set(Key.of(sibling, variant), bytes("s" + i));
                }
            }
            assertThat(e.variants(primary)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(e.variants(sibling)).hasSize(count / 8);
            for (int i = 0; i < count; i += 7) {
                Variant variant = Variant.of("cookie", String.format("%04d", i).repeat(1024),
                        "accept", "a".repeat(4096 - i));
                assertThat(e.get(Key.of(primary, variant)).valueAsString()).isEqualTo("v" + i);
            }
            assertThat(e.invalidate(primary)).isEqualTo(count);
            assertThat(e.variants(primary)).isEmpty();
            assertThat(e.variants(sibling)).hasSize(count / 8);
            assertThat(e.invalidate(sibling)).isEqualTo(count / 8);
        }
    }

    @Test
    default void variantsWith32ParametersAreDistinctKeys() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Variant.Builder a = Variant.builder();
            Variant.Builder b = Variant.builder();
            for (int i = 0; i < Variant.MAX_PARAMETERS; i++) {
                a.put("p" + i, "v");
                b.put("p" + i, i == 31 ? "w" : "v");
            }
            e.set(Key.of("/page", a.build()), bytes("a"));
            e.set(Key.of("/page", b.build()), bytes("b"));
            e.set(Key.of("/page"), bytes("plain"));
            assertThat(e.get(Key.of("/page", a.build())).valueAsString()).isEqualTo("a");
            assertThat(e.get(Key.of("/page", b.build())).valueAsString()).isEqualTo("b");
            assertThat(e.variants("/page")).hasSize(3);
        }
    }

    @Test
    default void addStoresOnlyWhenNoLiveEntry() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("add");
            Outcome first = e.add(key, bytes("1"), Expiry.after(Duration.ofSeconds(10)), 0);
            assertThat(first.status()).isEqualTo(Status.STORED);
            Outcome second = e.add(key, bytes("2"), Expiry.never(), 0);
            assertThat(second).isEqualTo(Outcome.exists(first.version()));
            assertThat(e.get(key).valueAsString()).isEqualTo("1");
            t.clock().advance(Duration.ofSeconds(10));
            Outcome afterExpiry = e.add(key, bytes("3"), Expiry.never(), 0);
            assertThat(afterExpiry.status()).isEqualTo(Status.STORED);
            assertThat(afterExpiry.version()).isGreaterThan(first.version());
            assertThat(e.get(key).valueAsString()).isEqualTo("3");
        }
    }

    @Test
    default void replaceStoresOnlyOverALiveEntry() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("replace");
            assertThat(e.replace(key, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
            assertThat(e.get(key)).isNull();
            long v1 = e.set(key, bytes("1"));
            Outcome replaced = e.replace(key, bytes("2"), Expiry.never(), 5);
            assertThat(replaced.status()).isEqualTo(Status.STORED);
            assertThat(replaced.version()).isGreaterThan(v1);
            assertThat(e.get(key).valueAsString()).isEqualTo("2");
            assertThat(e.get(key).flags()).isEqualTo(5);
        }
    }

    @Test
    default void compareAndSetStoresOnlyOverTheExpectedVersion() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("cas");
            assertThat(e.compareAndSet(key, 1, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
            long v1 = e.set(key, bytes("1"));
            Outcome ok = e.compareAndSet(key, v1, bytes("2"), Expiry.never(), 0);
            assertThat(ok.status()).isEqualTo(Status.STORED);
            Outcome stale = e.compareAndSet(key, v1, bytes("3"), Expiry.never(), 0);
            assertThat(stale).isEqualTo(Outcome.exists(ok.version()));
            assertThat(e.get(key).valueAsString()).isEqualTo("2");
            assertThat(e.get(key).version()).isEqualTo(ok.version());
            e.set(key, bytes("4"), Expiry.after(Duration.ofSeconds(1)), 0);
            long v4 = e.get(key).version();
            t.clock().advance(Duration.ofSeconds(1));
            assertThat(e.compareAndSet(key, v4, bytes("5"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
        }
    }

    @Test
    default void deleteRemovesAndReportsWhatWasThere() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("del");
            assertThat(e.delete(key)).isEqualTo(Outcome.notFound());
            long v1 = e.set(key, bytes("1"));
            assertThat(e.delete(key)).isEqualTo(Outcome.deleted(v1));
            assertThat(e.get(key)).isNull();
            assertThat(e.delete(key)).isEqualTo(Outcome.notFound());

            long v2 = e.set(key, bytes("2"));
            assertThat(e.delete(key, v2 + 1000)).isEqualTo(Outcome.exists(v2));
            assertThat(e.get(key).valueAsString()).isEqualTo("2");
            assertThat(e.delete(key, v2)).isEqualTo(Outcome.deleted(v2));
            assertThat(e.delete(key, v2)).isEqualTo(Outcome.notFound());
        }
    }

    @Test
    default void touchChangesOnlyTheExpiry() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("touch");
            assertThat(e.touch(key, Expiry.never())).isEqualTo(Outcome.notFound());
            long version = e.set(key, bytes("v"), Expiry.after(Duration.ofSeconds(5)), 9);
            long storedAt = e.get(key).storedAt();
            t.clock().advance(Duration.ofSeconds(3));
            assertThat(e.touch(key, Expiry.after(Duration.ofSeconds(5)))).isEqualTo(Outcome.touched(version));
            Entry touched = e.get(key);
            assertThat(touched.version()).isEqualTo(version);
            assertThat(touched.expiresAt()).isEqualTo(t.clock().millis() + 5_000);
            assertThat(touched.storedAt()).isEqualTo(storedAt);
            assertThat(touched.flags()).isEqualTo(9);
            assertThat(touched.valueAsString()).isEqualTo("v");
            t.clock().advance(Duration.ofSeconds(4));
            assertThat(e.get(key)).as("live past its first expiry").isNotNull();
            assertThat(e.touch(key, Expiry.never())).isEqualTo(Outcome.touched(version));
            t.clock().advance(Duration.ofDays(1000));
            assertThat(e.get(key).expiresAt()).isZero();
            assertThat(e.touch(key, Expiry.at(java.time.Instant.EPOCH))).isEqualTo(Outcome.touched(version));
            assertThat(e.get(key)).as("touched into the past").isNull();
        }
    }

    @Test
    default void getAndTouchReturnsTheEntryWithItsNewExpiry() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("gat");
            assertThat(e.getAndTouch(key, Expiry.never())).isNull();
            long version = e.set(key, bytes("v"), Expiry.after(Duration.ofSeconds(1)), 3);
            Entry got = e.getAndTouch(key, Expiry.after(Duration.ofHours(1)));
            assertThat(got.valueAsString()).isEqualTo("v");
            assertThat(got.version()).isEqualTo(version);
            assertThat(got.flags()).isEqualTo(3);
            assertThat(got.expiresAt()).isEqualTo(t.clock().millis() + 3_600_000);
            t.clock().advance(Duration.ofMinutes(30));
            assertThat(e.get(key).version()).isEqualTo(version);
        }
    }

    @Test
    default void appendAndPrependKeepExpiryAndFlagsWithANewVersion() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("cat");
            assertThat(e.append(key, bytes("x"))).isEqualTo(Outcome.notFound());
            assertThat(e.prepend(key, bytes("x"))).isEqualTo(Outcome.notFound());
            assertThat(e.get(key)).isNull();
            long v1 = e.set(key, bytes("mid"), Expiry.after(Duration.ofSeconds(30)), 77);
            long expiresAt = e.get(key).expiresAt();
            t.clock().advance(Duration.ofSeconds(1));
            Outcome appended = e.append(key, bytes("-end"));
            Outcome prepended = e.prepend(key, bytes("start-"));
            assertThat(appended.version()).isGreaterThan(v1);
            assertThat(prepended.version()).isGreaterThan(appended.version());
            Entry entry = e.get(key);
            assertThat(entry.valueAsString()).isEqualTo("start-mid-end");
            assertThat(entry.version()).isEqualTo(prepended.version());
            assertThat(entry.flags()).isEqualTo(77);
            assertThat(entry.expiresAt()).isEqualTo(expiresAt);
            assertThat(entry.storedAt()).isEqualTo(t.clock().millis());
            assertThat(e.append(key, new byte[0]).status()).isEqualTo(Status.STORED);
            assertThat(e.get(key).valueAsString()).isEqualTo("start-mid-end");
        }
    }

    @Test
    default void incrementWrapsAndDecrementStopsAtZero() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("counter");
            assertThat(e.increment(key, 1)).isEqualTo(CounterResult.notFound());
            assertThat(e.decrement(key, 1)).isEqualTo(CounterResult.notFound());
            assertThat(e.get(key)).isNull();
            long v0 = e.set(key, bytes("41"), Expiry.after(Duration.ofMinutes(1)), 12);
            CounterResult up = e.increment(key, 1);
            assertThat(up.value()).isEqualTo(42);
            assertThat(up.version()).isGreaterThan(v0);
            Entry entry = e.get(key);
            assertThat(entry.valueAsString()).isEqualTo("42");
            assertThat(entry.version()).isEqualTo(up.version());
            assertThat(entry.flags()).isEqualTo(12);
            assertThat(entry.expiresAt()).isEqualTo(t.clock().millis() + 60_000);

            e.set(key, bytes("18446744073709551615"));
            assertThat(e.increment(key, 2).value()).isEqualTo(1);
            assertThat(e.get(key).valueAsString()).isEqualTo("1");
            assertThat(e.increment(key, -1L).value()).as("unsigned delta 2^64-1").isZero();

            e.set(key, bytes("5"));
            assertThat(e.decrement(key, 7).value()).isZero();
            assertThat(e.get(key).valueAsString()).isEqualTo("0");
            e.set(key, bytes("18446744073709551615"));
            assertThat(Long.toUnsignedString(e.decrement(key, 5).value())).isEqualTo("18446744073709551610");
            assertThat(e.get(key).valueAsString()).isEqualTo("18446744073709551610");
        }
    }

    @Test
    default void incrementOfANonNumericValueIsAClearErrorAndChangesNothing() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("text");
            for (String value : new String[] {"abc", "", "-1", "12 ", "18446744073709551616"}) {
                long version = e.set(key, bytes(value));
                assertThatThrownBy(() -> e.increment(key, 1)).as(value).isInstanceOf(NonNumericValueException.class)
                        .hasMessageContaining("non-numeric");
                assertThatThrownBy(() -> e.decrement(key, 1)).as(value).isInstanceOf(NonNumericValueException.class);
                assertThat(e.get(key).valueAsString()).isEqualTo(value);
                assertThat(e.get(key).version()).isEqualTo(version);
            }
        }
    }

    @Test
    default void computeSeesTheLiveEntryAndAppliesItsAnswer() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("compute");
            List<Entry> seen = new ArrayList<>();
            assertThat(e.compute(key, cur -> {
                seen.add(cur);
                return ComputeAction.keep();
            })).isNull();
            assertThat(seen).containsOnlyNulls();
            Entry stored = e.compute(key, cur -> ComputeAction.store(bytes("one"), Expiry.never(), 4));
            assertThat(stored.valueAsString()).isEqualTo("one");
            assertThat(stored.flags()).isEqualTo(4);
            assertThat(e.get(key)).isEqualTo(stored);
            Entry upper = e.compute(key, cur -> ComputeAction.store(bytes(cur.valueAsString().toUpperCase()),
                    Expiry.ofExpiresAt(cur.expiresAt()), cur.flags()));
            assertThat(upper.valueAsString()).isEqualTo("ONE");
            assertThat(upper.version()).isGreaterThan(stored.version());
            Entry kept = e.compute(key, cur -> ComputeAction.keep());
            assertThat(kept).isEqualTo(upper);
            Entry touched = e.compute(key, cur -> ComputeAction.touch(Expiry.after(Duration.ofSeconds(9))));
            assertThat(touched.version()).isEqualTo(upper.version());
            assertThat(touched.expiresAt()).isEqualTo(t.clock().millis() + 9_000);
            assertThat(e.compute(key, cur -> ComputeAction.remove())).isNull();
            assertThat(e.get(key)).isNull();
            assertThat(e.compute(key, cur -> ComputeAction.touch(Expiry.never()))).isNull();
            assertThat(e.get(key)).isNull();
        }
    }

    @Test
    default void computeThatThrowsChangesNothing() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("throws");
            long version = e.set(key, bytes("kept"));
            assertThatThrownBy(() -> e.compute(key, cur -> {
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(e.get(key).version()).isEqualTo(version);
            assertThat(e.get(key).valueAsString()).isEqualTo("kept");
        }
    }

    @Test
    default void readVisitsAViewOfValueAndMetadata() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("view");
            AtomicInteger calls = new AtomicInteger();
            assertThat((Object) e.read(key, v -> calls.incrementAndGet())).isNull();
            assertThat(calls).hasValue(0);
            long version = e.set(key, bytes("zero-copy"), Expiry.after(Duration.ofSeconds(2)), 6);
            String seen = e.read(key, v -> {
                assertThat(v.version()).isEqualTo(version);
                assertThat(v.flags()).isEqualTo(6);
                assertThat(v.expiresAt()).isEqualTo(t.clock().millis() + 2000);
                assertThat(v.storedAt()).isEqualTo(t.clock().millis());
                assertThat(v.valueLength()).isEqualTo(9);
                ByteBuffer value = v.value();
                assertThat(value.isReadOnly()).isTrue();
                byte[] copy = new byte[value.remaining()];
                value.get(copy);
                assertThat(v.value().remaining()).as("each value() starts at the value's start").isEqualTo(9);
                return new String(copy, java.nio.charset.StandardCharsets.UTF_8);
            });
            assertThat(seen).isEqualTo("zero-copy");
        }
    }

    /**
     * A reader's exception reaches the caller as it was thrown, and the engine lets go of the entry
     * each time: many failed reads leak no lock or read transaction, and the key stays writable.
     */
    @Test
    default void aReaderThatThrowsPassesItsExceptionThroughAndLetsGo() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("throwing-reader");
            long version = e.set(key, bytes("held"));
            for (int i = 0; i < 1_000; i++) {
                IllegalStateException thrown = new IllegalStateException("reader failed " + i);
                assertThatThrownBy(() -> e.read(key, view -> {
                    throw thrown;
                })).as("read %d with a throwing reader", i).isSameAs(thrown);
            }
            assertThat(e.get(key).version()).as("the entry after failed reads").isEqualTo(version);
            assertThat(e.set(key, bytes("rewritten"))).as("a write after failed reads").isGreaterThan(version);
            assertThat(e.get(key).valueAsString()).isEqualTo("rewritten");
        }
    }

    @Test
    default void copyValueCopiesWhenItFitsAndSaysTheLength() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("copy");
            ByteBuffer dst = ByteBuffer.allocateDirect(16);
            assertThat(e.copyValue(key, dst)).isEqualTo(-1);
            e.set(key, bytes("0123456789"));
            dst.position(3);
            assertThat(e.copyValue(key, dst)).isEqualTo(10);
            assertThat(dst.position()).isEqualTo(13);
            dst.flip().position(3);
            assertThat(TckValues.string(dst)).isEqualTo("0123456789");
            ByteBuffer small = ByteBuffer.allocate(4);
            assertThat(e.copyValue(key, small)).isEqualTo(10);
            assertThat(small.position()).as("nothing copied when it does not fit").isZero();
        }
    }

    @Test
    default void buffersAreReadBetweenPositionAndLimitAndLeftUnmoved() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            ByteBuffer direct = ByteBuffer.allocateDirect(32);
            direct.put(bytes("xxhello-directyy")).position(2).limit(14);
            e.set(Key.of("d"), direct, Expiry.never(), 0);
            assertThat(direct.position()).isEqualTo(2);
            assertThat(direct.limit()).isEqualTo(14);
            assertThat(e.get(Key.of("d")).valueAsString()).isEqualTo("hello-direct");
            ByteBuffer heap = ByteBuffer.wrap(bytes("__suffix__"), 2, 6);
            e.append(Key.of("d"), heap);
            assertThat(heap.position()).isEqualTo(2);
            assertThat(e.get(Key.of("d")).valueAsString()).isEqualTo("hello-directsuffix");
            ByteBuffer readOnly = ByteBuffer.wrap(bytes("ro")).asReadOnlyBuffer();
            assertThat(e.add(Key.of("ro"), readOnly, Expiry.never(), 0).status()).isEqualTo(Status.STORED);
            assertThat(e.get(Key.of("ro")).valueAsString()).isEqualTo("ro");
        }
    }

    @Test
    default void invalidateRemovesExactlyTheVariantsOfOnePrimary() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            String primary = "https://example.org/catalog";
            Set<Variant> written = new HashSet<>();
            for (int device = 0; device < 10; device++) {
                for (int res = 0; res < 5; res++) {
                    for (int browser = 0; browser < 3; browser++) {
                        for (int proto = 0; proto < 2; proto++) {
                            for (int lang = 0; lang < 10; lang++) {
                                Variant v = Variant.of("device", "d" + device, "res", "r" + res, "browser",
                                        "b" + browser, "proto", proto == 0 ? "http" : "https", "lang", "l" + lang);
                                e.set(Key.of(primary, v), bytes(v.toString().substring(0, 8)));
                                written.add(v);
                            }
                        }
                    }
                }
            }
            assertThat(written).hasSize(3000);
            // Neighbours: a primary that extends this one, one it extends, and one that differs by a byte.
            for (String other : new String[] {primary + "/", primary.substring(0, primary.length() - 1),
                "https://example.org/catalof", "https://example.org/catalog?"}) {
                e.set(Key.of(other), bytes("other"));
                e.set(Key.of(other, Variant.of("lang", "l1")), bytes("other"));
            }
            assertThat(new HashSet<>(e.variants(primary))).isEqualTo(written);
            assertThat(e.invalidate(primary)).isEqualTo(3000);
            assertThat(e.variants(primary)).isEmpty();
            assertThat(e.get(Key.of(primary, Variant.of("device", "d3", "res", "r1", "browser", "b0", "proto", "http",
                    "lang", "l9")))).isNull();
            for (String other : new String[] {primary + "/", primary.substring(0, primary.length() - 1),
                "https://example.org/catalof", "https://example.org/catalog?"}) {
                assertThat(e.get(Key.of(other))).as(other).isNotNull();
                assertThat(e.variants(other)).as(other).hasSize(2);
            }
            assertThat(e.invalidate(primary)).isZero();
        }
    }

    @Test
    default void variantsAndInvalidateCountOnlyLiveEntries() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            e.set(Key.of("/p", Variant.of("lang", "en")), bytes("en"), Expiry.never(), 0);
            e.set(Key.of("/p", Variant.of("lang", "fr")), bytes("fr"), Expiry.after(Duration.ofSeconds(1)), 0);
            t.clock().advance(Duration.ofSeconds(1));
            assertThat(e.variants("/p")).containsExactly(Variant.of("lang", "en"));
            assertThat(e.invalidate("/p")).isEqualTo(1);
            assertThat(e.variants("/p")).isEmpty();
        }
    }

    @Test
    default void clearRemovesEverything() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            for (int i = 0; i < 100; i++) {
                e.set(Key.of("k" + i, Variant.of("v", "" + (i % 3))), bytes("v" + i));
            }
            long before = e.set(Key.of("last"), bytes("x"));
            e.clear();
            for (int i = 0; i < 100; i++) {
                assertThat(e.get(Key.of("k" + i, Variant.of("v", "" + (i % 3))))).isNull();
            }
            assertThat(e.stats().entries()).isZero();
            assertThat(e.set(Key.of("last"), bytes("y"))).as("versions go on after clear").isGreaterThan(before);
        }
    }

    @Test
    default void statsCountHitsAndMisses() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            long hits = e.stats().hits();
            long misses = e.stats().misses();
            e.set(Key.of("s"), bytes("v"));
            e.get(Key.of("s"));
            e.get(Key.of("s"));
            e.get(Key.of("absent"));
            e.copyValue(Key.of("s"), ByteBuffer.allocate(8));
            e.read(Key.of("absent"), v -> v);
            assertThat(e.stats().hits() - hits).isEqualTo(3);
            assertThat(e.stats().misses() - misses).isEqualTo(2);
            assertThat(e.stats().entries()).isEqualTo(1);
            assertThat(e.stats().capacity()).isEqualTo(tckCapacity());
            assertThat(e.stats().bytesUsed()).isPositive();
        }
    }
}
