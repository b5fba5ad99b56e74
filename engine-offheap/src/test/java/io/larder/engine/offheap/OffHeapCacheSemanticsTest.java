package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ComputeAction;
import io.larder.spi.EngineConfig;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.LarderException;
import io.larder.spi.ManualClock;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the kit cannot see of this engine's cache semantics: the races between tag invalidations and
 * concurrent (per-segment locked) writes, the racy hit stamps, the background reclaim of
 * tag-invalidated entries and placeholders, and the entry format.
 */
@Timeout(120)
class OffHeapCacheSemanticsTest {

    private final List<StorageEngine> opened = new ArrayList<>();

    private StorageEngine open(ManualClock clock) {
        EngineConfig config = EngineConfig.parse("offheap:?capacity=32m&maxValueSize=64k&sweepInterval=1h");
        StorageEngine engine = Larder.open(clock == null ? config : config.withClock(clock));
        opened.add(engine);
        return engine;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(StorageEngine::close);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code tasks} at once on their own threads; rethrows the first failure. */
    private static void together(Runnable... tasks) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    task.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a thread failed", failure.get());
        }
    }

    /**
     * A guarded store (tag guard G) that lands with version v while {@code invalidateTag} draws its
     * mark M: if G &lt; M &lt; v, the invalidation slipped between the store's guard check and its
     * commit and left the store valid. Writers on several segments, one invalidator, bounded by
     * count and time.
     */
    @Test
    void noTagInvalidationSlipsBetweenAGuardedStoresCheckAndItsCommit() throws InterruptedException {
        StorageEngine engine = open(null);
        long deadline = System.nanoTime() + 4_000_000_000L;
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<long[]> landed = new ConcurrentLinkedQueue<>();
        List<Long> marks = Collections.synchronizedList(new ArrayList<>());
        Runnable[] tasks = new Runnable[3];
        for (int w = 0; w < 2; w++) {
            int writer = w;
            tasks[w] = () -> {
                for (int i = 0; i < 50_000 && System.nanoTime() < deadline; i++) {
                    // A fresh version from the counter, as a lease token would be.
                    long guard = engine.set(Key.of("/token-" + writer), bytes("t"));
                    Key key = Key.of("/guarded-" + writer + "-" + (i % 64));
                    String value = "v" + i;
                    Entry after = engine.compute(key, cur -> ComputeAction.store(bytes(value),
                            WriteOptions.tagged("t", "other")).ifTagsNotInvalidatedSince(guard));
                    if (after != null && after.version() > guard && after.valueAsString().equals(value)) {
                        landed.add(new long[] {guard, after.version()});
                    }
                }
                stop.set(true);
            };
        }
        tasks[2] = () -> {
            for (int i = 0; i < 200_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                InvalidationMode mode = i % 3 == 0 ? InvalidationMode.MARK_STALE : InvalidationMode.REMOVE;
                marks.add(engine.invalidateTag("t", mode));
            }
        };
        together(tasks);
        assertThat(marks).as("the invalidator ran").isNotEmpty();
        assertThat(landed).as("some guarded stores landed").isNotEmpty();
        long[] sorted = marks.stream().mapToLong(Long::longValue).sorted().toArray();
        for (long[] store : landed) {
            int at = java.util.Arrays.binarySearch(sorted, store[0] + 1);
            int next = at >= 0 ? at : -at - 1;
            assertThat(next < sorted.length && sorted[next] < store[1])
                    .as("a mark between guard %d and stored version %d", store[0], store[1]).isFalse();
        }
    }

    /**
     * Once {@code invalidateTag(REMOVE)} returned M, no read finds a tagged entry below M, while
     * writers keep storing tagged entries on other threads.
     */
    @Test
    void afterATagRemovalNoReadSeesAnOlderTaggedEntry() throws InterruptedException {
        StorageEngine engine = open(null);
        long deadline = System.nanoTime() + 3_000_000_000L;
        AtomicBoolean stop = new AtomicBoolean();
        Runnable writer = () -> {
            for (int i = 0; i < 100_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                engine.set(Key.of("/w-" + (i % 128)), bytes("v"), WriteOptions.tagged("t"));
            }
        };
        Runnable invalidator = () -> {
            for (int round = 0; round < 2_000 && System.nanoTime() < deadline; round++) {
                long mark = engine.invalidateTag("t", InvalidationMode.REMOVE);
                for (int k = 0; k < 128; k++) {
                    Entry seen = engine.get(Key.of("/w-" + k));
                    if (seen != null && seen.version() < mark) {
                        stop.set(true);
                        throw new AssertionError("read version " + seen.version() + " after mark " + mark);
                    }
                }
            }
            stop.set(true);
        };
        together(writer, writer, invalidator);
    }

    /** Hit stamps are plain writes: racing readers may share a hit, but lose no entry and never pass the reads. */
    @Test
    void racingReadersKeepTheEntryAndCountAtMostEveryHit() throws InterruptedException {
        StorageEngine engine = open(null);
        Key key = Key.of("/hot");
        long version = engine.set(key, bytes("hot value"), WriteOptions.tagged("hot"));
        int reads = 20_000;
        Runnable reader = () -> {
            for (int i = 0; i < reads; i++) {
                Entry e = engine.get(key);
                assertThat(e.version()).isEqualTo(version);
                assertThat(e.tags()).containsExactly("hot");
            }
        };
        together(reader, reader);
        Entry after = engine.get(key);
        assertThat(after.valueAsString()).isEqualTo("hot value");
        assertThat(after.hits()).isBetween(1, 2 * reads);
        for (int i = 0; i < 5; i++) {
            engine.get(key);
        }
        assertThat(engine.get(key).hits()).as("one thread counts exactly").isEqualTo(after.hits() + 6);
    }

    @Test
    void theSweeperReclaimsTagInvalidatedEntriesAndCountsThem() {
        StorageEngine engine = open(new ManualClock(1_000_000L));
        for (int i = 0; i < 100; i++) {
            engine.set(Key.of("/tagged-" + i), bytes("x"), WriteOptions.tagged("gone", "t" + (i % 3)));
            engine.set(Key.of("/plain-" + i), bytes("y"));
        }
        engine.invalidateTag("t1", InvalidationMode.MARK_STALE);
        assertThat(((OffHeapEngine) engine).sweepExpired()).as("a stale mark reclaims nothing").isZero();
        engine.invalidateTag("gone", InvalidationMode.REMOVE);
        assertThat(engine.stats().entries()).as("nothing reclaimed before the sweep").isEqualTo(200);
        assertThat(((OffHeapEngine) engine).sweepExpired()).isEqualTo(100);
        assertThat(engine.stats().entries()).isEqualTo(100);
        assertThat(engine.stats().invalidations()).isEqualTo(100);
        assertThat(((OffHeapEngine) engine).sweepExpired()).as("one scan per removal").isZero();
        assertThat(engine.get(Key.of("/plain-7")).valueAsString()).isEqualTo("y");
    }

    @Test
    void theSweeperReclaimsExpiredPlaceholders() {
        ManualClock clock = new ManualClock(1_000_000L);
        StorageEngine engine = open(clock);
        Entry placeholder = engine.compute(Key.of("/ph"), cur -> ComputeAction.placeholder(5_000));
        assertThat(placeholder.placeholder()).isTrue();
        assertThat(placeholder.leased()).isTrue();
        assertThat(placeholder.expiresAt()).isEqualTo(1_005_000L);
        assertThat(engine.get(Key.of("/ph"))).as("reads miss a placeholder").isNull();
        assertThat(engine.stats().entries()).isEqualTo(1);
        clock.advance(java.time.Duration.ofMillis(5_000));
        assertThat(((OffHeapEngine) engine).sweepExpired()).isEqualTo(1);
        assertThat(engine.stats().entries()).isZero();
    }

    @Test
    void leasesStaleMarksAndTagsSurviveAnEntryThatGrowsAndShrinks() {
        ManualClock clock = new ManualClock(1_000_000L);
        StorageEngine engine = open(clock);
        Key key = Key.of("/grow");
        engine.set(key, bytes("value"), WriteOptions.tagged("a", "b"));
        Entry leased = engine.compute(key, cur -> ComputeAction.lease(1_000));
        assertThat(leased.leased()).isTrue();
        assertThat(engine.get(key).tags()).containsExactly("a", "b");
        assertThat(engine.get(key).leased()).isTrue();
        Entry stale = engine.compute(key, cur -> ComputeAction.markStale(null));
        assertThat(stale.leased()).as("marking stale ends the lease").isFalse();
        Entry read = engine.get(key);
        assertThat(read.stale()).isTrue();
        assertThat(read.leased()).isFalse();
        assertThat(read.tags()).containsExactly("a", "b");
        assertThat(read.valueAsString()).isEqualTo("value");
        Entry relet = engine.compute(key, cur -> ComputeAction.lease(1_000));
        assertThat(relet.stale()).isTrue();
        clock.advance(java.time.Duration.ofMillis(1_000));
        assertThat(engine.get(key).leased()).as("the lease ran out").isFalse();
    }

    /** The previous build's header (format 1, 40 bytes) is refused with the format named, never misread. */
    @Test
    void aHeaderOfAnotherFormatIsRefusedPlainly() {
        BytesStore<?, ?> old = BytesStore.wrap(new byte[64]);
        old.writeByte(EntryHeader.FORMAT_OFFSET, (byte) 1);
        old.writeByte(EntryHeader.LENGTH_OFFSET, (byte) 40);
        assertThatThrownBy(() -> EntryCodec.checkHeader(old, 0, 64)).isInstanceOf(LarderException.class)
                .hasMessageContaining("format 1").hasMessageContaining("format 2");
    }

    @Test
    void untaggedEntriesPayNoTagBytes() {
        StorageEngine engine = open(null);
        engine.set(Key.of("/plain"), new byte[100]);
        Entry read = engine.get(Key.of("/plain"));
        assertThat(read.tags()).isEmpty();
        // Header, value and Chronicle's own size fields: the untagged header is 48 bytes.
        long charged = engine.stats().bytesUsed();
        long chunk = engine.stats().engineSpecific().get("chunkSize");
        long exact = Sizing.entryBytes(Key.of("/plain").encodedLength(), EntryHeader.LENGTH + 100);
        assertThat(charged).isEqualTo((exact + chunk - 1) / chunk * chunk);
        assertThat(EntryHeader.LENGTH).isEqualTo(48);
    }
}
