package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.Outcome.Status;
import io.larder.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Suite 3: per-key linearizability of random concurrent histories, checked by
 * {@link LinearizabilityChecker}, and the classic races: no lost CAS update, one winner per
 * {@code add}, no torn reads, no gap while a live key is refreshed.
 */
public interface ConcurrencyTck extends TckSuite {

    /**
     * Reads each reader must have made before a check of readers against a writer ends: the writer
     * keeps going until then (or a time bound), so a starved reader cannot pass the check unseen.
     */
    int MIN_READS_PER_READER = 100;

    /** Threads the races use. */
    default int tckThreads() {
        return 4;
    }

    /** Rounds of random concurrent histories, by intensity: 60, 1,000, 20,000. */
    default int tckHistoryRounds() {
        return tckIntensity().pick(60, 1000, 20_000);
    }

    /** Threads per history, by intensity: 4, 4, 8. */
    default int tckHistoryThreads() {
        return tckIntensity().pick(4, 4, 8);
    }

    @Test
    default void randomConcurrentHistoriesAreLinearizablePerKey() throws Exception {
        long seed = tckSeed();
        int threads = tckHistoryThreads();
        int keys = tckIntensity().pick(2, 2, 3);
        // About a dozen operations per key: enough to interleave, few enough for the exhaustive check.
        int opsPerThread = Math.max(3, 12 * keys / threads);
        long start = System.nanoTime();
        try (EngineUnderTest t = openEngine()) {
            long checked = ConcurrentHistories.run(t.engine(), seed, tckIntensity().setting(),
                    tckHistoryRounds(), threads, keys, opsPerThread);
            System.getLogger("io.larder.tck").log(System.Logger.Level.DEBUG, () -> getClass().getSimpleName() + ": "
                    + checked + " concurrent histories checked, " + threads + " threads, seed " + seed + ", "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    default void threadsIncrementingACounterWithCasLoseNoUpdate() throws Exception {
        int perThread = 300;
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key counter = Key.of("cas-counter");
            e.set(counter, bytes("0"));
            Set<Long> versions = ConcurrentHashMap.newKeySet();
            runConcurrently(tckThreads(), thread -> {
                for (int i = 0; i < perThread; i++) {
                    while (true) {
                        Entry current = e.get(counter);
                        long next = Long.parseLong(current.valueAsString()) + 1;
                        Outcome o = e.compareAndSet(counter, current.version(), number(next), Expiry.never(), 0);
                        if (o.isStored()) {
                            assertThat(versions.add(o.version())).as("version %d handed out twice", o.version())
                                    .isTrue();
                            break;
                        }
                        assertThat(o.status()).isEqualTo(Status.EXISTS);
                    }
                }
            });
            assertThat(e.get(counter).valueAsString()).isEqualTo(Integer.toString(tckThreads() * perThread));
        }
    }

    @Test
    default void concurrentIncrementsAreExact() throws Exception {
        int perThread = 500;
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key counter = Key.of("incr-counter");
            e.set(counter, bytes("0"));
            runConcurrently(tckThreads(), thread -> {
                for (int i = 0; i < perThread; i++) {
                    assertThat(e.increment(counter, 1).found()).isTrue();
                }
            });
            assertThat(e.get(counter).valueAsString()).isEqualTo(Integer.toString(tckThreads() * perThread));
        }
    }

    @Test
    default void concurrentAddHasExactlyOneWinner() throws Exception {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            for (int round = 0; round < 50; round++) {
                Key key = Key.of("add-race-" + round);
                List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
                runConcurrently(tckThreads(), thread ->
                        outcomes.add(e.add(key, bytes("t" + thread), Expiry.never(), 0)));
                List<Outcome> stored = outcomes.stream().filter(Outcome::isStored).toList();
                assertThat(stored).as("round %d: %s", round, outcomes).hasSize(1);
                long winner = stored.get(0).version();
                assertThat(outcomes).filteredOn(o -> !o.isStored()).allSatisfy(o ->
                        assertThat(o).isEqualTo(Outcome.exists(winner)));
                assertThat(e.get(key).version()).isEqualTo(winner);
            }
        }
    }

