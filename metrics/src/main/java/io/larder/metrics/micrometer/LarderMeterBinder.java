package io.larder.metrics.micrometer;

import io.larder.metrics.MeteredEngine;
import io.larder.metrics.Operation;
import io.larder.spi.EngineClosedException;
import io.larder.spi.EngineStats;
import io.larder.spi.StorageEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Publishes an engine's {@link EngineStats} to a Micrometer registry, and, for a
 * {@link MeteredEngine}, its per-operation latency figures. Every meter carries the tag
 * {@code engine} (the engine's name) and the tags given here, e.g. {@code cache=pages} to tell two
 * engines apart.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>from</th></tr>
 *   <tr><td>{@code larder.entries}</td><td>gauge</td><td></td><td>{@code entries}</td></tr>
 *   <tr><td>{@code larder.used}</td><td>gauge, bytes</td><td></td><td>{@code bytesUsed}</td></tr>
 *   <tr><td>{@code larder.capacity}</td><td>gauge, bytes</td><td></td><td>{@code capacity}</td></tr>
 *   <tr><td>{@code larder.gets}</td><td>counter</td><td>{@code result=hit|miss}</td>
 *       <td>{@code hits}, {@code misses}</td></tr>
 *   <tr><td>{@code larder.writes}</td><td>counter</td><td></td><td>{@code writes}</td></tr>
 *   <tr><td>{@code larder.removals}</td><td>counter</td>
 *       <td>{@code cause=delete|invalidation|eviction|expiration}</td>
 *       <td>{@code deletes}, {@code invalidations}, {@code evictions}, {@code expirations}</td></tr>
 *   <tr><td>{@code larder.background.failures}</td><td>counter</td><td></td>
 *       <td>{@code backgroundFailures}</td></tr>
 *   <tr><td>{@code larder.engine.figure}</td><td>gauge</td><td>{@code figure=<name>}</td>
 *       <td>{@code engineSpecific}, the names present when bound</td></tr>
 *   <tr><td>{@code larder.operation.calls}</td><td>counter</td><td>{@code operation}</td>
 *       <td>{@link MeteredEngine} only</td></tr>
 *   <tr><td>{@code larder.operation.latency}</td><td>time gauge</td>
 *       <td>{@code operation}, {@code quantile=0.5|0.99|0.999}</td><td>{@link MeteredEngine} only</td></tr>
 *   <tr><td>{@code larder.operation.latency.max}</td><td>time gauge</td><td>{@code operation}</td>
 *       <td>{@link MeteredEngine} only</td></tr>
 * </table>
 *
 * <p>One scrape calls the engine's {@code stats()} once: every meter reads one snapshot, taken by the
 * first meter read and reused for {@value #SNAPSHOT_MILLIS} ms, far less than any scrape interval,
 * so the figures of one scrape agree with each other. Latencies are since the wrapper was made, not
 * per scrape interval. A scrape after the engine closed reads the engine's last figures; should an
 * engine's {@code stats()} throw {@link EngineClosedException} nonetheless, the binder reports the
 * last figures it read.
 *
 * <p>The meters' functions hold this binder, and so the engine: a registry keeps a closed engine
 * reachable until its meters are removed from it.
 */
public final class LarderMeterBinder implements MeterBinder {

    /** How long one reading of the engine's figures serves the meters, in milliseconds. */
    public static final long SNAPSHOT_MILLIS = 100;
    static final long SNAPSHOT_NANOS = TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_MILLIS);

    private static final EngineStats NONE = new EngineStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

    private final StorageEngine engine;
    private final Tags tags;
    private final LongSupplier nanoTime;
    private EngineStats snapshot = NONE;
    private long snapshotAt;
    private boolean snapshotTaken;

    /**
     * A binder for one engine.
     *
     * @param engine the engine, or a {@link MeteredEngine} around it for latency figures as well
     * @param tags further tags for every meter, e.g. {@code Tags.of("cache", "pages")}
     * @throws NullPointerException if an argument is null
     */
    public LarderMeterBinder(StorageEngine engine, Iterable<Tag> tags) {
        this(engine, tags, System::nanoTime);
    }

    /** As the public constructor, reading the time for the snapshot's age from {@code nanoTime}. */
    LarderMeterBinder(StorageEngine engine, Iterable<Tag> tags, LongSupplier nanoTime) {
        this.engine = Objects.requireNonNull(engine, "engine must not be null");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags must not be null")).and("engine", engine.name());
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "larder.entries", null, EngineStats::entries);
        gauge(registry, "larder.used", "bytes", EngineStats::bytesUsed);
        gauge(registry, "larder.capacity", "bytes", EngineStats::capacity);
        counter(registry, "larder.gets", Tags.of("result", "hit"), EngineStats::hits);
        counter(registry, "larder.gets", Tags.of("result", "miss"), EngineStats::misses);
        counter(registry, "larder.writes", Tags.empty(), EngineStats::writes);
        counter(registry, "larder.removals", Tags.of("cause", "delete"), EngineStats::deletes);
        counter(registry, "larder.removals", Tags.of("cause", "invalidation"), EngineStats::invalidations);
        counter(registry, "larder.removals", Tags.of("cause", "eviction"), EngineStats::evictions);
        counter(registry, "larder.removals", Tags.of("cause", "expiration"), EngineStats::expirations);
        counter(registry, "larder.background.failures", Tags.empty(), EngineStats::backgroundFailures);
        // Straight from the engine, not the snapshot: the first scrape must not see figures from now.
        for (String figure : engine.stats().engineSpecific().keySet()) {
            Gauge.builder("larder.engine.figure", engine,
                            e -> stats().engineSpecific().getOrDefault(figure, 0L).doubleValue())
                    .tags(tags).tag("figure", figure)
                    .register(registry);
        }
        if (engine instanceof MeteredEngine metered) {
            bindLatencies(registry, metered);
        }
    }

    private void bindLatencies(MeterRegistry registry, MeteredEngine metered) {
        for (Operation operation : Operation.values()) {
            Tags op = tags.and("operation", operation.name().toLowerCase(Locale.ROOT));
            FunctionCounter.builder("larder.operation.calls", metered, e -> e.latency(operation).count())
                    .tags(op).register(registry);
            TimeGauge.builder("larder.operation.latency", metered, TimeUnit.NANOSECONDS,
                    e -> e.latency(operation).p50Nanos()).tags(op).tag("quantile", "0.5").register(registry);
            TimeGauge.builder("larder.operation.latency", metered, TimeUnit.NANOSECONDS,
                    e -> e.latency(operation).p99Nanos()).tags(op).tag("quantile", "0.99").register(registry);
            TimeGauge.builder("larder.operation.latency", metered, TimeUnit.NANOSECONDS,
                    e -> e.latency(operation).p999Nanos()).tags(op).tag("quantile", "0.999").register(registry);
            TimeGauge.builder("larder.operation.latency.max", metered, TimeUnit.NANOSECONDS,
                    e -> e.latency(operation).maxNanos()).tags(op).register(registry);
        }
    }

    private void gauge(MeterRegistry registry, String name, String unit, ToDoubleFunction<EngineStats> figure) {
        // Micrometer holds the engine weakly, but the function holds this binder, which holds the
        // engine: the meter keeps it reachable, and the gauge never turns NaN while registered.
        Gauge.builder(name, engine, e -> figure.applyAsDouble(stats())).tags(tags).baseUnit(unit)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, Tags extra, ToDoubleFunction<EngineStats> figure) {
        FunctionCounter.builder(name, engine, e -> figure.applyAsDouble(stats())).tags(tags).tags(extra)
                .register(registry);
    }

    /**
     * The engine's figures as of at most {@link #SNAPSHOT_MILLIS} ago, so one scrape of a dozen
     * meters asks the engine once; or the last ones read if it cannot give them.
     */
    private synchronized EngineStats stats() {
        long now = nanoTime.getAsLong();
        if (snapshotTaken && now - snapshotAt < SNAPSHOT_NANOS) {
            return snapshot;
        }
        try {
            snapshot = engine.stats();
        } catch (EngineClosedException e) {
            // Engines return their last figures after close; one that still throws should not make
            // every scrape after shutdown fail. Other failures reach Micrometer, which reports them.
        }
        snapshotAt = now;
        snapshotTaken = true;
        return snapshot;
    }
}
