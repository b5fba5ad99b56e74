package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Outcome;
import io.larder.spi.WriteOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of the multi-process tests. {@code cas DIR N}: N compare-and-set increments of one
 * counter, retrying on conflict. {@code write DIR SYNC}: writes (sets with and without expiry,
 * deletes) until killed, printing {@code ACK i version} after each acknowledged set. {@code pressure DIR
 * N}: N writes, mostly small and every tenth large, each followed by a read, on a small store shared
 * with other processes; prints how many failed. {@code lease DIR N}: a lease-aware lookup with vivify on
 * each of N keys, printing {@code WON i} for each lease it won. {@code tag DIR}: invalidates tag
 * {@code shared}, stores an entry tagged {@code child}, prints {@code ACK}, and waits to be killed.
 */
public final class ChildWorker {

    static final Key COUNTER = Key.of("counter");

    private ChildWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        if (args[0].equals("pressure")) {
            int n = Integer.parseInt(args[2]);
            int failed = 0;
            String firstFailure = null;
            try (LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "4m", "maxValueSize", "256k")) {
                out.println("READY");
                out.flush();
                java.util.SplittableRandom random = new java.util.SplittableRandom(ProcessHandle.current().pid());
                for (int i = 0; i < n; i++) {
                    int size = i % 10 == 0 ? (32 << 10) + random.nextInt(96 << 10) : 100 + random.nextInt(2000);
                    try {
                        engine.set(Key.of("p" + ProcessHandle.current().pid() + "-" + i), new byte[size]);
                        engine.get(Key.of("p" + ProcessHandle.current().pid() + "-" + random.nextInt(i + 1)));
                    } catch (RuntimeException e) {
                        failed++;
                        if (firstFailure == null) {
                            firstFailure = e.toString();
                        }
                    }
                }
            }
            out.println("DONE failed " + failed + (firstFailure == null ? "" : " first " + firstFailure));
            out.flush();
            return;
        }
        if (args[0].equals("lease")) {
            int n = Integer.parseInt(args[2]);
            try (LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "64m")) {
                out.println("READY");
                out.flush();
                for (int i = 0; i < n; i++) {
                    if (engine.lookup(Key.of("lease" + i), LeaseOptions.of(Duration.ofMinutes(5))).won()) {
                        out.println("WON " + i);
                    }
                }
                out.println("DONE");
                out.flush();
            }
            return;
        }
        if (args[0].equals("tag")) {
            LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "64m", "sync", "true");
            long mark = engine.invalidateTag("shared", InvalidationMode.REMOVE);
            engine.set(Key.of("by-child"), "child".getBytes(StandardCharsets.US_ASCII), WriteOptions.tagged("child"));
            out.println("ACK " + mark);
            out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        if (args[0].equals("cas")) {
            int n = Integer.parseInt(args[2]);
            try (LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "64m")) {
                out.println("READY");
                out.flush();
                int conflicts = 0;
                for (int done = 0; done < n; ) {
                    Entry current = engine.get(COUNTER);
                    long next = Long.parseLong(current.valueAsString()) + 1;
                    Outcome o = engine.compareAndSet(COUNTER, current.version(),
                            Long.toString(next).getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
                    if (o.isStored()) {
                        done++;
                    } else {
                        conflicts++;
                    }
                }
                out.println("DONE " + conflicts);
                out.flush();
            }
            return;
        }
        LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "64m", "sync", args[2],
                "sweepInterval", "5ms");
        out.println("READY");
        out.flush();
        for (long i = 0; ; i++) {
            Key key = Key.of("w" + (i % 500));
            if (i % 11 == 10) {
                engine.delete(Key.of("w" + ((i + 250) % 500)));
                continue;
            }
            // Some expire while the child runs, so the sweeper is working when it is killed.
            Expiry expiry = i % 3 == 0 ? Expiry.after(Duration.ofMillis(i % 2 == 0 ? 20 : 3_600_000)) : Expiry.never();
            long version = engine.set(key, ("v" + i).getBytes(StandardCharsets.US_ASCII), expiry, 0);
            out.println("ACK " + i + " " + version + (i % 3 == 0 && i % 2 == 0 ? " short" : ""));
            out.flush();
        }
    }
}
