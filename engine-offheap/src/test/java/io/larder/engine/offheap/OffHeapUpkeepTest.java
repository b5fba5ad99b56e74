package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.Clock;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.ManualClock;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's upkeep: what the sweeper costs and survives, how expirations, writes, deletes and
 * invalidations are counted, where versions start, and the figures after close.
 */
@Timeout(120)
class OffHeapUpkeepTest {

    /** Entries that never expire, which a sweep must not have to look at. */
    private static final int STORED = 20_000;
    /** Entries that expire, which a sweep does look at. */
    private static final int EXPIRING = 10;
    /** Bound on polls while waiting for the background sweeper. */
    private static final int POLLS = 1_000;

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final List<StorageEngine> opened = new ArrayList<>();

    private StorageEngine open(String options, Clock withClock) {
        StorageEngine engine = Larder.open(EngineConfig.parse("offheap:?" + options).withClock(withClock));
        opened.add(engine);
        return engine;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(StorageEngine::close);
    }

    @Test
    void aSweepExaminesWhatExpiresNotWhatIsStored() {
        OffHeapEngine engine = (OffHeapEngine) open("capacity=32m&maxValueSize=4k&averageValueSize=64"
                + "&sweepInterval=1h", clock);
        for (int i = 0; i < STORED; i++) {
            engine.set(Key.of("/stored/" + i), new byte[16], Expiry.never(), 0);
        }
        for (int i = 0; i < EXPIRING; i++) {
            engine.set(Key.of("/expiring/" + i), new byte[16], Expiry.afterMillis(1_000), 0);
        }
        clock.advanceMillis(2_000);
        long examinedBefore = engine.stats().engineSpecific().get("sweepExamined");
        assertThat(engine.sweepExpired()).isEqualTo(EXPIRING);
        long examined = engine.stats().engineSpecific().get("sweepExamined") - examinedBefore;
        assertThat(examined).as("entries a sweep examined with %d stored and %d expired", STORED + EXPIRING,
                EXPIRING).isLessThanOrEqualTo(EXPIRING * 2L);
        assertThat(engine.stats().entries()).isEqualTo(STORED);
        // Nothing due: a further sweep examines nothing.
        long again = engine.stats().engineSpecific().get("sweepExamined");
        assertThat(engine.sweepExpired()).isZero();
        assertThat(engine.stats().engineSpecific().get("sweepExamined")).isEqualTo(again);
    }

    @Test
    void anEntryRewrittenWithALaterExpiryIsNotSweptAtTheEarlierOne() {
        OffHeapEngine engine = (OffHeapEngine) open("capacity=16m&maxValueSize=4k&sweepInterval=1h", clock);
        Key key = Key.of("/moved", Variant.of("lang", "fr"));
        engine.set(key, new byte[8], Expiry.afterMillis(1_000), 0);
        engine.set(key, new byte[800], Expiry.afterMillis(10_000), 0);
        engine.touch(Key.of("/absent"), Expiry.afterMillis(5));
        clock.advanceMillis(2_000);
        assertThat(engine.sweepExpired()).isZero();
        assertThat(engine.get(key)).isNotNull();
        engine.touch(key, Expiry.afterMillis(1_000));
        clock.advanceMillis(1_500);
        assertThat(engine.sweepExpired()).isEqualTo(1);
        assertThat(engine.variants("/moved")).isEmpty();
    }

    @Test
    void aSetOverAnExpiredEntryCountsAnExpiration() {
        StorageEngine engine = open("capacity=16m&maxValueSize=4k&sweepInterval=1h", clock);
        engine.set(Key.of("/a"), new byte[10], Expiry.afterMillis(1_000), 0);
        engine.set(Key.of("/b"), new byte[10], Expiry.afterMillis(1_000), 0);
        clock.advanceMillis(2_000);
        engine.set(Key.of("/a"), new byte[10], Expiry.never(), 0); // same size: written in place
        engine.set(Key.of("/b"), new byte[500], Expiry.never(), 0); // larger: reinserted
        assertThat(engine.stats().expirations()).isEqualTo(2);
    }

    @Test
    void statsCountWritesDeletesAndInvalidations() {
        StorageEngine engine = open("capacity=16m&maxValueSize=4k&sweepInterval=1h", clock);
        engine.set(Key.of("/p", Variant.of("lang", "fr")), new byte[10], Expiry.never(), 0);
        engine.set(Key.of("/p", Variant.of("lang", "de")), new byte[10], Expiry.never(), 0);
        engine.set(Key.of("/p"), new byte[10], Expiry.never(), 0);
        engine.set(Key.of("/q"), new byte[10], Expiry.never(), 0);
        engine.set(Key.of("/q"), new byte[20], Expiry.never(), 0);
        engine.set(Key.of("/n"), "5".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Expiry.never(), 0);
        engine.increment(Key.of("/n"), 1);
        engine.add(Key.of("/q"), new byte[1], Expiry.never(), 0); // refused: not a write
        engine.delete(Key.of("/q"));
        engine.delete(Key.of("/q")); // nothing there: not a delete
        assertThat(engine.invalidate("/p")).isEqualTo(3);
        engine.set(Key.of("/r"), new byte[10], Expiry.never(), 0);
        engine.clear();
        EngineStats stats = engine.stats();
        assertThat(stats.writes()).isEqualTo(8);
        assertThat(stats.deletes()).isEqualTo(1);
        assertThat(stats.invalidations()).as("three by invalidate, two (/n, /r) by clear").isEqualTo(5);
    }

