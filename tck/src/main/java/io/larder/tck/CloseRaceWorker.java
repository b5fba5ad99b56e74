package io.larder.tck;

import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child process of the close race: threads run reads and writes on a few keys while the main
 * thread closes the engine under them. Every call must complete with a whole value or throw
 * {@link EngineClosedException}; every call begun after {@code close()} returned must throw it; the
 * process must not crash or hang. Prints {@code OK} and exits 0, or prints {@code FAIL} and what
 * went wrong and exits 1.
 */
public final class CloseRaceWorker {

    private static final int KEYS = 8;
    private static final int SIZE = 2048;

    private CloseRaceWorker() {
    }

    /** Args: factory class, directory, capacity, maxValueSize, threads, seed. */
    public static void main(String[] args) throws Exception {
        TckEngineFactory factory = (TckEngineFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        TckSetup setup = new TckSetup(Clock.system(), Long.parseLong(args[2]), Long.parseLong(args[3]),
                Path.of(args[1]), Duration.ofSeconds(1));
        int threads = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        StorageEngine engine = factory.open(setup);
        for (int k = 0; k < KEYS; k++) {
            engine.set(key(k), TckValues.uniform(SIZE, (byte) (k + 1)), Expiry.never(), k + 1);
        }
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong ops = new AtomicLong();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            workers[t] = new Thread(() -> {
                try {
                    while (true) {
                        boolean afterClose = closeReturned.get();
                        try {
                            one(engine, random);
                            ops.incrementAndGet();
                            if (afterClose) {
                                failure.compareAndSet(null, "a call begun after close() returned completed");
                                return;
                            }
                        } catch (EngineClosedException e) {
                            return;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e.toString());
                }
            }, "close-race-" + t);
            workers[t].start();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + new SplittableRandom(seed).nextInt(200));
        while (ops.get() < 2000 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        engine.close();
        closeReturned.set(true);
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
            if (w.isAlive()) {
                failure.compareAndSet(null, w.getName() + " still runs 30 s after close()");
            }
        }
        String failed = failure.get();
        System.out.println(failed == null ? "OK " + ops.get() + " operations" : "FAIL " + failed);
        System.out.flush();
        Runtime.getRuntime().halt(failed == null ? 0 : 1);
    }

    private static Key key(int k) {
        return Key.of("close-race-" + k);
    }

    private static void one(StorageEngine engine, SplittableRandom random) {
        int k = random.nextInt(KEYS);
        byte b = (byte) (1 + random.nextInt(100));
        switch (random.nextInt(6)) {
            case 0:
                check(engine.get(key(k)));
                break;
            case 1:
                engine.read(key(k), view -> {
                    byte[] copy = new byte[view.valueLength()];
                    view.value().get(copy);
                    check(new Entry(copy, view.version(), view.expiresAt(), view.flags(), view.storedAt()));
                    return null;
                });
                break;
            case 2:
                engine.set(key(k), TckValues.uniform(SIZE - random.nextInt(2), b), Expiry.never(), b);
                break;
            case 3: {
                Entry current = engine.get(key(k));
                check(current);
                if (current != null) {
                    engine.compareAndSet(key(k), current.version(), TckValues.uniform(SIZE, b), Expiry.never(), b);
                }
                break;
            }
            case 4:
                engine.delete(key(k));
                break;
            default:
                check(engine.compute(key(k), cur -> ComputeAction.store(TckValues.uniform(SIZE, b),
                        Expiry.never(), b)));
        }
    }

    private static void check(Entry entry) {
        if (entry == null) {
            return;
        }
        byte[] value = entry.value();
        for (byte v : value) {
            if (v != (byte) entry.flags()) {
                throw new AssertionError("a value read while the engine closed is not one written: byte " + v
                        + " with flags " + entry.flags());
            }
        }
    }
}
