package io.larder.metrics;

import io.larder.spi.Capability;
import io.larder.spi.Clock;
import io.larder.spi.InvalidationMode;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.WriteOptions;
import io.larder.spi.ComputeFunction;
import io.larder.spi.CounterResult;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An engine that forwards every operation to another one and records how long each call took, per
 * {@link Operation kind}, for the latency figures an operator watches (p50, p99, p99.9, max).
 *
 * <p>Every operation, the default ones included, goes to the wrapped engine's own implementation,
 * so the engine behaves exactly as unwrapped: same results, same exceptions, same
 * {@link #stats()}. A call that throws is timed and counted too. The cost on the hot path is two
 * {@link System#nanoTime()} calls and one wait-free histogram update; threads share no lock.
 * {@link #latencies()} may be called from any thread, for instance by a metrics scrape, also after
 * {@link #close()}.
 *
 * <pre>{@code
 * MeteredEngine cache = MeteredEngine.wrap(Larder.open("offheap:?capacity=512m"));
 * ...
 * OperationLatency reads = cache.latencies().get(Operation.READ);
 * }</pre>
 */
public final class MeteredEngine implements StorageEngine {

    /** The longest call the histograms tell apart, one minute; slower calls count as this long. */
    public static final long HIGHEST_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final StorageEngine engine;
    private final LatencyRecorder recorder = new LatencyRecorder();

    private MeteredEngine(StorageEngine engine) {
        this.engine = engine;
    }

    /**
     * Wraps an engine. Closing the wrapper closes the engine.
     *
     * @param engine the engine to time
     * @return a wrapper that forwards to {@code engine}
     * @throws NullPointerException if {@code engine} is null
     */
    public static MeteredEngine wrap(StorageEngine engine) {
        return new MeteredEngine(Objects.requireNonNull(engine, "engine must not be null"));
    }

    /**
     * The engine this one forwards to.
     *
     * @return the wrapped engine
     */
    public StorageEngine engine() {
        return engine;
    }

    /**
     * The latency figures of every operation kind since this wrapper was made, each kind present
     * (with a count of 0 when never called). Safe from any thread, cheap enough for every scrape,
     * and it never throws for a closed engine.
     *
     * @return the figures by operation kind
     */
    public Map<Operation, OperationLatency> latencies() {
        return recorder.snapshot();
    }

    /**
     * The latency figures of one operation kind since this wrapper was made; cheaper than
     * {@link #latencies()} when a scrape asks for one kind at a time.
     *
     * @param operation the kind of operation
     * @return its figures, with a count of 0 when never called
     * @throws NullPointerException if {@code operation} is null
     */
    public OperationLatency latency(Operation operation) {
        return recorder.snapshot(Objects.requireNonNull(operation, "operation must not be null"));
    }

    private void done(Operation operation, long start) {
        recorder.record(operation, System.nanoTime() - start);
    }

    // ---- identity: not timed -------------------------------------------------------------

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public Set<Capability> capabilities() {
        return engine.capabilities();
    }

    @Override
    public long maxValueSize() {
        return engine.maxValueSize();
    }

    // ---- reads ---------------------------------------------------------------------------

    @Override
    public <R> R read(Key key, EntryReader<R> reader) {
        long start = System.nanoTime();
        try {
            return engine.read(key, reader);
        } finally {
            done(Operation.READ, start);
        }
    }

    @Override
    public Entry get(Key key) {
        long start = System.nanoTime();
        try {
            return engine.get(key);
        } finally {
            done(Operation.READ, start);
        }
    }

    @Override
    public int copyValue(Key key, ByteBuffer dst) {
        long start = System.nanoTime();
        try {
            return engine.copyValue(key, dst);
        } finally {
            done(Operation.READ, start);
        }
    }

    // ---- writes --------------------------------------------------------------------------

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        long start = System.nanoTime();
        try {
            return engine.compute(key, function);
        } finally {
            done(Operation.COMPUTE, start);
        }
    }

    @Override
    public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.set(key, value, expiry, flags);
        } finally {
            done(Operation.SET, start);
        }
    }

    @Override
    public long set(Key key, byte[] value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.set(key, value, expiry, flags);
        } finally {
            done(Operation.SET, start);
        }
    }

    @Override
    public long set(Key key, byte[] value) {
        long start = System.nanoTime();
        try {
            return engine.set(key, value);
        } finally {
            done(Operation.SET, start);
        }
    }

    @Override
    public Outcome add(Key key, ByteBuffer value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.add(key, value, expiry, flags);
        } finally {
            done(Operation.ADD, start);
        }
    }

    @Override
    public Outcome add(Key key, byte[] value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.add(key, value, expiry, flags);
        } finally {
            done(Operation.ADD, start);
        }
    }

    @Override
    public Outcome replace(Key key, ByteBuffer value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.replace(key, value, expiry, flags);
        } finally {
            done(Operation.REPLACE, start);
        }
    }

    @Override
    public Outcome replace(Key key, byte[] value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.replace(key, value, expiry, flags);
        } finally {
            done(Operation.REPLACE, start);
        }
    }

    @Override
    public Outcome compareAndSet(Key key, long expectedVersion, ByteBuffer value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.compareAndSet(key, expectedVersion, value, expiry, flags);
        } finally {
            done(Operation.COMPARE_AND_SET, start);
        }
    }

    @Override
    public Outcome compareAndSet(Key key, long expectedVersion, byte[] value, Expiry expiry, int flags) {
        long start = System.nanoTime();
        try {
            return engine.compareAndSet(key, expectedVersion, value, expiry, flags);
        } finally {
            done(Operation.COMPARE_AND_SET, start);
        }
    }

    @Override
    public Outcome delete(Key key) {
        long start = System.nanoTime();
        try {
            return engine.delete(key);
        } finally {
            done(Operation.DELETE, start);
        }
    }

    @Override
    public Outcome delete(Key key, long expectedVersion) {
        long start = System.nanoTime();
        try {
            return engine.delete(key, expectedVersion);
        } finally {
            done(Operation.DELETE, start);
        }
    }

    @Override
    public Outcome touch(Key key, Expiry expiry) {
        long start = System.nanoTime();
        try {
            return engine.touch(key, expiry);
        } finally {
            done(Operation.TOUCH, start);
        }
    }

    @Override
    public Entry getAndTouch(Key key, Expiry expiry) {
        long start = System.nanoTime();
        try {
            return engine.getAndTouch(key, expiry);
        } finally {
            done(Operation.GET_AND_TOUCH, start);
        }
    }

    @Override
    public Outcome append(Key key, ByteBuffer suffix) {
        long start = System.nanoTime();
        try {
            return engine.append(key, suffix);
        } finally {
            done(Operation.CONCAT, start);
        }
    }

    @Override
    public Outcome append(Key key, byte[] suffix) {
        long start = System.nanoTime();
        try {
            return engine.append(key, suffix);
        } finally {
            done(Operation.CONCAT, start);
        }
    }

    @Override
    public Outcome prepend(Key key, ByteBuffer prefix) {
        long start = System.nanoTime();
        try {
            return engine.prepend(key, prefix);
        } finally {
            done(Operation.CONCAT, start);
        }
    }

    @Override
    public Outcome prepend(Key key, byte[] prefix) {
        long start = System.nanoTime();
        try {
            return engine.prepend(key, prefix);
        } finally {
            done(Operation.CONCAT, start);
        }
    }

    @Override
    public CounterResult increment(Key key, long delta) {
        long start = System.nanoTime();
        try {
            return engine.increment(key, delta);
        } finally {
            done(Operation.COUNTER, start);
        }
    }

    @Override
    public CounterResult decrement(Key key, long delta) {
        long start = System.nanoTime();
        try {
            return engine.decrement(key, delta);
        } finally {
            done(Operation.COUNTER, start);
        }
    }

    // ---- writes with options, and cache semantics -------------------------------------------

    @Override
    public Clock clock() {
        return engine.clock();
    }

    @Override
    public long set(Key key, ByteBuffer value, WriteOptions options) {
        long start = System.nanoTime();
        try {
            return engine.set(key, value, options);
        } finally {
            done(Operation.SET, start);
        }
    }

    @Override
    public long set(Key key, byte[] value, WriteOptions options) {
        long start = System.nanoTime();
        try {
            return engine.set(key, value, options);
        } finally {
            done(Operation.SET, start);
        }
    }

    @Override
    public Outcome add(Key key, ByteBuffer value, WriteOptions options) {
        long start = System.nanoTime();
        try {
            return engine.add(key, value, options);
        } finally {
            done(Operation.ADD, start);
        }
    }

    @Override
    public Outcome replace(Key key, ByteBuffer value, WriteOptions options) {
        long start = System.nanoTime();
        try {
            return engine.replace(key, value, options);
        } finally {
            done(Operation.REPLACE, start);
        }
    }

    @Override
    public Outcome compareAndSet(Key key, long expectedVersion, ByteBuffer value, WriteOptions options) {
        long start = System.nanoTime();
        try {
            return engine.compareAndSet(key, expectedVersion, value, options);
        } finally {
            done(Operation.COMPARE_AND_SET, start);
        }
    }

    @Override
    public Outcome compareAndSet(Key key, long expectedVersion, byte[] value, WriteOptions options) {
        long start = System.nanoTime();
        try {
            return engine.compareAndSet(key, expectedVersion, value, options);
        } finally {
            done(Operation.COMPARE_AND_SET, start);
        }
    }

    @Override
    public Lookup lookup(Key key, LeaseOptions options) {
        long start = System.nanoTime();
        try {
            return engine.lookup(key, options);
        } finally {
            done(Operation.LOOKUP, start);
        }
    }

    @Override
    public Outcome markStale(Key key, Expiry grace) {
        long start = System.nanoTime();
        try {
            return engine.markStale(key, grace);
        } finally {
            done(Operation.MARK_STALE, start);
        }
    }

    @Override
    public int invalidate(byte[] primary, InvalidationMode mode) {
        long start = System.nanoTime();
        try {
            return engine.invalidate(primary, mode);
        } finally {
            done(Operation.INVALIDATE, start);
        }
    }

    @Override
    public long invalidateTag(String tag, InvalidationMode mode) {
        long start = System.nanoTime();
        try {
            return engine.invalidateTag(tag, mode);
        } finally {
            done(Operation.INVALIDATE_TAG, start);
        }
    }

    // ---- primaries -----------------------------------------------------------------------

    @Override
    public int invalidate(byte[] primary) {
        long start = System.nanoTime();
        try {
            return engine.invalidate(primary);
        } finally {
            done(Operation.INVALIDATE, start);
        }
    }

    @Override
    public int invalidate(String primary) {
        long start = System.nanoTime();
        try {
            return engine.invalidate(primary);
        } finally {
            done(Operation.INVALIDATE, start);
        }
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        long start = System.nanoTime();
        try {
            return engine.variants(primary);
        } finally {
            done(Operation.VARIANTS, start);
        }
    }

    @Override
    public List<Variant> variants(String primary) {
        long start = System.nanoTime();
        try {
            return engine.variants(primary);
        } finally {
            done(Operation.VARIANTS, start);
        }
    }

    @Override
    public void clear() {
        long start = System.nanoTime();
        try {
            engine.clear();
        } finally {
            done(Operation.CLEAR, start);
        }
    }

    // ---- stats and lifecycle: not timed --------------------------------------------------

    @Override
    public EngineStats stats() {
        return engine.stats();
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "metered " + engine;
    }
}
