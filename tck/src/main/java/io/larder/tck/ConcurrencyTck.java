package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.CounterResult;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.Outcome.Status;
import io.larder.spi.StorageEngine;
import io.larder.tck.LinearizabilityChecker.Kind;
import io.larder.tck.LinearizabilityChecker.Op;
import io.larder.tck.LinearizabilityChecker.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
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

    /** Threads the races use. */
    default int tckThreads() {
        return 4;
    }

    @Test
    default void randomConcurrentHistoriesAreLinearizablePerKey() throws Exception {
        long seed = tckSeed();
        int threads = 3;
        int opsPerThread = 7;
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int round = 0; round < 60; round++) {
                    Key[] keys = {Key.of("lin-" + round + "-a"), Key.of("lin-" + round + "-b")};
                    AtomicLong clock = new AtomicLong();
                    CyclicBarrier start = new CyclicBarrier(threads);
                    List<Future<List<Op>>> futures = new ArrayList<>();
                    for (int th = 0; th < threads; th++) {
                        int thread = th;
                        SplittableRandom random = new SplittableRandom(seed + round * 31L + thread);
                        futures.add(pool.submit(() -> {
                            List<Op> ops = new ArrayList<>();
                            long[] seen = new long[keys.length];
                            start.await(10, TimeUnit.SECONDS);
                            for (int i = 0; i < opsPerThread; i++) {
                                int k = random.nextInt(keys.length);
                                ops.add(randomOp(e, keys[k], k, thread, i, random, clock, seen));
                            }
                            return ops;
                        }));
                    }
                    Map<Integer, List<Op>> byKey = new TreeMap<>();
                    for (Future<List<Op>> f : futures) {
                        for (Op op : f.get(60, TimeUnit.SECONDS)) {
                            byKey.computeIfAbsent((int) (op.argVersion() >>> 56), x -> new ArrayList<>()).add(op);
                        }
                    }
                    for (Map.Entry<Integer, List<Op>> history : byKey.entrySet()) {
                        List<Op> ops = history.getValue().stream().map(ConcurrencyTck::stripKeyTag).toList();
                        assertThat(LinearizabilityChecker.isLinearizable(ops))
                                .as("history on key %d of round %d is not linearizable (seed %d, replay with "
                                        + "-Dlarder.tck.seed=%d):%n%s", history.getKey(), round, seed, seed,
                                        String.join("\n", ops.stream().map(Op::toString).toList()))
                                .isTrue();
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Op stripKeyTag(Op op) {
        return new Op(op.thread(), op.kind(), op.argValue(), op.argVersion() & ((1L << 56) - 1), op.invoked(),
                op.returned(), op.result(), op.resultValue(), op.resultVersion());
    }

    /** Runs one random operation and records it; the key's index rides in the top byte of argVersion. */
    private static Op randomOp(StorageEngine e, Key key, int keyIndex, int thread, int i, SplittableRandom random,
            AtomicLong clock, long[] seen) {
        long tag = (long) keyIndex << 56;
        long unique = thread * 1_000_000L + i * 1000L + 1;
        int choice = random.nextInt(100);
        long invoked = clock.incrementAndGet();
        if (choice < 25) {
            Entry entry = e.get(key);
            long returned = clock.incrementAndGet();
            if (entry == null) {
                return new Op(thread, Kind.GET, 0, tag, invoked, returned, Result.ABSENT, 0, 0);
            }
            seen[keyIndex] = entry.version();
            return new Op(thread, Kind.GET, 0, tag, invoked, returned, Result.FOUND,
                    Long.parseLong(entry.valueAsString()), entry.version());
        } else if (choice < 40) {
            long version = e.set(key, number(unique));
            long returned = clock.incrementAndGet();
            seen[keyIndex] = version;
            return new Op(thread, Kind.SET, unique, tag, invoked, returned, Result.STORED, 0, version);
        } else if (choice < 50) {
            Outcome o = e.add(key, number(unique), Expiry.never(), 0);
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.ADD, unique, tag, invoked, returned, result(o), 0, o.version());
        } else if (choice < 70) {
            long expected = seen[keyIndex] > 0 ? seen[keyIndex] : 1;
            Outcome o = e.compareAndSet(key, expected, number(unique), Expiry.never(), 0);
            long returned = clock.incrementAndGet();
            if (o.isStored()) {
                seen[keyIndex] = o.version();
            }
            return new Op(thread, Kind.CAS, unique, tag | expected, invoked, returned, result(o), 0, o.version());
        } else if (choice < 78) {
            Outcome o = e.delete(key);
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.DELETE, 0, tag, invoked, returned, result(o), 0, o.version());
        } else if (choice < 86) {
            Outcome o = e.touch(key, Expiry.never());
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.TOUCH, 0, tag, invoked, returned, result(o), 0, o.version());
        } else {
            CounterResult c = e.increment(key, 1);
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.INCREMENT, 1, tag, invoked, returned,
                    c.found() ? Result.FOUND : Result.NOT_FOUND, c.value(), c.version());
        }
    }

    private static Result result(Outcome o) {
        switch (o.status()) {
            case STORED: return Result.STORED;
            case EXISTS: return Result.EXISTS;
            case DELETED: return Result.DELETED;
            case TOUCHED: return Result.TOUCHED;
            default: return Result.NOT_FOUND;
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
            runConcurrently(3, thread -> {
                if (thread == 0) {
                    try {
                        for (int i = 1; i <= 3000; i++) {
                            e.set(key, TckValues.uniform(size - (i % 2), (byte) i), Expiry.never(), i);
                        }
                    } finally {
                        writing.set(false);
                    }
                    return;
                }
                while (writing.get()) {
                    Entry entry = e.get(key);
                    assertUniform(entry.value(), entry.flags());
                    e.read(key, view -> {
                        byte[] copy = new byte[view.valueLength()];
                        view.value().get(copy);
                        assertUniform(copy, view.flags());
                        return null;
                    });
                }
            });
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

    @Test
    default void aLiveKeyRefreshedWithCasNeverGoesMissing() throws Exception {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("/hot/page.html");
            e.set(key, bytes("version-0"));
            AtomicBoolean refreshing = new AtomicBoolean(true);
            AtomicLong misses = new AtomicLong();
            runConcurrently(3, thread -> {
                if (thread == 0) {
                    try {
                        for (int i = 1; i <= 2000; i++) {
                            Entry current = e.get(key);
                            Outcome o = e.compareAndSet(key, current.version(), bytes("version-" + i),
                                    Expiry.after(java.time.Duration.ofMinutes(5)), 0);
                            assertThat(o.isStored()).isTrue();
                        }
                    } finally {
                        refreshing.set(false);
                    }
                    return;
                }
                while (refreshing.get()) {
                    if (e.get(key) == null) {
                        misses.incrementAndGet();
                    }
                }
            });
            assertThat(misses).as("reads that found no entry while it was being refreshed").hasValue(0);
            assertThat(e.get(key).valueAsString()).isEqualTo("version-2000");
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
            pool.shutdownNow();
        }
    }
}
