package io.larder.tck;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.CounterResult;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import io.larder.tck.LinearizabilityChecker.Kind;
import io.larder.tck.LinearizabilityChecker.Op;
import io.larder.tck.LinearizabilityChecker.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Random concurrent histories: in each round, {@code threads} threads start together and run random
 * operations on a few fresh keys; each key's history is then checked for linearizability.
 */
final class ConcurrentHistories {

    private ConcurrentHistories() {
    }

    /**
     * Runs the rounds; returns the number of per-key histories checked.
     *
     * @param replaySettings the settings besides the seed that gave the rounds, threads and keys their
     *        values (as {@code -Dlarder.tck.intensity=quick}), named in the failure's replay line
     * @throws AssertionError naming the seed, replay settings, round and history if one is not linearizable
     */
    static long run(StorageEngine e, long seed, String replaySettings, int rounds, int threads, int keyCount,
            int opsPerThread) throws Exception {
        long checked = 0;
        boolean cache = e.capabilities().contains(Capability.CACHE_SEMANTICS);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                Key[] keys = new Key[keyCount];
                for (int k = 0; k < keyCount; k++) {
                    keys[k] = Key.of("lin-" + round + "-" + k);
                }
                AtomicLong clock = new AtomicLong();
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<List<long[]>>> futures = new ArrayList<>();
                List<List<Op>> perThread = new ArrayList<>();
                for (int th = 0; th < threads; th++) {
                    int thread = th;
                    SplittableRandom random = new SplittableRandom(SequenceProperty.sequenceSeed(seed, round)
                            + thread * 0x632BE59BD9B4E019L);
                    List<Op> ops = new ArrayList<>();
                    perThread.add(ops);
                    futures.add(pool.submit(() -> {
                        List<long[]> keyOfOp = new ArrayList<>();
                        long[] seen = new long[keys.length];
                        start.await(30, TimeUnit.SECONDS);
                        for (int i = 0; i < opsPerThread; i++) {
                            int k = random.nextInt(keys.length);
                            ops.add(randomOp(e, cache, keys[k], k, thread, i, random, clock, seen));
                            keyOfOp.add(new long[] {k});
                        }
                        return keyOfOp;
                    }));
                }
                Map<Integer, List<Op>> byKey = new TreeMap<>();
                for (int th = 0; th < threads; th++) {
                    List<long[]> keyOfOp = futures.get(th).get(120, TimeUnit.SECONDS);
                    List<Op> ops = perThread.get(th);
                    for (int i = 0; i < ops.size(); i++) {
                        byKey.computeIfAbsent((int) keyOfOp.get(i)[0], x -> new ArrayList<>()).add(ops.get(i));
                    }
                }
                for (Map.Entry<Integer, List<Op>> history : byKey.entrySet()) {
                    List<Op> ops = history.getValue();
                    if (!LinearizabilityChecker.isLinearizable(ops)) {
                        throw new AssertionError("history on key " + history.getKey() + " of round " + round
                                + " is not linearizable (" + threads + " threads; seed " + seed
                                + ", replay with -Dlarder.tck.seed=" + seed + " " + replaySettings.strip() + "):"
                                + System.lineSeparator()
                                + String.join(System.lineSeparator(), ops.stream().map(Op::toString).toList()));
                    }
                    checked++;
                }
            }
        } finally {
            // After a failure, threads may still be running operations: wait, so none outlives the engine.
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        return checked;
    }

    /** Runs one random operation and records it with what it returned. */
    private static Op randomOp(StorageEngine e, boolean cache, Key key, int k, int thread, int i,
            SplittableRandom random, AtomicLong clock, long[] seen) {
        // Small numbers, so appends and compute keep values short and counters numeric.
        String unique = Integer.toString(thread * 100 + i + 1);
        long expected = seen[k] > 0 ? seen[k] : 1;
        // Engines with cache semantics also run lookups, markStale, invalidations of the key's own tag
        // (the key's primary) and compare-and-sets that write it.
        int choice = random.nextInt(cache ? 130 : 100);
        if (choice >= 100) {
            return cacheOp(e, key, thread, choice, random, clock, seen, k, unique, expected);
        }
        long invoked = clock.incrementAndGet();
        if (choice < 22) {
            Entry entry = e.get(key);
            long returned = clock.incrementAndGet();
            if (entry == null) {
                return new Op(thread, Kind.GET, "", 0, invoked, returned, Result.ABSENT, "", 0);
            }
            seen[k] = entry.version();
            return new Op(thread, Kind.GET, "", 0, invoked, returned, Result.FOUND, entry.valueAsString(),
                    entry.version(), true, entry.tags().contains(key.primaryAsString()), entry.stale());
        } else if (choice < 34) {
            long version = e.set(key, bytes(unique));
            long returned = clock.incrementAndGet();
            seen[k] = version;
            return new Op(thread, Kind.SET, unique, 0, invoked, returned, Result.STORED, "", version);
        } else if (choice < 42) {
            Outcome o = e.add(key, bytes(unique), Expiry.never(), 0);
            return op(thread, Kind.ADD, unique, 0, invoked, clock, o, seen, k);
        } else if (choice < 56) {
            Outcome o = e.compareAndSet(key, expected, bytes(unique), Expiry.never(), 0);
            return op(thread, Kind.CAS, unique, expected, invoked, clock, o, seen, k);
        } else if (choice < 61) {
            Outcome o = e.delete(key);
            return op(thread, Kind.DELETE, "", 0, invoked, clock, o, seen, k);
        } else if (choice < 67) {
            Outcome o = e.delete(key, expected);
            return op(thread, Kind.DELETE_VERSION, "", expected, invoked, clock, o, seen, k);
        } else if (choice < 72) {
            Outcome o = e.touch(key, Expiry.never());
            return op(thread, Kind.TOUCH, "", 0, invoked, clock, o, seen, k);
        } else if (choice < 82) {
            try {
                CounterResult c = e.increment(key, 1);
                long returned = clock.incrementAndGet();
                if (c.found()) {
                    seen[k] = c.version();
                }
                return new Op(thread, Kind.INCREMENT, "1", 0, invoked, returned,
                        c.found() ? Result.FOUND : Result.NOT_FOUND, Long.toUnsignedString(c.value()), c.version());
            } catch (NonNumericValueException ex) {
                return new Op(thread, Kind.INCREMENT, "1", 0, invoked, clock.incrementAndGet(), Result.NON_NUMERIC,
                        "", 0);
            }
        } else if (choice < 91) {
            String suffix = Integer.toString(1 + random.nextInt(9));
            Outcome o = e.append(key, bytes(suffix));
            return op(thread, Kind.APPEND, suffix, 0, invoked, clock, o, seen, k);
        } else {
            Entry after = e.compute(key, cur -> {
                if (cur == null || cur.placeholder()) {
                    return ComputeAction.store(bytes(unique), Expiry.never(), 0);
                }
                String value = cur.valueAsString();
                return value.length() >= LinearizabilityChecker.COMPUTE_REMOVE_LENGTH ? ComputeAction.remove()
                        : ComputeAction.store(bytes(value + "7"), Expiry.never(), 0);
            });
            long returned = clock.incrementAndGet();
            if (after == null) {
                return new Op(thread, Kind.COMPUTE, unique, 0, invoked, returned, Result.ABSENT, "", 0);
            }
            seen[k] = after.version();
            return new Op(thread, Kind.COMPUTE, unique, 0, invoked, returned, Result.FOUND, after.valueAsString(),
                    after.version());
        }
    }

    /** One of the cache operations, on an engine with cache semantics. */
    private static Op cacheOp(StorageEngine e, Key key, int thread, int choice, SplittableRandom random,
            AtomicLong clock, long[] seen, int k, String unique, long expected) {
        String tag = key.primaryAsString();
        long invoked = clock.incrementAndGet();
        if (choice < 112) {
            Lookup l = e.lookup(key, LOOKUP);
            long returned = clock.incrementAndGet();
            Result result = l.status() == Lookup.Status.HIT ? Result.HIT : l.status() == Lookup.Status.WON
                    ? Result.WON : l.status() == Lookup.Status.TAKEN ? Result.TAKEN : Result.MISS;
            Entry served = l.entry();
            long version = l.won() ? l.token() : served == null ? 0 : served.version();
            if (version != 0) {
                seen[k] = version;
            }
            return new Op(thread, Kind.LOOKUP, "", 0, invoked, returned, result,
                    served == null ? "" : served.valueAsString(), version, served != null,
                    served != null && served.tags().contains(tag), served != null && served.stale());
        } else if (choice < 118) {
            Outcome o = e.markStale(key, null);
            return op(thread, Kind.MARK_STALE, "", 0, invoked, clock, o, seen, k);
        } else if (choice < 122) {
            InvalidationMode mode = random.nextBoolean() ? InvalidationMode.REMOVE : InvalidationMode.MARK_STALE;
            long mark = e.invalidateTag(tag, mode);
            return new Op(thread, Kind.INVALIDATE_TAG, mode.name(), 0, invoked, clock.incrementAndGet(),
                    Result.STORED, "", mark, false, false, false);
        }
        Outcome o = e.compareAndSet(key, expected, bytes(unique), WriteOptions.tagged(tag));
        return op(thread, Kind.CAS_TAGGED, unique, expected, invoked, clock, o, seen, k);
    }

    /** Leases outlive any round: only a store or a delete ends one. */
    private static final LeaseOptions LOOKUP = LeaseOptions.of(Duration.ofHours(1));

    private static Op op(int thread, Kind kind, String arg, long argVersion, long invoked, AtomicLong clock,
            Outcome o, long[] seen, int k) {
        long returned = clock.incrementAndGet();
        if (o.isStored() || o.status() == Outcome.Status.EXISTS) {
            seen[k] = o.version();
        }
        return new Op(thread, kind, arg, argVersion, invoked, returned, result(o), "", o.version());
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
