package io.larder.metrics;

import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One HdrHistogram {@link Recorder} per operation kind. Recording is wait-free (a recorder's
 * writers share no lock), so callers on many threads do not queue behind each other; reading the
 * figures swaps each recorder's interval histogram into a running total under a lock only readers
 * take.
 */
final class LatencyRecorder {

    private static final int SIGNIFICANT_DIGITS = 2;

    private final Recorder[] recorders;
    private final Histogram[] totals;
    private final Histogram[] spares;

    LatencyRecorder() {
        Operation[] operations = Operation.values();
        recorders = new Recorder[operations.length];
        totals = new Histogram[operations.length];
        spares = new Histogram[operations.length];
        for (int i = 0; i < operations.length; i++) {
            recorders[i] = new Recorder(1, MeteredEngine.HIGHEST_TRACKED_NANOS, SIGNIFICANT_DIGITS);
            totals[i] = new Histogram(1, MeteredEngine.HIGHEST_TRACKED_NANOS, SIGNIFICANT_DIGITS);
        }
    }

    void record(Operation operation, long nanos) {
        // A coarse timer can measure 0 ns; the histogram takes values from 1 to HIGHEST only.
        recorders[operation.ordinal()].recordValue(
                Math.min(Math.max(nanos, 1), MeteredEngine.HIGHEST_TRACKED_NANOS));
    }

    synchronized Map<Operation, OperationLatency> snapshot() {
        Map<Operation, OperationLatency> figures = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            figures.put(operation, snapshot(operation));
        }
        return figures;
    }

    synchronized OperationLatency snapshot(Operation operation) {
        int i = operation.ordinal();
        // Hand the recorder back the histogram read last time, so steady reads allocate nothing.
        Histogram interval = recorders[i].getIntervalHistogram(spares[i]);
        totals[i].add(interval);
        spares[i] = interval;
        Histogram total = totals[i];
        long count = total.getTotalCount();
        return new OperationLatency(operation, count, total.getValueAtPercentile(50),
                total.getValueAtPercentile(99), total.getValueAtPercentile(99.9), total.getMaxValue(),
                count == 0 ? 0 : total.getMean());
    }
}
