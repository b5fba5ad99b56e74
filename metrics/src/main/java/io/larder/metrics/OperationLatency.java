package io.larder.metrics;

import java.util.Objects;

/**
 * The latency figures of one kind of operation since its {@link MeteredEngine} was made, in
 * nanoseconds. Percentiles are accurate to about 1% (two significant digits); calls slower than
 * {@link MeteredEngine#HIGHEST_TRACKED_NANOS} count as that long.
 *
 * @param operation the kind of operation
 * @param count calls made, including those that threw
 * @param p50Nanos the median
 * @param p99Nanos the 99th percentile
 * @param p999Nanos the 99.9th percentile
 * @param maxNanos the slowest call
 * @param meanNanos the mean
 */
public record OperationLatency(Operation operation, long count, long p50Nanos, long p99Nanos, long p999Nanos,
        long maxNanos, double meanNanos) {

    /**
     * Checks the figures.
     *
     * @throws NullPointerException if {@code operation} is null
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public OperationLatency {
        Objects.requireNonNull(operation, "operation");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
    }
}
