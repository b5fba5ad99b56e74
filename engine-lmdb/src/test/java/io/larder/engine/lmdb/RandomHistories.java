package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.CounterResult;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.tck.LinearizabilityChecker;
import io.larder.tck.LinearizabilityChecker.Kind;
import io.larder.tck.LinearizabilityChecker.Op;
import io.larder.tck.LinearizabilityChecker.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The kit's random concurrent histories on two keys, each key's history checked for linearizability. */
final class RandomHistories {

    static final int ROUNDS = 60;
    static final int THREADS = 3;
    static final int OPS_PER_THREAD = 7;

    private RandomHistories() {
    }

    static void check(StorageEngine e, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Key[] keys = {Key.of("lin-" + round + "-a"), Key.of("lin-" + round + "-b")};
                AtomicLong clock = new AtomicLong();
                CyclicBarrier start = new CyclicBarrier(THREADS);
                List<Future<List<List<Op>>>> futures = new ArrayList<>();
                for (int th = 0; th < THREADS; th++) {
                    int thread = th;
                    SplittableRandom random = new SplittableRandom(seed + round * 31L + thread);
                    futures.add(pool.submit(() -> {
                        List<List<Op>> byKey = List.of(new ArrayList<>(), new ArrayList<>());
                        long[] seen = new long[keys.length];
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = 0; i < OPS_PER_THREAD; i++) {
                            int k = random.nextInt(keys.length);
                            byKey.get(k).add(randomOp(e, keys[k], k, thread, i, random, clock, seen));
                        }
                        return byKey;
                    }));
                }
                List<List<Op>> histories = List.of(new ArrayList<>(), new ArrayList<>());
                for (Future<List<List<Op>>> f : futures) {
                    List<List<Op>> ops = f.get(60, TimeUnit.SECONDS);
                    for (int k = 0; k < keys.length; k++) {
                        histories.get(k).addAll(ops.get(k));
                    }
                }
                for (int k = 0; k < keys.length; k++) {
                    List<Op> ops = histories.get(k);
                    assertThat(LinearizabilityChecker.isLinearizable(ops))
                            .as("history on key %d of round %d is not linearizable (seed %d, replay with "
                                    + "-Dlarder.tck.seed=%d):%n%s", k, round, seed, seed,
                                    String.join("\n", ops.stream().map(Op::toString).toList()))
                            .isTrue();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Op randomOp(StorageEngine e, Key key, int keyIndex, int thread, int i, SplittableRandom random,
            AtomicLong clock, long[] seen) {
        long unique = thread * 1_000_000L + i * 1000L + 1;
        int choice = random.nextInt(100);
        long invoked = clock.incrementAndGet();
        if (choice < 25) {
            Entry entry = e.get(key);
            long returned = clock.incrementAndGet();
            if (entry == null) {
                return new Op(thread, Kind.GET, 0, 0, invoked, returned, Result.ABSENT, 0, 0);
            }
            seen[keyIndex] = entry.version();
            return new Op(thread, Kind.GET, 0, 0, invoked, returned, Result.FOUND,
                    Long.parseLong(entry.valueAsString()), entry.version());
        } else if (choice < 40) {
            long version = e.set(key, number(unique));
            long returned = clock.incrementAndGet();
            seen[keyIndex] = version;
            return new Op(thread, Kind.SET, unique, 0, invoked, returned, Result.STORED, 0, version);
        } else if (choice < 50) {
            Outcome o = e.add(key, number(unique), Expiry.never(), 0);
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.ADD, unique, 0, invoked, returned, result(o), 0, o.version());
        } else if (choice < 70) {
            long expected = seen[keyIndex] > 0 ? seen[keyIndex] : 1;
            Outcome o = e.compareAndSet(key, expected, number(unique), Expiry.never(), 0);
            long returned = clock.incrementAndGet();
            if (o.isStored()) {
                seen[keyIndex] = o.version();
            }
            return new Op(thread, Kind.CAS, unique, expected, invoked, returned, result(o), 0, o.version());
        } else if (choice < 78) {
            Outcome o = e.delete(key);
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.DELETE, 0, 0, invoked, returned, result(o), 0, o.version());
        } else if (choice < 86) {
            Outcome o = e.touch(key, Expiry.never());
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.TOUCH, 0, 0, invoked, returned, result(o), 0, o.version());
        } else {
            CounterResult c = e.increment(key, 1);
            long returned = clock.incrementAndGet();
            return new Op(thread, Kind.INCREMENT, 1, 0, invoked, returned,
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
}
