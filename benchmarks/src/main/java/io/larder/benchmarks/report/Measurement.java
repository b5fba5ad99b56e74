package io.larder.benchmarks.report;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One JMH result of the side-by-side benchmark: the operation (the benchmark method), the store,
 * the other parameters and the thread count that make up the case, and the score with JMH's error
 * (the 99.9% confidence half-width; NaN when JMH had too few iterations to give one), and the bytes
 * allocated per operation when the run had {@code -prof gc}.
 *
 * @param operation the benchmark method's name, such as {@code get}
 * @param store the {@code store} parameter
 * @param params every other parameter, by name
 * @param threads the thread count
 * @param score the score
 * @param error JMH's error of the score, or NaN
 * @param unit the score's unit, such as {@code ops/us}
 * @param bytesPerOp bytes allocated per operation ({@code gc.alloc.rate.norm}), or NaN when not measured
 */
public record Measurement(String operation, String store, Map<String, String> params, int threads, double score,
        double error, String unit, double bytesPerOp) {

    /** JMH's name (1.37) for the {@code gc} profiler's allocation per operation. */
    public static final String ALLOCATION_METRIC = "gc.alloc.rate.norm";
    /** The same before JMH 1.37, which put a middle dot before a profiler's metrics. */
    public static final String OLD_ALLOCATION_METRIC = "\u00b7" + ALLOCATION_METRIC;

    /**
     * @throws NullPointerException if a name, the parameters or the unit is null
     */
    public Measurement {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(store, "store");
        params = new TreeMap<>(Objects.requireNonNull(params, "params"));
        Objects.requireNonNull(unit, "unit");
    }

    /** What the stores are compared on: operation, parameters other than the store, threads. */
    public String caseLabel() {
        StringBuilder label = new StringBuilder(operation);
        params.forEach((name, value) -> label.append(' ').append(name).append('=').append(value));
        return label.append(" threads=").append(threads).toString();
    }
}
