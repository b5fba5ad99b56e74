package io.larder.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class BackgroundTaskTest {

    private static final System.Logger LOG = System.getLogger("io.larder.spi.internal.BackgroundTaskTest");
    private static final Duration PERIOD = Duration.ofMillis(200);
    /** About 1 s at a 200 ms period is 5 runs; the bound leaves room for a slow box, not for a spin. */
    private static final long MAX_RUNS_IN_ONE_SECOND = 8;

    @Test
    void anInterruptedThreadKeepsItsPeriodInsteadOfSpinning() throws InterruptedException {
        AtomicLong runs = new AtomicLong();
        // Work that leaves the interrupt flag set, as an interrupted library call might.
        try (BackgroundTask task = BackgroundTask.start("interrupted-upkeep", PERIOD, () -> {
            runs.incrementAndGet();
            Thread.currentThread().interrupt();
        }, LOG)) {
            awaitRuns(runs, 1);
            long before = runs.get();
            Thread.sleep(1_000);
            assertThat(runs.get() - before)
                    .as("runs in about 1 s at a 200 ms period after the thread was interrupted")
                    .isLessThanOrEqualTo(MAX_RUNS_IN_ONE_SECOND);
            assertThat(task.failures()).as("failures of work that never throws").isZero();
        }
    }

    @Test
    void wakeupsBeforeThePeriodDoNotRunTheWorkEarly() throws InterruptedException {
        AtomicLong runs = new AtomicLong();
        AtomicReference<Thread> worker = new AtomicReference<>();
        try (BackgroundTask task = BackgroundTask.start("woken-upkeep", PERIOD, () -> {
            worker.set(Thread.currentThread());
            runs.incrementAndGet();
        }, LOG)) {
            awaitRuns(runs, 1);
            long before = runs.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() - deadline < 0) {
                // An unpark is what a spurious wakeup looks like to the parked thread.
                LockSupport.unpark(worker.get());
                Thread.sleep(1);
            }
            assertThat(runs.get() - before)
                    .as("runs in about 1 s at a 200 ms period while the thread was woken every millisecond")
                    .isLessThanOrEqualTo(MAX_RUNS_IN_ONE_SECOND);
            assertThat(task.failures()).as("failures of work that never throws").isZero();
        }
    }

    @Test
    void closeWakesAParkedTaskAtOnce() {
        AtomicLong runs = new AtomicLong();
        BackgroundTask task = BackgroundTask.start("long-period", Duration.ofHours(1), runs::incrementAndGet, LOG);
        long start = System.nanoTime();
        task.close();
        // Bounded far below the hour-long period: close must not wait for the next run.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        assertThat(runs.get()).isZero();
    }

    private static void awaitRuns(AtomicLong runs, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (runs.get() < atLeast && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(runs.get()).as("runs within 30 s").isGreaterThanOrEqualTo(atLeast);
    }
}
