package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ComputeAction;
import io.larder.spi.CounterResult;
import io.larder.spi.EngineClosedException;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.ManualClock;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.ValueTooLargeException;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class OffHeapEngineTest {

    private final ManualClock clock = new ManualClock(1_000_000L);
    private final List<StorageEngine> opened = new ArrayList<>();

    private StorageEngine open(String options) {
        StorageEngine engine = Larder.open(EngineConfig.parse("offheap:?" + options).withClock(clock));
        opened.add(engine);
        return engine;
    }

    private StorageEngine open() {
        return open("capacity=16m&maxValueSize=64k&sweepInterval=1h");
    }

    @AfterEach
    void closeAll() {
        opened.forEach(StorageEngine::close);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesValueAndMetadata() {
        StorageEngine engine = open();
        Key key = Key.of("/a");
        long version = engine.set(key, bytes("hello"), Expiry.after(Duration.ofSeconds(10)), 42);
        Entry entry = engine.get(key);
        assertThat(entry.valueAsString()).isEqualTo("hello");
        assertThat(entry.version()).isEqualTo(version).isPositive();
        assertThat(entry.flags()).isEqualTo(42);
        assertThat(entry.expiresAt()).isEqualTo(clock.millis() + 10_000);
        assertThat(entry.storedAt()).isEqualTo(clock.millis());
        assertThat(engine.get(Key.of("/b"))).isNull();
        assertThat(engine.stats().hits()).isEqualTo(1);
        assertThat(engine.stats().misses()).isEqualTo(1);
    }

    @Test
    void storesEmptyValuesAndReadsIntoBuffers() {
        StorageEngine engine = open();
        engine.set(Key.of("/empty"), new byte[0]);
        assertThat(engine.get(Key.of("/empty")).value()).isEmpty();
        engine.set(Key.of("/v"), bytes("12345"));
        ByteBuffer small = ByteBuffer.allocate(2);
        assertThat(engine.copyValue(Key.of("/v"), small)).isEqualTo(5);
        assertThat(small.position()).isZero();
        ByteBuffer big = ByteBuffer.allocateDirect(8);
        assertThat(engine.copyValue(Key.of("/v"), big)).isEqualTo(5);
        assertThat(big.position()).isEqualTo(5);
        String seen = engine.read(Key.of("/v"), view -> view.valueLength() + ":" + view.value().remaining());
        assertThat(seen).isEqualTo("5:5");
    }

    @Test
    void sameSizeOverwritesInPlaceFromEveryKindOfBuffer() {
        StorageEngine engine = open();
        Key key = Key.of("/same", Variant.of("lang", "en"));
        long last = engine.set(key, bytes("aaaaa"), Expiry.after(Duration.ofSeconds(5)), 1);
        long bytesUsed = engine.stats().bytesUsed();
        ByteBuffer direct = ByteBuffer.allocateDirect(9);
        direct.put(bytes("xxbbbbbxx")).position(2).limit(7);
        ByteBuffer heap = ByteBuffer.wrap(bytes("yccccc"), 1, 5);
        ByteBuffer readOnly = ByteBuffer.wrap(bytes("ddddd")).asReadOnlyBuffer();
        int flags = 2;
        for (ByteBuffer value : List.of(direct, heap, readOnly)) {
            clock.advance(Duration.ofMillis(10));
            int position = value.position();
            long version = engine.set(key, value, Expiry.never(), flags);
            assertThat(value.position()).isEqualTo(position);
            assertThat(version).isGreaterThan(last);
            Entry entry = engine.get(key);
            assertThat(entry.value()).isEqualTo(remaining(value));
            assertThat(entry.version()).isEqualTo(version);
            assertThat(entry.flags()).isEqualTo(flags);
            assertThat(entry.expiresAt()).isZero();
            assertThat(entry.storedAt()).isEqualTo(clock.millis());
            last = version;
            flags++;
        }
        assertThat(engine.variants(bytes("/same"))).containsExactly(Variant.of("lang", "en"));
        assertThat(engine.stats().entries()).isEqualTo(1);
        assertThat(engine.stats().bytesUsed()).isEqualTo(bytesUsed).isPositive();
    }

    private static byte[] remaining(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void versionsIncreaseAcrossKeysAndTouchKeepsThem() {
        StorageEngine engine = open();
        long a = engine.set(Key.of("/a"), bytes("1"));
        long b = engine.set(Key.of("/b"), bytes("1"));
        long a2 = engine.set(Key.of("/a"), bytes("a longer value than before"));
        assertThat(b).isGreaterThan(a);
        assertThat(a2).isGreaterThan(b);
        Outcome touched = engine.touch(Key.of("/a"), Expiry.after(Duration.ofSeconds(5)));
        assertThat(touched).isEqualTo(Outcome.touched(a2));
        Entry afterTouch = engine.get(Key.of("/a"));
        assertThat(afterTouch.version()).isEqualTo(a2);
        assertThat(afterTouch.expiresAt()).isEqualTo(clock.millis() + 5000);
        assertThat(afterTouch.valueAsString()).isEqualTo("a longer value than before");
        assertThat(engine.getAndTouch(Key.of("/a"), Expiry.never()).expiresAt()).isZero();
    }

    @Test
    void conditionalWritesFollowTheContract() {
        StorageEngine engine = open();
        Key key = Key.of("/k");
        assertThat(engine.replace(key, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
        Outcome added = engine.add(key, bytes("v1"), Expiry.never(), 0);
        assertThat(added.isStored()).isTrue();
        assertThat(engine.add(key, bytes("v2"), Expiry.never(), 0)).isEqualTo(Outcome.exists(added.version()));
        Outcome cas = engine.compareAndSet(key, added.version(), bytes("v3"), Expiry.never(), 7);
        assertThat(cas.isStored()).isTrue();
        assertThat(engine.compareAndSet(key, added.version(), bytes("v4"), Expiry.never(), 0))
                .isEqualTo(Outcome.exists(cas.version()));
        assertThat(engine.compareAndSet(Key.of("/none"), 1, bytes("v4"), Expiry.never(), 0))
                .isEqualTo(Outcome.notFound());
        assertThat(engine.delete(key, added.version())).isEqualTo(Outcome.exists(cas.version()));
        assertThat(engine.delete(key, cas.version())).isEqualTo(Outcome.deleted(cas.version()));
        assertThat(engine.delete(key)).isEqualTo(Outcome.notFound());
        assertThat(engine.stats().entries()).isZero();
        assertThat(engine.stats().bytesUsed()).isZero();
    }

    @Test
    void appendsAndCounts() {
        StorageEngine engine = open();
        Key key = Key.of("/c");
        assertThat(engine.append(key, bytes("x"))).isEqualTo(Outcome.notFound());
        engine.set(key, bytes("10"), Expiry.never(), 3);
        assertThat(engine.append(key, bytes("0")).isStored()).isTrue();
        assertThat(engine.prepend(key, bytes("1")).isStored()).isTrue();
        assertThat(engine.get(key).valueAsString()).isEqualTo("1100");
        CounterResult up = engine.increment(key, 5);
        assertThat(up.value()).isEqualTo(1105);
        assertThat(engine.decrement(key, 2000).value()).isZero();
        assertThat(engine.get(key).flags()).isEqualTo(3);
        engine.set(key, bytes("abc"));
        assertThatThrownBy(() -> engine.increment(key, 1)).isInstanceOf(NonNumericValueException.class);
        assertThat(engine.get(key).valueAsString()).isEqualTo("abc");
    }

    @Test
    void computeSeesLiveEntryAndCanRemove() {
        StorageEngine engine = open();
        Key key = Key.of("/compute");
        assertThat(engine.compute(key, current -> {
            assertThat(current).isNull();
            return ComputeAction.store(bytes("one"), Expiry.never(), 1);
        }).valueAsString()).isEqualTo("one");
        assertThat(engine.compute(key, current -> ComputeAction.keep()).valueAsString()).isEqualTo("one");
        assertThatThrownBy(() -> engine.compute(key, current -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(engine.get(key).valueAsString()).isEqualTo("one");
        assertThat(engine.compute(key, current -> ComputeAction.remove())).isNull();
        assertThat(engine.get(key)).isNull();
    }

    @Test
    void expiredEntriesAreAbsentForEveryOperation() {
        StorageEngine engine = open();
        Key key = Key.of("/exp");
        long version = engine.set(key, bytes("v"), Expiry.after(Duration.ofSeconds(1)), 0);
        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.get(key)).isNull();
        assertThat(engine.touch(key, Expiry.never())).isEqualTo(Outcome.notFound());
        assertThat(engine.replace(key, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
        assertThat(engine.compareAndSet(key, version, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
        assertThat(engine.delete(key)).isEqualTo(Outcome.notFound());
        assertThat(engine.add(key, bytes("new"), Expiry.never(), 0).isStored()).isTrue();
        assertThat(engine.stats().expirations()).isEqualTo(1);
        engine.set(Key.of("/past"), bytes("v"), Expiry.at(java.time.Instant.ofEpochMilli(5)), 0);
        assertThat(engine.get(Key.of("/past"))).isNull();
    }

    @Test
    void sweeperReclaimsExpiredEntriesInTheBackground() throws InterruptedException {
        StorageEngine engine = open("capacity=16m&maxValueSize=64k&sweepInterval=10ms");
        for (int i = 0; i < 100; i++) {
            engine.set(Key.of("/s" + i), bytes("v"), Expiry.after(Duration.ofSeconds(1)), 0);
        }
        engine.set(Key.of("/keep"), bytes("v"));
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 500 && engine.stats().entries() > 1; i++) {
            Thread.sleep(10);
        }
        EngineStats stats = engine.stats();
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.expirations()).isEqualTo(100);
        assertThat(engine.get(Key.of("/keep"))).isNotNull();
    }

    @Test
    void invalidatesExactlyTheVariantsOfAPrimary() {
        StorageEngine engine = open();
        engine.set(Key.of("/page"), bytes("plain"));
        engine.set(Key.of("/page", Variant.of("lang", "fr")), bytes("fr"));
        engine.set(Key.of("/page", Variant.of("lang", "de", "device", "mobile")), bytes("de"));
        engine.set(Key.of("/page", Variant.of("lang", "en")), bytes("en"), Expiry.after(Duration.ofSeconds(1)), 0);
        engine.set(Key.of("/page2", Variant.of("lang", "fr")), bytes("other"));
        engine.set(Key.of("/pag"), bytes("other"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.variants("/page")).containsExactlyInAnyOrder(Variant.EMPTY, Variant.of("lang", "fr"),
                Variant.of("lang", "de", "device", "mobile"));
        assertThat(engine.invalidate("/page")).isEqualTo(3);
        assertThat(engine.variants("/page")).isEmpty();
        assertThat(engine.get(Key.of("/page2", Variant.of("lang", "fr")))).isNotNull();
        assertThat(engine.get(Key.of("/pag"))).isNotNull();
        assertThat(engine.stats().entries()).isEqualTo(2);
        assertThat(engine.stats().engineSpecific().get("indexedVariants")).isEqualTo(1);
        assertThat(engine.invalidate("/page")).isZero();
    }

    @Test
    void clearRemovesEverything() {
        StorageEngine engine = open();
        for (int i = 0; i < 1000; i++) {
            engine.set(Key.of("/c" + i, Variant.of("v", Integer.toString(i % 3))), bytes("value" + i));
        }
        engine.clear();
        EngineStats stats = engine.stats();
        assertThat(stats.entries()).isZero();
        assertThat(stats.bytesUsed()).isZero();
        assertThat(stats.engineSpecific().get("indexedVariants")).isZero();
        assertThat(engine.get(Key.of("/c1", Variant.of("v", "1")))).isNull();
    }

    @Test
    void refusesValuesAboveMaxValueSizeAndLeavesTheStoreAlone() {
        StorageEngine engine = open();
        engine.set(Key.of("/big"), bytes("small"));
        assertThatThrownBy(() -> engine.set(Key.of("/big"), new byte[64 * 1024 + 1]))
                .isInstanceOf(ValueTooLargeException.class).hasMessageContaining("maxValueSize");
        assertThatThrownBy(() -> engine.compute(Key.of("/big"),
                c -> ComputeAction.store(new byte[64 * 1024 + 1], Expiry.never(), 0)))
                .isInstanceOf(ValueTooLargeException.class);
        assertThat(engine.get(Key.of("/big")).valueAsString()).isEqualTo("small");
        byte[] max = new byte[64 * 1024];
        max[max.length - 1] = 9;
        engine.set(Key.of("/max"), max);
        assertThat(engine.get(Key.of("/max")).value()).isEqualTo(max);
    }

    @Test
    void storesSixteenMebibyteValuesWhenConfigured() {
        StorageEngine engine = open("capacity=64m&maxValueSize=16m&averageValueSize=1m&sweepInterval=1h");
        byte[] value = new byte[16 << 20];
        for (int i = 0; i < 5; i++) {
            value[i] = (byte) i;
            engine.set(Key.of("/huge" + i), value);
        }
        assertThat(engine.get(Key.of("/huge4")).value()).isEqualTo(value);
        EngineStats stats = engine.stats();
        assertThat(stats.bytesUsed()).isLessThanOrEqualTo(stats.capacity());
        assertThat(stats.evictions()).isPositive();
    }

    @Test
    void staysWithinCapacityByEvictingAndNeverFailsAWrite() {
        StorageEngine engine = open("capacity=4m&maxValueSize=64k&averageValueSize=512&sweepInterval=1h");
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 40_000; i++) {
            int size = random.nextInt(4) == 0 ? random.nextInt(64 * 1024) : random.nextInt(1024);
            engine.set(Key.of("/fill/" + i, Variant.of("n", Integer.toString(i % 5))), new byte[size]);
            if (i % 5000 == 0) {
                assertThat(engine.stats().bytesUsed()).isLessThanOrEqualTo(4L << 20);
            }
        }
        EngineStats stats = engine.stats();
        assertThat(stats.bytesUsed()).isLessThanOrEqualTo(stats.capacity()).isGreaterThan(stats.capacity() / 2);
        assertThat(stats.evictions()).isPositive();
        assertThat(stats.engineSpecific().get("offHeapReserved")).isLessThan(stats.capacity() * 2);
        assertThat(engine.get(Key.of("/fill/39999", Variant.of("n", "4")))).isNotNull();
        assertThat(stats.engineSpecific().get("indexedVariants")).isEqualTo(stats.entries());
    }

    /**
     * Eviction, expiry and clear meet keys while iterating a segment and read each into the thread's
     * scratch: keys of the longest primary with large variants must leave with their index rows.
     */
    @Test
    void theLongestKeysLeaveByEvictionExpiryAndClearWithTheirIndexRows() {
        OffHeapEngine engine = (OffHeapEngine) open("capacity=2m&maxValueSize=16k&averageValueSize=1k&sweepInterval=1h");
        byte[][] primaries = {new byte[8192], new byte[8192]};
        java.util.Arrays.fill(primaries[0], (byte) 'a');
        java.util.Arrays.fill(primaries[1], (byte) 'b');
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Key key = Key.of(primaries[i % 2], Variant.of("cookie", String.format("%04d", i).repeat(1024),
                    "accept", "x".repeat(4096 - i % 7)));
            keys.add(key);
            engine.set(key, new byte[1000 + i], i % 3 == 0 ? Expiry.after(Duration.ofSeconds(1)) : Expiry.never(), 0);
        }
        EngineStats stats = engine.stats();
        assertThat(stats.evictions()).isPositive();
        assertThat(stats.bytesUsed()).isLessThanOrEqualTo(stats.capacity());
        assertIndexMatchesEntries(engine, primaries, keys);
        assertThat(engine.get(keys.get(299)).value()).hasSize(1299);

        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.sweepExpired()).isPositive();
        assertIndexMatchesEntries(engine, primaries, keys);
        assertThat(engine.stats().entries()).isPositive();

        engine.clear();
        assertThat(engine.stats().entries()).isZero();
        assertThat(engine.stats().engineSpecific().get("indexedVariants")).isZero();
        assertThat(engine.variants(primaries[0])).isEmpty();
        assertThat(engine.variants(primaries[1])).isEmpty();
    }

    private static void assertIndexMatchesEntries(StorageEngine engine, byte[][] primaries, List<Key> keys) {
        long present = keys.stream().filter(k -> engine.get(k) != null).count();
        EngineStats stats = engine.stats();
        assertThat(stats.entries()).isEqualTo(present);
        assertThat(stats.engineSpecific().get("indexedVariants")).isEqualTo(present);
        assertThat(engine.variants(primaries[0]).size() + engine.variants(primaries[1]).size()).isEqualTo(present);
    }

    /**
     * A write that grows a key's value in a full, fragmented segment: Chronicle may find no
     * contiguous run for it, and the key must then keep its old value until room is made, never be
     * dropped (the write would then see no entry and answer NOT_FOUND).
     */
    @Test
    void growingAKeyUnderPressureNeverLosesIt() {
        // Big enough for two segments: the room each keeps for one largest entry (now 138 KiB of
        // key alone) would, in a single segment of 1m, leave fragmentation nothing to bite on.
        StorageEngine engine = open("capacity=4m&maxValueSize=32k&averageValueSize=256&sweepInterval=1h");
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        Key grown = Key.of("/grown");
        byte[] piece = new byte[1500];
        int length = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        long fullRetries = 0;
        for (int round = 0; round < 400 && System.nanoTime() < deadline; round++) {
            // Others of mixed sizes keep the segments full and fragmented.
            for (int i = 0; i < 60; i++) {
                int size = random.nextInt(3) == 0 ? 2000 + random.nextInt(14_000) : random.nextInt(600);
                engine.set(Key.of("/other/" + random.nextInt(5_000)), new byte[size]);
            }
            if (length + piece.length > 32 * 1024) {
                engine.set(grown, new byte[0]);
                length = 0;
            }
            if (length == 0 && engine.get(grown) == null) {
                engine.set(grown, new byte[0]);
            }
            Outcome appended = engine.append(grown, piece);
            assertThat(appended.isStored()).as("append in round %d to a value of %d bytes: %s", round, length,
                    appended).isTrue();
            length += piece.length;
            Entry now = engine.get(grown);
            assertThat(now).as("the key being grown, round %d", round).isNotNull();
            assertThat(now.value()).hasSize(length);
            fullRetries = engine.stats().engineSpecific().get("segmentFullRetries");
        }
        assertThat(fullRetries).as("writes that found no contiguous room (the case under test)").isPositive();
        // The store's accounting kept step with what is there.
        int present = engine.get(grown) != null ? 1 : 0;
        for (int i = 0; i < 5_000; i++) {
            present += engine.get(Key.of("/other/" + i)) != null ? 1 : 0;
        }
        EngineStats stats = engine.stats();
        assertThat(stats.entries()).isEqualTo(present);
        assertThat(stats.bytesUsed()).isLessThanOrEqualTo(stats.capacity());
    }

    @Test
    void evictsColdEntriesBeforeHotOnes() {
        StorageEngine engine = open("capacity=2m&maxValueSize=16k&averageValueSize=1k&sweepInterval=1h");
        byte[] value = new byte[1000];
        for (int i = 0; i < 100; i++) {
            engine.set(Key.of("/hot" + i), value);
        }
        for (int i = 0; i < 20_000; i++) {
            engine.set(Key.of("/cold" + i), value);
            engine.get(Key.of("/hot" + (i % 100)));
        }
        int hotLeft = 0;
        for (int i = 0; i < 100; i++) {
            hotLeft += engine.get(Key.of("/hot" + i)) != null ? 1 : 0;
        }
        assertThat(hotLeft).isEqualTo(100);
        assertThat(engine.get(Key.of("/cold0"))).isNull();
    }

    @Test
    void concurrentIncrementsLoseNoUpdate() throws InterruptedException {
        StorageEngine engine = open();
        Key counter = Key.of("/counter");
        engine.set(counter, bytes("0"));
        AtomicInteger failures = new AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    if (!engine.increment(counter, 1).found()) {
                        failures.incrementAndGet();
                    }
                    Outcome cas;
                    do {
                        Entry e = engine.get(Key.of("/cas"));
                        cas = e == null ? engine.add(Key.of("/cas"), bytes("1"), Expiry.never(), 0)
                                : engine.compareAndSet(Key.of("/cas"), e.version(),
                                        bytes(Long.toString(Long.parseLong(e.valueAsString()) + 1)), Expiry.never(), 0);
                    } while (!cas.isStored());
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).hasValue(0);
        assertThat(engine.get(counter).valueAsString()).isEqualTo("8000");
        assertThat(engine.get(Key.of("/cas")).valueAsString()).isEqualTo("8000");
    }

    @Test
    void everyOperationFailsAfterCloseAndCloseIsIdempotent() {
        StorageEngine engine = open();
        engine.set(Key.of("/a"), bytes("v"));
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.get(Key.of("/a"))).isInstanceOf(EngineClosedException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> engine.set(Key.of("/a"), bytes("v"))).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(() -> engine.invalidate("/a")).isInstanceOf(EngineClosedException.class);
        assertThat(engine.stats().entries()).as("stats after close: the last figures").isEqualTo(1);
        assertThatThrownBy(engine::clear).isInstanceOf(EngineClosedException.class);
    }
}