    @Test
    void versionsNeverRepeatAcrossOpens() {
        long highest = 0;
        for (int open = 0; open < 3; open++) {
            StorageEngine engine = open("capacity=8m&maxValueSize=4k&sweepInterval=1h", clock);
            long first = engine.set(Key.of("/v"), new byte[1], Expiry.never(), 0);
            assertThat(first).as("first version of open %d", open).isGreaterThan(highest);
            for (int i = 0; i < 100; i++) {
                highest = engine.set(Key.of("/v" + i), new byte[1], Expiry.never(), 0);
            }
            engine.close();
            clock.advanceMillis(1);
        }
    }

    /**
     * An open that fails (here: a clock before 1970, which versions cannot be seeded from) throws
     * and leaves nothing behind: Chronicle's off-heap memory, which it counts, is back where it was.
     */
    @Test
    void aFailedOpenThrowsAndLeaksNoOffHeapMemory() {
        Clock beforeTheEpoch = () -> -1L;
        net.openhft.chronicle.core.Memory memory = net.openhft.chronicle.core.OS.memory();
        // One open and close first, so Chronicle's own once-per-JVM allocations are not counted.
        open("capacity=16m&maxValueSize=4k&sweepInterval=1h", clock).close();
        long before = memory.nativeMemoryUsed();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> open("capacity=16m&maxValueSize=4k&sweepInterval=1h", beforeTheEpoch))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("the clock reads -1");
        }
        assertThat(memory.nativeMemoryUsed() - before).as("off-heap bytes left behind by 20 failed opens")
                .isLessThan(1L << 20);
    }

    /**
     * A pass that fails after taking a segment's due keys from the expiry index puts back those it
     * had not looked at, so the next pass reclaims them. The failure is real: a compute holds the
     * segment's lock, and Chronicle gives up waiting for it (after a second, set for this test).
     */
    @Test
    void keysAFailedPassHadNotLookedAtAreReclaimedByTheNext() throws InterruptedException {
        OffHeapEngine engine = (OffHeapEngine) open("capacity=1m&maxValueSize=128k&sweepInterval=1h", clock);
        assertThat(engine.sizing().segments()).as("one segment: the held lock is the expiring keys' one").isEqualTo(1);
        for (int i = 0; i < EXPIRING; i++) {
            engine.set(Key.of("/e" + i), new byte[10], Expiry.afterMillis(1_000), 0);
        }
        clock.advanceMillis(2_000);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> engine.compute(Key.of("/held"), current -> {
            holding.countDown();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return io.larder.spi.ComputeAction.keep();
        }), "lock-holder");
        int timeout = net.openhft.chronicle.hash.impl.BigSegmentHeader.LOCK_TIMEOUT_SECONDS;
        net.openhft.chronicle.hash.impl.BigSegmentHeader.LOCK_TIMEOUT_SECONDS = 1;
        try {
            holder.start();
            assertThat(holding.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(engine::sweepExpired).as("a pass that cannot lock the segment")
                    .isInstanceOf(net.openhft.chronicle.hash.locks.InterProcessDeadLockException.class);
        } finally {
            release.countDown();
            holder.join(60_000);
            net.openhft.chronicle.hash.impl.BigSegmentHeader.LOCK_TIMEOUT_SECONDS = timeout;
        }
        assertThat(engine.stats().entries()).isEqualTo(EXPIRING);
        assertThat(engine.sweepExpired()).as("reclaimed by the pass after the failed one").isEqualTo(EXPIRING);
        assertThat(engine.stats().entries()).isZero();
        assertThat(engine.stats().expirations()).isEqualTo(EXPIRING);
    }

    @Test
    void statsAfterCloseReturnTheLastFigures() {
        StorageEngine engine = open("capacity=8m&maxValueSize=4k&sweepInterval=1h", clock);
        engine.set(Key.of("/a"), new byte[10], Expiry.never(), 0);
        engine.get(Key.of("/a"));
        engine.get(Key.of("/none"));
        engine.close();
        EngineStats stats = engine.stats();
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.writes()).isEqualTo(1);
    }

    @Test
    void theSweeperSurvivesFailuresCountsThemAndKeepsReclaiming() throws InterruptedException {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        Clock failingInSweeper = () -> {
            if (Thread.currentThread().getName().endsWith("-sweeper") && failuresLeft.getAndUpdate(
                    n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("clock unavailable (a failure the test injects)");
            }
            return clock.millis();
        };
        // The failures are logged as warnings: keep them out of the build's output.
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.larder.engine.offheap");
        java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.OFF);
        try {
            sweepThroughFailures(failuresLeft, failingInSweeper);
        } finally {
            log.setLevel(level);
        }
    }

    private void sweepThroughFailures(AtomicInteger failuresLeft, Clock failingInSweeper) throws InterruptedException {
        StorageEngine engine = open("capacity=8m&maxValueSize=4k&sweepInterval=5ms", failingInSweeper);
        for (int i = 0; i < 100; i++) {
            engine.set(Key.of("/e" + i), new byte[10], Expiry.afterMillis(1_000), 0);
        }
        clock.advanceMillis(2_000);
        for (int i = 0; i < POLLS && engine.stats().entries() > 0; i++) {
            Thread.sleep(10);
        }
        EngineStats stats = engine.stats();
        assertThat(stats.entries()).as("expired entries left after the sweeper failed").isZero();
        assertThat(stats.expirations()).isEqualTo(100);
        assertThat(stats.backgroundFailures()).isEqualTo(3);
    }
}
