package io.larder.tck;

import io.larder.spi.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs one call on several threads released together, for the races of the cache suites. */
final class Together {

    private Together() {
    }

    /**
     * Starts {@code threads} threads, releases them at once into {@code call}, and returns what each
     * returned, in thread order. Bounded in time: a call that hangs fails the test, it does not hang it.
     */
    static <T> List<T> run(int threads, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** Skips the calling test unless the engine keeps cache semantics. */
    static void assumeCacheSemantics(TckSuite suite) {
        assumeTrue(suite.engineDeclares(Capability.CACHE_SEMANTICS), "engine does not declare CACHE_SEMANTICS");
    }
}
