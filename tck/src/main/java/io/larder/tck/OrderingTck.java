package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Suite: orders that hold across keys and across a primary's variants while writes run.
 *
 * <ul>
 *   <li>Versions order writes across the whole store: a write that got a lower version took effect
 *       before one that got a higher version, so a read that starts after a write returned never sees
 *       an older version than any lower-versioned write of that key.</li>
 *   <li>{@code invalidate} and {@code variants} see every variant that is live throughout the call,
 *       even while other writes replace it with values of other sizes.</li>
 * </ul>
 *
 * Each check runs until it has done its iterations or its time is up, whichever comes first, and
 * asserts properties of what was observed, never timings.
 */
public interface OrderingTck extends TckSuite {

    /** Value sizes the writers cycle through, so writes grow and shrink stored values. */
    int[] CYCLED_SIZES = {8, 300, 24, 1_500, 64, 4_000};

    /** Writes per writer thread in the cross-key ordering check, by intensity: 20,000, 200,000, 2,000,000. */
    default int tckOrderingWrites() {
        return tckIntensity().pick(20_000, 200_000, 2_000_000);
    }

    /**
     * Calls the observer makes in the {@code invalidate} and {@code variants} checks, by intensity:
     * 5,000, 50,000, 1,000,000.
     */
    default int tckVariantRounds() {
        return tckIntensity().pick(5_000, 50_000, 1_000_000);
    }

    /**
     * Wall-clock bound on each check, so a loaded machine ends it early rather than times out, by
     * intensity: 1 s, 3 s, 30 s.
     */
    default long tckOrderingCheckMillis() {
        return tckIntensity().pick(1_000L, 3_000L, 30_000L);
    }

