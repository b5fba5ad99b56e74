package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Suite 8: the contract under pressure. A write never fails for room, whatever readers do, a
 * reader keeping its read open included; a store written hard keeps holding about its capacity's
 * worth instead of emptying itself; one thread's reads of a key never go back to an older version;
 * and a read of an expired entry is a read (it does not queue behind writers).
 *
 * <p>Every loop is bounded by a count and by time; the counts are the constants below.
 */
public interface PressureTck extends TckSuite {

    /** Capacity of the stores this suite fills. */
    long PRESSURE_CAPACITY = 8L << 20;
    /** Writes by the writer while readers read; the run also stops after {@link #PRESSURE_MILLIS}. */
    int PRESSURE_WRITES = 20_000;
    /** Time bound of each concurrent run, in milliseconds. */
    long PRESSURE_MILLIS = 8_000;
    /** Reader threads beside the writer. */
    int PRESSURE_READERS = 3;
    /** Small writes the writer makes while a reader holds its read open. */
    int PINNED_WRITES = 24;
    /** Large writes after the store was filled with small entries. */
    int LARGE_WRITES = 200;
    /** get-then-CAS rounds of the writer in the monotonic-read check. */
    int MONOTONIC_WRITES = 200_000;
    /** Time bound of the monotonic-read check, in milliseconds. */
    long MONOTONIC_MILLIS = 5_000;
    /** How long a read may take while another key's write is held open, in seconds: generous. */
    long READ_WAIT_SECONDS = 20;
    /** How long a read of a live entry may take before the engine counts as one whose reads wait for writes. */
    long LIVE_READ_WAIT_SECONDS = 5;

    /** {@return writes in the pressure check at this kit's intensity: {@link #PRESSURE_WRITES} at standard} */
    default int tckPressureWrites() {
        return tckIntensity().pick(PRESSURE_WRITES / 10, PRESSURE_WRITES, PRESSURE_WRITES * 20);
    }

    /** {@return the pressure check's time bound at this kit's intensity: {@link #PRESSURE_MILLIS} at standard} */
    default long tckPressureMillis() {
        return tckIntensity().pick(PRESSURE_MILLIS / 4, PRESSURE_MILLIS, PRESSURE_MILLIS * 15);
    }

    /** {@return writes in the monotonic-read check at this kit's intensity: {@link #MONOTONIC_WRITES} at standard} */
    default int tckMonotonicWrites() {
        return tckIntensity().pick(MONOTONIC_WRITES / 10, MONOTONIC_WRITES, MONOTONIC_WRITES * 10);
    }

    /** {@return the monotonic-read check's time bound at this kit's intensity: {@link #MONOTONIC_MILLIS} at standard} */
    default long tckMonotonicMillis() {
        return tckIntensity().pick(MONOTONIC_MILLIS / 5, MONOTONIC_MILLIS, MONOTONIC_MILLIS * 12);
    }

    private EngineUnderTest openPressured(long capacity, long maxValueSize) {
        return EngineUnderTest.open(factory(), capacity, maxValueSize, tckSweepInterval());
    }

