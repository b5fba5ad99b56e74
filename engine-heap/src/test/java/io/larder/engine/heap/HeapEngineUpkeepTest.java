package io.larder.engine.heap;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Clock;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.ManualClock;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The heap engine's upkeep: versions across restarts, a sweeper that survives failures, stats, logging. */
class HeapEngineUpkeepTest {

    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger("io.larder.engine.heap");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level levelBefore;

    @BeforeEach
    void captureTheLog() {
        // Captured rather than printed: a green build stays quiet, and the test sees what was logged.
        levelBefore = log.getLevel();
        log.setLevel(Level.ALL);
        log.setUseParentHandlers(false);
        log.addHandler(capture);
    }

    @AfterEach
    void releaseTheLog() {
        log.removeHandler(capture);
        log.setUseParentHandlers(true);
        log.setLevel(levelBefore);
    }

    private static StorageEngine open(Clock clock, String sweepInterval) {
        return Larder.open(EngineConfig.of("heap", Map.of("capacity", "2m", "sweepInterval", sweepInterval))
                .withClock(clock));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void versionsNeverRepeatAcrossRestartsOfTheProcess() {
        ManualClock clock = new ManualClock();
        long first;
        try (StorageEngine e = open(clock, "1h")) {
            first = e.set(Key.of("/page"), bytes("before the restart"));
        }
        clock.advanceMillis(1);
        try (StorageEngine e = open(clock, "1h")) {
            long second = e.set(Key.of("/page"), bytes("after the restart"));
            assertThat(second).as("the first version after a restart, against %d before it", first)
                    .isGreaterThan(first);
        }
    }

    @Test
    void theSweeperSurvivesAFailureLogsAndCountsItAndStillReclaims() throws Exception {
        ManualClock manual = new ManualClock();
        AtomicBoolean failNext = new AtomicBoolean();
        Clock clock = () -> {
            if (failNext.compareAndSet(true, false)) {
                throw new IllegalStateException("clock failed once");
            }
            return manual.millis();
        };
        try (StorageEngine e = open(clock, "5ms")) {
            for (int i = 0; i < 100; i++) {
                e.set(Key.of("/expiring/" + i), bytes("v"), Expiry.after(Duration.ofSeconds(1)), 0);
            }
            // Only the sweeper reads the clock from here on (stats does not), so it takes the failure.
            failNext.set(true);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (failNext.get() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(failNext).as("the sweeper read the failing clock").isFalse();
            manual.advance(Duration.ofSeconds(2));
            EngineStats stats = e.stats();
            while (stats.entries() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
                stats = e.stats();
            }
            assertThat(stats.entries()).as("entries left after one failed sweep").isZero();
            assertThat(stats.expirations()).isEqualTo(100);
            assertThat(stats.backgroundFailures()).isEqualTo(1);
        }
        synchronized (logged) {
            assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING)
                    .anySatisfy(r -> assertThat(r.getThrown()).hasMessage("clock failed once"));
        }
    }

    @Test
    void statsAfterCloseAreTheLastFigures() {
        StorageEngine e = open(new ManualClock(), "1h");
        e.set(Key.of("/a"), bytes("1"));
        e.get(Key.of("/a"));
        e.get(Key.of("/missing"));
        EngineStats before = e.stats();
        e.close();
        EngineStats after = e.stats();
        assertThat(after).isEqualTo(before);
        assertThat(after.hits()).isEqualTo(1);
    }

    @Test
    void statsCountWritesDeletesAndInvalidations() {
        try (StorageEngine e = open(new ManualClock(), "1h")) {
            e.set(Key.of("/a"), bytes("1"));
            e.set(Key.of("/a", Variant.of("lang", "fr")), bytes("2"));
            e.set(Key.of("/b"), bytes("3"));
            e.add(Key.of("/b"), bytes("refused"), Expiry.never(), 0);
            e.increment(Key.of("/b"), 1);
            e.delete(Key.of("/b"));
            e.delete(Key.of("/b"));
            e.invalidate("/a");
            e.set(Key.of("/c"), bytes("4"));
            e.clear();
            EngineStats stats = e.stats();
            assertThat(stats.writes()).as("writes").isEqualTo(5);
            assertThat(stats.deletes()).as("deletes").isEqualTo(1);
            assertThat(stats.invalidations()).as("invalidations").isEqualTo(3);
            assertThat(stats.backgroundFailures()).isZero();
        }
    }

    @Test
    void openAndCloseAreLoggedAtDebugWithTheSettings() {
        open(new ManualClock(), "250ms").close();
        synchronized (logged) {
            assertThat(logged).filteredOn(r -> r.getLevel() == Level.FINE).extracting(LogRecord::getMessage)
                    .anySatisfy(m -> assertThat(m).contains("opened").contains("capacity 2097152")
                            .contains("sweepInterval PT0.25S"))
                    .anySatisfy(m -> assertThat(m).contains("closed"));
            assertThat(logged).allSatisfy(r -> assertThat(r.getLevel().intValue()).isLessThan(Level.INFO.intValue()));
        }
    }
}
