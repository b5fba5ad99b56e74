package io.larder.benchmarks;

import java.util.SplittableRandom;

/**
 * Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^theta, the same sequence for
 * the same seed. Rank 0 is the hottest; callers map ranks to keys.
 */
public final class Zipf {
    private final long n;
    private final double theta;
    private final double alpha;
    private final double zetan;
    private final double eta;
    private final SplittableRandom random;

    /**
     * @param n how many ranks
     * @param theta the exponent, in (0, 1)
     * @param seed the random seed
     * @throws IllegalArgumentException if {@code n < 2} or {@code theta} is outside (0, 1)
     */
    public Zipf(long n, double theta, long seed) {
        if (n < 2 || !(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("Zipf needs n >= 2 and 0 < theta < 1, got n=" + n + ", theta=" + theta);
        }
        this.n = n;
        this.theta = theta;
        this.alpha = 1 / (1 - theta);
        this.zetan = zeta(n, theta);
        this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta(2, theta) / zetan);
        this.random = new SplittableRandom(seed);
    }

    private static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    /** The next rank. */
    public long next() {
        double u = random.nextDouble();
        double uz = u * zetan;
        if (uz < 1) {
            return 0;
        }
        if (uz < 1 + Math.pow(0.5, theta)) {
            return 1;
        }
        return Math.min(n - 1, (long) (n * Math.pow(eta * u - eta + 1, alpha)));
    }
}
