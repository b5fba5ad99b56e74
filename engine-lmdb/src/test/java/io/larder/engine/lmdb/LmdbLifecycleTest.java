package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.larder.spi.Clock;
import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.LarderException;
import io.larder.spi.ManualClock;
import io.larder.spi.Variant;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/** Open, close, background work and durability. */
class LmdbLifecycleTest {

    /** Open, write, close cycles from an interrupted thread. */
    static final int INTERRUPTED_CLOSE_CYCLES = 300;

    @TempDir
    Path dir;

    /** The engine's log, kept here instead of the console, so the tests can check what it says. */
    final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger("io.larder.engine.lmdb");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        log.addHandler(capture);
        log.setUseParentHandlers(false);
    }

    @AfterEach
    void releaseLog() {
        log.removeHandler(capture);
        log.setUseParentHandlers(true);
    }

    /** Whether a record at {@code level} or above mentions {@code text}; waits a little, as logging follows counting. */
    private boolean loggedAt(Level level, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!anyLoggedAt(level, text) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return anyLoggedAt(level, text);
    }

    private boolean anyLoggedAt(Level level, String text) {
        return logged.stream().anyMatch(r -> r.getLevel().intValue() >= level.intValue()
                && (r.getMessage().contains(text) || (r.getThrown() != null
                        && String.valueOf(r.getThrown().getMessage()).contains(text))));
    }

    @Test
    void closeFromAnInterruptedThreadWhileTheSweeperRunsNeverCrashes() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process child = Children.start(lines, CrashProbe.class, "interruptedClose", dir.toString(),
                Integer.toString(INTERRUPTED_CLOSE_CYCLES));
        assertThat(child.waitFor(300, TimeUnit.SECONDS)).as("child finished: %s", lines).isTrue();
        assertThat(child.exitValue()).as("child exit status (134 is SIGSEGV): %s", lines).isZero();
        assertThat(lines).contains("DONE " + INTERRUPTED_CLOSE_CYCLES + " cycles, interrupt flag kept in "
                + INTERRUPTED_CLOSE_CYCLES);
    }

    @Test
    void aStoreOpenInThisJvmIsNotOpenedTwiceAndOpensAgainAfterClose() {
        LmdbEngine first = Stores.open(dir, new ManualClock());
        try {
            assertThatThrownBy(() -> Stores.open(dir, new ManualClock()).close())
                    .isInstanceOf(LarderException.class)
                    .hasMessageContaining("already open");
        } finally {
            first.close();
        }
        Stores.open(dir, new ManualClock()).close();
    }

    @Test
    void aCloseThatGivesUpOnAReaderKeepsTheStoreFromBeingOpenedAgainUntilTheReaderReturns() throws Exception {
        LmdbEngine engine = Stores.open(dir, new ManualClock());
        engine.set(Key.of("k"), new byte[8]);
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread reader = new Thread(() -> engine.read(Key.of("k"), view -> {
            inRead.countDown();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        reader.start();
        try {
            assertThat(inRead.await(30, TimeUnit.SECONDS)).isTrue();
            engine.close(); // gives up waiting for the reader
            assertThat(loggedAt(Level.WARNING, "has not returned")).as("the wait was logged").isTrue();
            assertThatThrownBy(() -> Stores.open(dir, new ManualClock()).close())
                    .isInstanceOf(LarderException.class)
                    .hasMessageContaining("already open");
        } finally {
            release.countDown();
            reader.join(30_000);
        }
        Stores.open(dir, new ManualClock()).close();
    }

    @Test
    void aReaderWhoseRenewFailsIsNotLost() {
        Env<ByteBuffer> env = Env.create(FlagFreeBufferProxy.INSTANCE).setMapSize(1 << 20).setMaxReaders(4)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS);
        try {
            ReaderPool pool = new ReaderPool(env, "lmdb", 4);
            // More failed renews than the pool has places: a pool that loses them waits forever here.
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 6; i++) {
                    Reader r = pool.acquire();
                    pool.release(r);
                    r.txn.renew(); // the next renew of this reader fails
                    try {
                        pool.release(pool.acquire());
                    } catch (RuntimeException expected) {
                        // a failed renew may surface, once
                    }
                }
                pool.release(pool.acquire());
            }, "reads after readers failed to renew");
            pool.close(1, TimeUnit.SECONDS, () -> { });
        } finally {
            env.close();
        }
    }

    @Test
    void statsAfterCloseReturnTheLastFiguresAndCountEveryKindOfRemoval() {
        LmdbEngine engine = Stores.open(dir, new ManualClock());
        engine.set(Key.of("a"), new byte[8]);
        engine.set(Key.of("b"), new byte[8]);
        engine.set(Key.of("p", Variant.of("lang", "fr")), new byte[8]);
        engine.set(Key.of("p", Variant.of("lang", "de")), new byte[8]);
        engine.delete(Key.of("a"));
        engine.invalidate("p");
        engine.get(Key.of("b"));
        EngineStats open = engine.stats();
        assertThat(open.writes()).isEqualTo(4);
        assertThat(open.deletes()).isEqualTo(1);
        assertThat(open.invalidations()).isEqualTo(2);
        engine.close();
        EngineStats closed = engine.stats();
        assertThat(closed.entries()).isEqualTo(1);
        assertThat(closed.hits()).isEqualTo(1);
        assertThat(closed.writes()).isEqualTo(4);
    }

    @Test
    void versionsStartAboveTheClockSoTheyNeverRepeatAfterTheStoreIsDeleted() {
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        long first;
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            first = engine.set(Key.of("k"), new byte[1]);
        }
        assertThat(first).isGreaterThan(clock.millis() << io.larder.spi.Versions.TICK_BITS);
    }

    @Test
    void withSyncOffVersionsAreReservedAheadSoALostTailNeverReissuesThem() {
        ManualClock clock = new ManualClock(1);
        long highest = 0;
        try (LmdbEngine engine = Stores.open(dir, clock, "sync", "false")) {
            for (int i = 0; i < 100; i++) {
                highest = engine.set(Key.of("k" + i), new byte[1]);
            }
        }
        // What a power loss leaves when the flushed state predates the last writes: an older counter.
        Env<ByteBuffer> env = Env.create(FlagFreeBufferProxy.INSTANCE).setMapSize(1 << 30).setMaxDbs(4)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS);
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            Dbi<ByteBuffer> meta = env.openDbi(txn, "meta".getBytes(), null, false);
            ByteBuffer key = ByteBuffer.allocateDirect(11).put("lastVersion".getBytes()).flip();
            meta.put(txn, key, ByteBuffer.allocateDirect(8).putLong(0, 50));
            txn.commit();
        } finally {
            env.close();
        }
        try (LmdbEngine engine = Stores.open(dir, clock, "sync", "false")) {
            assertThat(engine.set(Key.of("after"), new byte[1])).as("first version after the lost tail")
                    .isGreaterThan(highest);
        }
    }

    @Test
    void theSweeperSurvivesFailuresCountsThemAndKeepsSweeping() throws Exception {
        ManualClock time = new ManualClock();
        AtomicBoolean failing = new AtomicBoolean();
        Clock clock = () -> {
            if (failing.get() && Thread.currentThread().getName().contains("lmdb")) {
                throw new IllegalStateException("clock failure for the test");
            }
            return time.millis();
        };
        try (LmdbEngine engine = Stores.open(dir, clock, "sweepInterval", "5ms")) {
            failing.set(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.stats().backgroundFailures() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(engine.stats().backgroundFailures()).as("sweeps that failed").isPositive();
            assertThat(loggedAt(Level.WARNING, "clock failure for the test")).as("the failure was logged").isTrue();
            failing.set(false);
            engine.set(Key.of("short"), new byte[1], Expiry.after(Duration.ofSeconds(1)), 0);
            time.advance(Duration.ofSeconds(2));
            while (engine.stats().entries() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(engine.stats().entries()).as("entries after the sweeper recovered").isZero();
        }
    }

    @Test
    void aFailedFlushFailsTheNextWriteUntilAFlushSucceeds() throws Exception {
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "sync", "false", "syncInterval", "5ms")) {
            engine.set(Key.of("before"), new byte[1]);
            engine.injectFlushFailure(new UncheckedIOException(new java.io.IOException("disk gone")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.stats().backgroundFailures() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(engine.stats().backgroundFailures()).isPositive();
            assertThat(loggedAt(Level.WARNING, "disk gone")).as("the failure was logged").isTrue();
            assertThatThrownBy(() -> engine.set(Key.of("during"), new byte[1]))
                    .isInstanceOf(LarderException.class)
                    .hasMessageContaining("flush");
            assertThat(engine.get(Key.of("before"))).as("reads go on").isNotNull();
            engine.injectFlushFailure(null);
            while (System.nanoTime() < deadline) {
                try {
                    engine.set(Key.of("after"), new byte[1]);
                    break;
                } catch (LarderException stillFailing) {
                    Thread.sleep(5);
                }
            }
            assertThat(engine.get(Key.of("after"))).as("writes resume once a flush succeeds").isNotNull();
        }
    }
}