    @Test
    default void writesNeverFailForRoomUnderConcurrentReadersAndAPinnedRead() throws Exception {
        long maxValue = PRESSURE_CAPACITY / 16;
        try (EngineUnderTest t = openPressured(PRESSURE_CAPACITY, maxValue)) {
            StorageEngine e = t.engine();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicInteger written = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean pinned = new AtomicBoolean();
            AtomicInteger writesWhilePinned = new AtomicInteger();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tckPressureMillis());
            ExecutorService pool = Executors.newFixedThreadPool(PRESSURE_READERS + 2);
            try {
                Future<?> writer = pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(8);
                    for (int i = 0; i < tckPressureWrites() && !stop.get() && System.nanoTime() < deadline; i++) {
                        boolean whilePinned = pinned.get();
                        // Mostly small values, now and then a large one: large values need runs of
                        // free space, which is where a store that misjudges its room runs out.
                        int size = whilePinned || i % 8 != 0 ? 64 + random.nextInt(4096)
                                : (int) (maxValue / 8 + random.nextLong(maxValue - maxValue / 8));
                        try {
                            e.set(Key.of("p" + i), TckValues.pattern(size, i), Expiry.never(), 0);
                        } catch (RuntimeException ex) {
                            failures.add(new AssertionError("write " + i + " of " + size + " bytes"
                                    + (whilePinned ? " while a read was held open" : "") + " failed", ex));
                            return;
                        }
                        written.set(i + 1);
                        if (whilePinned) {
                            writesWhilePinned.incrementAndGet();
                        }
                    }
                });
                for (int r = 0; r < PRESSURE_READERS; r++) {
                    int seed = r;
                    pool.submit(() -> {
                        SplittableRandom random = new SplittableRandom(seed);
                        while (!stop.get()) {
                            int n = written.get();
                            if (n > 0) {
                                e.get(Key.of("p" + (n - 1 - random.nextInt(Math.min(n, 64)))));
                            }
                        }
                        return null;
                    });
                }
                // The pinner keeps a read open while the writer makes a few small writes, again and again.
                Future<?> pinner = pool.submit(() -> {
                    while (!stop.get()) {
                        int n = written.get();
                        if (n == 0) {
                            Thread.onSpinWait();
                            continue;
                        }
                        e.read(Key.of("p" + (n - 1)), view -> {
                            int before = writesWhilePinned.get();
                            pinned.set(true);
                            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                            while (writesWhilePinned.get() - before < PINNED_WRITES && !stop.get()
                                    && System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            pinned.set(false);
                            return null;
                        });
                        int resumeAt = written.get() + 200;
                        while (written.get() < resumeAt && !stop.get()) {
                            Thread.onSpinWait();
                        }
                    }
                    return null;
                });
                writer.get(tckPressureMillis() + 60_000, TimeUnit.MILLISECONDS);
                stop.set(true);
                pinner.get(60, TimeUnit.SECONDS);
            } finally {
                stop.set(true);
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("threads stopped").isTrue();
            }
            assertThat(failures).as("writes that failed (a full engine evicts; it never fails a write for room)")
                    .isEmpty();
            // An engine may make writes wait for an open read (the reference engine does); one that
            // lets them run must still find room for them, which is what the writer checked.
            assertThat(e.stats().entries()).as("entries held after the run").isPositive();
        }
    }

    @Test
    default void aStoreUnderWritePressureKeepsHoldingCloseToItsCapacity() {
        long capacity = PRESSURE_CAPACITY / 2;
        long maxValue = capacity / 8;
        try (EngineUnderTest t = openPressured(capacity, maxValue)) {
            StorageEngine e = t.engine();
            int small = 1024;
            int smallCount = (int) (2 * capacity / small);
            for (int i = 0; i < smallCount; i++) {
                e.set(Key.of("s" + i), TckValues.pattern(small, i), Expiry.never(), 0);
            }
            long beforeLarge = e.stats().entries();
            // A fifth of the capacity in values: room for an engine's per-entry overhead and the
            // headroom its store needs, and far above a store that emptied itself.
            assertThat(beforeLarge).as("small entries held once full").isGreaterThan(capacity / small / 5);
            SplittableRandom random = new SplittableRandom(2);
            long heldSum = 0;
            int counted = 0;
            for (int i = 0; i < LARGE_WRITES; i++) {
                int size = (int) (maxValue / 2 + random.nextLong(maxValue / 2 + 1));
                e.set(Key.of("l" + i), TckValues.pattern(size, i), Expiry.never(), 0);
                long held = e.stats().entries();
                if (i < 2) {
                    // Two large values take at most a quarter of the capacity: most small ones stay.
                    assertThat(held).as("entries held after large write %d (%d before the large writes)", i,
                            beforeLarge).isGreaterThanOrEqualTo(beforeLarge / 4);
                }
                if (i >= 8) {
                    assertThat(held).as("entries held after large write %d of %d bytes in a store of %d",
                            i, size, capacity).isGreaterThanOrEqualTo(2);
                    heldSum += held;
                    counted++;
                }
            }
            // Values average three quarters of maxValue, so capacity / 4 of them is (4/3) * 2 entries.
            double meanHeld = (double) heldSum / counted;
            assertThat(meanHeld * 3 * maxValue / 4).as("value bytes held on average under large writes")
                    .isGreaterThanOrEqualTo(capacity / 4.0);
        }
    }

    @Test
    default void aThreadsSuccessiveReadsOfOneKeyNeverGoBackwards() throws Exception {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("monotonic");
            e.set(key, TckValues.pattern(16, 0), Expiry.never(), 0);
            AtomicBoolean stop = new AtomicBoolean();
            List<String> regressions = new CopyOnWriteArrayList<>();
            AtomicLong reads = new AtomicLong();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tckMonotonicMillis());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> readers = new java.util.ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    int id = r;
                    readers.add(pool.submit(() -> {
                        long last = 0;
                        while (!stop.get()) {
                            Entry entry = e.get(key);
                            reads.incrementAndGet();
                            long v = entry.version();
                            if (v < last && regressions.size() < 20) {
                                regressions.add("reader " + id + ": " + last + " -> " + v);
                            }
                            last = Math.max(last, v);
                        }
                        return null;
                    }));
                }
                Future<?> writer = pool.submit(() -> {
                    for (int i = 0; i < tckMonotonicWrites() && System.nanoTime() < deadline; i++) {
                        Entry current = e.get(key);
                        Outcome o = e.compareAndSet(key, current.version(), TckValues.pattern(16, i),
                                Expiry.never(), 0);
                        assertThat(o.isStored()).as("the only writer's CAS").isTrue();
                    }
                    return null;
                });
                writer.get(tckMonotonicMillis() + 60_000, TimeUnit.MILLISECONDS);
                stop.set(true);
                for (Future<?> reader : readers) {
                    reader.get(60, TimeUnit.SECONDS);
                }
            } finally {
                stop.set(true);
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("threads stopped").isTrue();
            }
            assertThat(reads.get()).isPositive();
            assertThat(regressions).as("reads that returned an older version than the same thread read before")
                    .isEmpty();
        }
    }

    @Test
    default void aReadOfAnExpiredEntryDoesNotWaitForAWriter() throws Exception {
        // No background sweep during the test: the expired entry must still be there when read.
        try (EngineUnderTest t = EngineUnderTest.open(factory(), tckCapacity(), tckMaxValueSize(),
                Duration.ofHours(1))) {
            StorageEngine e = t.engine();
            Key expired = Key.of("expired");
            Key live = Key.of("live");
            Key held = Key.of("held");
            e.set(expired, TckValues.pattern(32, 1), Expiry.after(Duration.ofSeconds(1)), 0);
            e.set(live, TckValues.pattern(32, 2), Expiry.never(), 0);
            t.clock().advance(Duration.ofSeconds(2));
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                // A write of another key that stays open until released.
                Future<?> writer = pool.submit(() -> e.compute(held, current -> {
                    entered.countDown();
                    try {
                        release.await(READ_WAIT_SECONDS * 3, TimeUnit.SECONDS);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    return ComputeAction.keep();
                }));
                assertThat(entered.await(READ_WAIT_SECONDS, TimeUnit.SECONDS)).as("the write started").isTrue();
                Future<Entry> liveRead = pool.submit(() -> e.get(live));
                Entry liveEntry;
                try {
                    liveEntry = liveRead.get(LIVE_READ_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException ex) {
                    // This engine makes every read wait for writes; the property below says nothing more.
                    Assumptions.abort("reads of live entries wait for writes of other keys in this engine");
                    return;
                }
                assertThat(liveEntry).isNotNull();
                Future<Entry> expiredRead = pool.submit(() -> e.get(expired));
                Entry expiredEntry;
                try {
                    expiredEntry = expiredRead.get(READ_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException ex) {
                    throw new AssertionError("a read of an expired entry waited for a write of another key,"
                            + " though a read of a live entry did not: the read wrote");
                }
                assertThat(expiredEntry).isNull();
                release.countDown();
                writer.get(READ_WAIT_SECONDS, TimeUnit.SECONDS);
            } finally {
                release.countDown();
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("threads stopped").isTrue();
            }
        }
    }
}
