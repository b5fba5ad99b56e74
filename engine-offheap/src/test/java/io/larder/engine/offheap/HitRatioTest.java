package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The eviction policy against exact LRU on a skewed workload: a read-through cache (get, and set on
 * a miss) over Zipf-distributed keys, with LRU simulated at the number of entries the engine held.
 */
@Timeout(120)
class HitRatioTest {

    /** Keys drawn with probability proportional to 1 / rank^skew. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int keys, double skew) {
            cdf = new double[keys];
            double sum = 0;
            for (int i = 0; i < keys; i++) {
                sum += 1 / Math.pow(i + 1, skew);
                cdf[i] = sum;
            }
            for (int i = 0; i < keys; i++) {
                cdf[i] /= sum;
            }
        }

        int next(SplittableRandom random) {
            int i = Arrays.binarySearch(cdf, random.nextDouble());
            return Math.min(cdf.length - 1, i < 0 ? -i - 1 : i);
        }
    }

    static double lruHitRatio(int[] trace, int capacityEntries) {
        LinkedHashMap<Integer, Boolean> lru = new LinkedHashMap<>(capacityEntries * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                return size() > capacityEntries;
            }
        };
        long hits = 0;
        for (int k : trace) {
            if (lru.get(k) != null) {
                hits++;
            } else {
                lru.put(k, Boolean.TRUE);
            }
        }
        return hits / (double) trace.length;
    }

    @Test
    void hitRatioOnZipfIsCloseToExactLru() {
        int keys = 50_000;
        int requests = 300_000;
        Zipf zipf = new Zipf(keys, 0.9);
        SplittableRandom random = new SplittableRandom(7);
        int[] trace = new int[requests];
        for (int i = 0; i < requests; i++) {
            trace[i] = zipf.next(random);
        }
        byte[] value = new byte[200];
        long hits = 0;
        long entries;
        try (StorageEngine engine = Larder.open("offheap:?capacity=2m&maxValueSize=16k&averageValueSize=200")) {
            for (int k : trace) {
                Key key = Key.of("/zipf/" + k);
                if (engine.get(key) != null) {
                    hits++;
                } else {
                    engine.set(key, value);
                }
            }
            entries = engine.stats().entries();
            assertThat(engine.stats().evictions()).isPositive();
        }
        double ours = hits / (double) requests;
        double lru = lruHitRatio(trace, (int) entries);
        // The figures go in the assertion's description, shown when it fails; a passing build stays quiet.
        assertThat(ours).as("zipf 0.9, %d keys, %d entries held: offheap hit ratio %.4f, exact LRU %.4f", keys,
                entries, ours, lru).isGreaterThan(0.95 * lru);
    }
}