    /**
     * One thread writes key A over and over (values of varying size); another writes key B and
     * then reads A. If A's writer got version {@code w} while the second thread's write of B got
     * {@code v > w}, A's write took effect before B's, so the read of A that follows must return a
     * version of at least {@code w}. Every such read that returned a lower version is a violation.
     */
    @Test
    default void versionsBecomeVisibleInOrderAcrossKeys() throws Exception {
        int writes = tckOrderingWrites();
        long checkMillis = tckOrderingCheckMillis();
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key a = Key.of("ordering-a");
            Key b = Key.of("ordering-b");
            e.set(a, new byte[1], Expiry.never(), 0);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkMillis);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<long[]> writerOfA = pool.submit(() -> {
                    long[] versions = new long[writes];
                    int n = 0;
                    while (n < writes && !stop.get() && System.nanoTime() < deadline) {
                        versions[n] = e.set(a, new byte[CYCLED_SIZES[n % CYCLED_SIZES.length]], Expiry.never(), 0);
                        n++;
                    }
                    stop.set(true);
                    return Arrays.copyOf(versions, n);
                });
                Future<long[]> writerOfBReaderOfA = pool.submit(() -> {
                    // Pairs: the version B's write got, then the version the read of A saw.
                    long[] pairs = new long[2 * writes];
                    int n = 0;
                    while (n < writes && !stop.get() && System.nanoTime() < deadline) {
                        long written = e.set(b, new byte[CYCLED_SIZES[n % CYCLED_SIZES.length]], Expiry.never(), 0);
                        Entry seen = e.get(a);
                        pairs[2 * n] = written;
                        pairs[2 * n + 1] = seen == null ? 0 : seen.version();
                        n++;
                    }
                    stop.set(true);
                    return Arrays.copyOf(pairs, 2 * n);
                });
                long[] versionsOfA = writerOfA.get(checkMillis + 60_000, TimeUnit.MILLISECONDS);
                long[] pairs = writerOfBReaderOfA.get(checkMillis + 60_000, TimeUnit.MILLISECONDS);
                assertThat(versionsOfA).as("one writer's versions of one key").isSorted();
                int violations = 0;
                String first = null;
                for (int i = 0; i < pairs.length; i += 2) {
                    long writtenB = pairs[i];
                    long seenA = pairs[i + 1];
                    // The first write of A with a version above what was seen: if it is below B's
                    // version, the read missed a write ordered before one that had returned.
                    int next = Arrays.binarySearch(versionsOfA, seenA + 1);
                    int at = next >= 0 ? next : -next - 1;
                    if (at < versionsOfA.length && versionsOfA[at] < writtenB) {
                        violations++;
                        if (first == null) {
                            first = "set(B) returned " + writtenB + ", then get(A) returned " + seenA
                                    + " though set(A) had been given " + versionsOfA[at];
                        }
                    }
                }
                assertThat(violations).as("reads that saw a version older than a lower-versioned write of the "
                        + "key (out of %d); first: %s", pairs.length / 2, first).isZero();
            } finally {
                stop.set(true);
                pool.shutdownNow();
                pool.awaitTermination(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A variant written before {@code invalidate} starts and not removed by anyone else is live
     * throughout the call, so {@code invalidate} must count it, whatever size changes a concurrent
     * writer makes to it.
     */
    @Test
    default void invalidateCountsAVariantLiveThroughoutWhileItIsRewritten() throws Exception {
        int variantRounds = tckVariantRounds();
        long checkMillis = tckOrderingCheckMillis();
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            byte[] primary = "/ordering/invalidate".getBytes(StandardCharsets.UTF_8);
            Key key = Key.of(primary, Variant.of("lang", "fr"));
            AtomicLong started = new AtomicLong();
            AtomicLong completed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkMillis);
            ExecutorService pool = Executors.newFixedThreadPool(1);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        started.incrementAndGet();
                        e.set(key, new byte[CYCLED_SIZES[i % CYCLED_SIZES.length]], Expiry.never(), 0);
                        completed.incrementAndGet();
                    }
                    return null;
                });
                int misses = 0;
                int checked = 0;
                for (int round = 0; round < variantRounds && System.nanoTime() < deadline; round++) {
                    // Wait for a write that began after the previous invalidate returned to complete:
                    // then the variant is live, and stays live until this invalidate removes it.
                    long mark = started.get();
                    while (completed.get() <= mark && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    if (completed.get() <= mark) {
                        break;
                    }
                    checked++;
                    if (e.invalidate(primary) != 1) {
                        misses++;
                    }
                }
                stop.set(true);
                writer.get(60, TimeUnit.SECONDS);
                assertThat(misses).as("invalidate calls that missed a variant live throughout (of %d checked)",
                        checked).isZero();
            } finally {
                stop.set(true);
                pool.shutdownNow();
                pool.awaitTermination(60, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code variants} lists a variant that stays live while a concurrent writer resizes it. */
    @Test
    default void variantsListsAVariantLiveThroughoutWhileItIsRewritten() throws Exception {
        int variantRounds = tckVariantRounds();
        long checkMillis = tckOrderingCheckMillis();
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            byte[] primary = "/ordering/variants".getBytes(StandardCharsets.UTF_8);
            Variant fr = Variant.of("lang", "fr");
            Key key = Key.of(primary, fr);
            e.set(key, new byte[1], Expiry.never(), 0);
            e.set(Key.of(primary, Variant.of("lang", "de")), new byte[1], Expiry.never(), 0);
            AtomicBoolean stop = new AtomicBoolean();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkMillis);
            ExecutorService pool = Executors.newFixedThreadPool(1);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        e.set(key, new byte[CYCLED_SIZES[i % CYCLED_SIZES.length]], Expiry.never(), 0);
                    }
                    return null;
                });
                int misses = 0;
                int rounds = 0;
                List<Variant> firstMiss = new ArrayList<>();
                for (; rounds < variantRounds && System.nanoTime() < deadline; rounds++) {
                    List<Variant> listed = e.variants(primary);
                    if (!listed.contains(fr)) {
                        if (misses++ == 0) {
                            firstMiss.addAll(listed);
                        }
                    }
                }
                stop.set(true);
                writer.get(60, TimeUnit.SECONDS);
                assertThat(misses).as("variants calls (of %d) that left out a variant live throughout; first "
                        + "listed only %s", rounds, firstMiss).isZero();
            } finally {
                stop.set(true);
                pool.shutdownNow();
                pool.awaitTermination(60, TimeUnit.SECONDS);
            }
        }
    }
}