    @Test
    default void readersNeverSeeATornValue() throws Exception {
        int size = (int) Math.min(16_384, tckMaxValueSize());
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("torn");
            e.set(key, TckValues.uniform(size, (byte) 0));
            AtomicBoolean writing = new AtomicBoolean(true);
            ReadCounts reads = new ReadCounts(2);
            int writes = 3000;
            runConcurrently(1 + reads.readers(), thread -> {
                if (thread == 0) {
                    try {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        for (int i = 1; i <= writes || reads.tooFew() && System.nanoTime() < deadline; i++) {
                            e.set(key, TckValues.uniform(size - (i % 2), (byte) i), Expiry.never(), i);
                        }
                    } finally {
                        writing.set(false);
                    }
                    return;
                }
                try {
                    while (writing.get() && !Thread.currentThread().isInterrupted()) {
                        Entry entry = e.get(key);
                        assertUniform(entry.value(), entry.flags());
                        e.read(key, view -> {
                            byte[] copy = new byte[view.valueLength()];
                            view.value().get(copy);
                            assertUniform(copy, view.flags());
                            return null;
                        });
                        reads.count(thread - 1);
                    }
                } finally {
                    reads.ended();
                }
            });
            reads.assertEnough("the torn-read check, " + writes + " or more writes");
        }
    }

    private static void assertUniform(byte[] value, int flags) {
        for (int i = 1; i < value.length; i++) {
            if (value[i] != value[0]) {
                throw new AssertionError("torn value: byte " + i + " is " + value[i] + ", byte 0 is " + value[0]);
            }
        }
        if (flags != 0 && value.length > 0 && value[0] != (byte) flags) {
            throw new AssertionError("value of one write (" + value[0] + ") with flags of another (" + flags + ")");
        }
    }

    /** How long a key is refreshed under readers, by intensity: 0.2 s, 1 s, 10 s. */
    default java.time.Duration tckRefreshDuration() {
        return tckIntensity().pick(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(10));
    }

    @Test
    default void aLiveKeyRefreshedWithCasNeverGoesMissingTornOrBackwards() throws Exception {
        int readers = Math.max(2, tckThreads() - 1);
        long deadline = System.nanoTime() + tckRefreshDuration().toNanos();
        long maxRefreshes = tckIntensity().pick(20_000L, 200_000L, 5_000_000L);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("/hot/page.html");
            e.set(key, refreshed(0));
            AtomicBoolean refreshing = new AtomicBoolean(true);
            AtomicLong refreshes = new AtomicLong();
            long[][] perReader = new long[readers][4];
            ReadCounts reads = new ReadCounts(readers);
            // Past the refresh time, refreshing goes on until every reader has read enough, or 30 s more.
            long lastChance = deadline + TimeUnit.SECONDS.toNanos(30);
            runConcurrently(readers + 1, thread -> {
                if (thread == 0) {
                    try {
                        for (long i = 1; i <= maxRefreshes && (i < 100 || System.nanoTime() < deadline)
                                || reads.tooFew() && System.nanoTime() < lastChance; i++) {
                            Entry current = e.get(key);
                            Outcome o = e.compareAndSet(key, current.version(), refreshed(i),
                                    Expiry.after(java.time.Duration.ofMinutes(5)), 0);
                            assertThat(o.isStored()).as("refresh %d by the only writer", i).isTrue();
                            refreshes.set(i);
                        }
                    } finally {
                        refreshing.set(false);
                    }
                    return;
                }
                // {reads, misses, torn values, version or value regressions}
                long[] counts = perReader[thread - 1];
                long lastVersion = 0;
                long lastIndex = -1;
                try {
                    while (refreshing.get() && !Thread.currentThread().isInterrupted()) {
                        Entry entry = e.get(key);
                        counts[0]++;
                        reads.count(thread - 1);
                        if (entry == null) {
                            counts[1]++;
                            continue;
                        }
                        long index = refreshedIndex(entry.value());
                        if (index < 0) {
                            counts[2]++;
                            continue;
                        }
                        if (entry.version() < lastVersion || index < lastIndex) {
                            counts[3]++;
                        }
                        lastVersion = Math.max(lastVersion, entry.version());
                        lastIndex = Math.max(lastIndex, index);
                    }
                } finally {
                    reads.ended();
                }
            });
            StringBuilder figures = new StringBuilder();
            long bad = 0;
            for (int r = 0; r < readers; r++) {
                long[] c = perReader[r];
                figures.append(String.format("%n  reader %d: %d reads, %d misses, %d torn, %d went backwards", r,
                        c[0], c[1], c[2], c[3]));
                bad += c[1] + c[2] + c[3];
            }
            assertThat(bad).as("reads of a key refreshed %d times by CAS that found it missing, torn or older "
                    + "than a read before:%s", refreshes.get(), figures).isZero();
            reads.assertEnough("the refresh check, " + refreshes.get() + " refreshes");
            assertThat(refreshedIndex(e.get(key).value())).isEqualTo(refreshes.get());
        }
    }

    /** Refresh {@code i}'s value: its number, then a body derived from it, so a mix of two is visible. */
    private static byte[] refreshed(long i) {
        String head = "v" + i + ":";
        byte[] value = new byte[head.length() + 200 + (int) (i % 57)];
        byte[] h = bytes(head);
        System.arraycopy(h, 0, value, 0, h.length);
        for (int j = h.length; j < value.length; j++) {
            value[j] = (byte) ('a' + (i + j) % 26);
        }
        return value;
    }

    /** The refresh a value came from, or -1 if it is no refresh's value. */
    private static long refreshedIndex(byte[] value) {
        String text = new String(value, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        if (!text.startsWith("v") || colon < 2) {
            return -1;
        }
        try {
            long i = Long.parseLong(text.substring(1, colon));
            return java.util.Arrays.equals(value, refreshed(i)) ? i : -1;
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    /** Rounds of the close race, each in a fresh child JVM, by intensity: 2, 3, 30. */
    default int tckCloseRaceRounds() {
        return tckIntensity().pick(2, 3, 30);
    }

    @Test
    default void closeRacingInFlightOperationsCompletesOrThrowsTheClosedError() throws Exception {
        String factoryClass = factory().getClass().getName();
        long seed = tckSeed();
        for (int round = 0; round < tckCloseRaceRounds(); round++) {
            try (EngineUnderTest t = openEngine()) {
                t.closeEngine();
                TckSetup setup = t.setup();
                java.nio.file.Path output = java.nio.file.Files.createTempFile("larder-close-race-", ".out");
                try {
                    List<String> command = new ArrayList<>(CrashRounds.ChildJvm.command());
                    command.addAll(List.of(CloseRaceWorker.class.getName(), factoryClass,
                            setup.directory().toString(), Long.toString(setup.capacity()),
                            Long.toString(setup.maxValueSize()), Integer.toString(tckThreads()),
                            Long.toString(seed + round)));
                    Process child = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(output.toFile()).start();
                    boolean exited = child.waitFor(120, TimeUnit.SECONDS);
                    if (!exited) {
                        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    }
                    String text = java.nio.file.Files.readString(output, StandardCharsets.ISO_8859_1);
                    assertThat(exited).as("round %d: the child closing under load exits (output: %s)", round, text)
                            .isTrue();
                    assertThat(child.exitValue()).as("round %d (seed %d): every call completes or throws the closed "
                            + "error, nothing crashes; the child said: %s", round, seed, text).isZero();
                    // Engines' own libraries may print to the child's output too; the verdict is a line of its own.
                    assertThat(text.lines()).as("the child's output").anyMatch(line -> line.startsWith("OK "));
                } finally {
                    java.nio.file.Files.deleteIfExists(output);
                }
                t.openAgain();
            }
        }
    }

    /** A task one thread runs; may throw. */
    @FunctionalInterface
    interface ThreadTask {
        void run(int thread) throws Exception;
    }

    /** Runs the task on {@code threads} threads started together; rethrows the first failure. */
    private static void runConcurrently(int threads, ThreadTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    task.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (ex.getCause() instanceof Exception) {
                        throw (Exception) ex.getCause();
                    }
                    throw (Error) ex.getCause();
                }
            }
        } finally {
            // Readers stop on interrupt; wait for them, so none is still reading when the engine closes.
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }
}
