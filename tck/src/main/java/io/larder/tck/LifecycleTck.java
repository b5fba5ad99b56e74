package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.ComputeAction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Suite: closing an engine.
 *
 * <ul>
 *   <li>{@code close()} called from an interrupted thread, while other threads run operations and
 *       the engine's background work runs, leaves every operation either completed or failed with
 *       {@link EngineClosedException}, never anything else, and keeps the caller's interrupt status;</li>
 *   <li>an engine that was used from threads that outlive it (a long-lived pool) becomes
 *       collectable once closed and dropped: nothing per-thread keeps it reachable.</li>
 * </ul>
 */
public interface LifecycleTck extends TckSuite {

    /** Threads running operations while the engine closes. */
    int CLOSE_WORKERS = 3;
    /** Engines opened, used from the pool and closed in the collectability check. */
    int COLLECTED_ENGINES = 6;
    /** Collections tried before an engine still reachable counts as leaked. */
    int GC_ATTEMPTS = 40;

    /** Open, run, close cycles of the interrupted-close check, by intensity: 20, 100, 2,000. */
    default int tckCloseRounds() {
        return tckIntensity().pick(20, 100, 2_000);
    }

    /** Wall-clock bound on the interrupted-close check's rounds, by intensity: 5 s, 20 s, 10 min. */
    default Duration tckCloseTime() {
        return tckIntensity().pick(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofMinutes(10));
    }

    @Test
    default void closeFromAnInterruptedThreadLetsEveryOperationCompleteOrFailAsClosed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLOSE_WORKERS);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        int closeRounds = tckCloseRounds();
        long deadline = System.nanoTime() + tckCloseTime().toNanos();
        int rounds = 0;
        try {
            for (; rounds < closeRounds && System.nanoTime() < deadline && unexpected.isEmpty(); rounds++) {
                // A short sweep interval, so background work is running when the engine closes.
                try (EngineUnderTest t = EngineUnderTest.open(factory(), tckCapacity(), tckMaxValueSize(),
                        Duration.ofMillis(1))) {
                    StorageEngine e = t.engine();
                    AtomicBoolean closedSeen = new AtomicBoolean();
                    CountDownLatch running = new CountDownLatch(CLOSE_WORKERS);
                    List<Future<?>> workers = new ArrayList<>();
                    for (int w = 0; w < CLOSE_WORKERS; w++) {
                        int worker = w;
                        workers.add(pool.submit(() -> {
                            running.countDown();
                            for (int i = 0; ; i++) {
                                try {
                                    operate(e, worker, i);
                                } catch (EngineClosedException expected) {
                                    closedSeen.set(true);
                                    return null;
                                } catch (Throwable other) {
                                    unexpected.add(other);
                                    return null;
                                }
                            }
                        }));
                    }
                    running.await(30, TimeUnit.SECONDS);
                    // Let the workers get going before pulling the engine away.
                    Thread.sleep(1 + rounds % 3);
                    Thread.currentThread().interrupt();
                    try {
                        e.close();
                    } finally {
                        boolean stillInterrupted = Thread.interrupted();
                        assertThat(stillInterrupted).as("close() kept the caller's interrupt status").isTrue();
                    }
                    for (Future<?> f : workers) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    assertThat(closedSeen).as("workers saw the engine closed").isTrue();
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        List<String> failures = new ArrayList<>();
        for (Throwable t : unexpected) {
            failures.add(t.toString());
        }
        assertThat(failures).as("operations racing close() (%d rounds) that threw something other than "
                + "EngineClosedException", rounds).isEmpty();
    }

    private static void operate(StorageEngine e, int worker, int i) {
        byte[] primary = ("/lifecycle/" + worker + "/" + (i % 64)).getBytes(StandardCharsets.UTF_8);
        Key key = Key.of(primary, Variant.of("v", Integer.toString(i % 3)));
        switch (i % 8) {
            case 0, 1 -> e.set(key, new byte[16 + (i % 5) * 200], Expiry.afterMillis(i % 2 == 0 ? 1 : 60_000), 0);
            case 2 -> e.get(key);
            case 3 -> e.copyValue(key, ByteBuffer.allocate(2048));
            case 4 -> e.invalidate(primary);
            case 5 -> e.variants(primary);
            case 6 -> e.delete(key);
            default -> e.stats();
        }
    }

    @Test
    default void closedEnginesUsedFromLongLivedThreadsBecomeCollectable() throws Exception {
        ExecutorService longLived = Executors.newFixedThreadPool(2);
        try {
            List<WeakReference<StorageEngine>> closed = new ArrayList<>();
            for (int n = 0; n < COLLECTED_ENGINES; n++) {
                closed.add(useAndClose(longLived, n));
            }
            int live = 0;
            for (int attempt = 0; attempt < GC_ATTEMPTS; attempt++) {
                System.gc();
                Thread.sleep(25);
                live = 0;
                for (WeakReference<StorageEngine> ref : closed) {
                    if (ref.get() != null) {
                        live++;
                    }
                }
                if (live == 0) {
                    break;
                }
            }
            assertThat(live).as("closed engines still reachable while the threads that used them live "
                    + "(of %d)", COLLECTED_ENGINES).isZero();
        } finally {
            longLived.shutdownNow();
            longLived.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** Opens an engine, uses it from the pool's threads, closes it and keeps only a weak reference. */
    private WeakReference<StorageEngine> useAndClose(ExecutorService longLived, int n) throws Exception {
        EngineUnderTest t = openEngine();
        try {
            StorageEngine e = t.engine();
            List<Future<?>> uses = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                uses.add(longLived.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        operate(e, worker, i);
                    }
                    e.compute(Key.of("/lifecycle/compute/" + n), current -> ComputeAction.keep());
                    e.read(Key.of("/lifecycle/0/0", Variant.of("v", "0")), view -> view.valueLength());
                    return null;
                }));
            }
            for (Future<?> f : uses) {
                f.get(60, TimeUnit.SECONDS);
            }
            return new WeakReference<>(e);
        } finally {
            t.close();
        }
    }
}
