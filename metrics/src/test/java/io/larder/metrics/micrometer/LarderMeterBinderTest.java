package io.larder.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.metrics.MeteredEngine;
import io.larder.metrics.Operation;
import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LarderMeterBinderTest {

    private static final Tags PAGES = Tags.of("cache", "pages");

    @Test
    void publishesTheEngineFigures() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StorageEngine engine = Larder.open("heap:?capacity=1m&maxValueSize=64k")) {
            new LarderMeterBinder(engine, PAGES).bindTo(registry);
            Key key = Key.of("/a");
            engine.set(key, new byte[100]);
            engine.get(key);
            engine.get(Key.of("/absent"));
            engine.get(Key.of("/absent"));
            engine.delete(key);

            assertThat(registry.get("larder.gets").tags(PAGES).tag("engine", "heap").tag("result", "hit")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("larder.gets").tag("result", "miss").functionCounter().count()).isEqualTo(2);
            assertThat(registry.get("larder.capacity").gauge().value()).isEqualTo(1024 * 1024);
            assertThat(registry.get("larder.capacity").gauge().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(registry.get("larder.entries").gauge().value()).isZero();
            assertThat(registry.get("larder.removals").tag("cause", "eviction").functionCounter().count())
                    .isEqualTo(engine.stats().evictions());
            assertThat(registry.get("larder.removals").tag("cause", "delete").functionCounter().count())
                    .isEqualTo(engine.stats().deletes());
            assertThat(registry.get("larder.background.failures").functionCounter().count()).isZero();
            // A plain engine has no latency meters.
            assertThat(registry.find("larder.operation.latency").meters()).isEmpty();
        }
    }

    @Test
    void publishesLatenciesOfAMeteredEngine() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (MeteredEngine engine = MeteredEngine.wrap(Larder.open("heap:?capacity=1m&maxValueSize=64k"))) {
            new LarderMeterBinder(engine, PAGES).bindTo(registry);
            Key key = Key.of("/a");
            for (int i = 0; i < 10; i++) {
                engine.set(key, new byte[] {(byte) i}, Expiry.never(), 0);
            }
            // At least 20 ms inside one compute: the max cannot be less (within 1% precision).
            engine.compute(key, entry -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ComputeAction.keep();
            });

            assertThat(registry.get("larder.operation.calls").tag("operation", "set").functionCounter().count())
                    .isEqualTo(10);
            assertThat(registry.get("larder.operation.calls").tag("operation", "clear").functionCounter().count())
                    .isZero();
            double p50 = registry.get("larder.operation.latency").tag("operation", "set").tag("quantile", "0.5")
                    .timeGauge().value(TimeUnit.NANOSECONDS);
            double p99 = registry.get("larder.operation.latency").tag("operation", "set").tag("quantile", "0.99")
                    .timeGauge().value(TimeUnit.NANOSECONDS);
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            assertThat(registry.get("larder.operation.latency.max").tag("operation", "compute").timeGauge()
                    .value(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(19.8);
            assertThat(registry.get("larder.operation.latency").meters()).hasSize(3 * Operation.values().length);
        }
    }

    @Test
    void aScrapeAfterCloseReportsTheLastFigures() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StorageEngine engine = Larder.open("heap:?capacity=1m&maxValueSize=64k");
        new LarderMeterBinder(engine, PAGES).bindTo(registry);
        engine.get(Key.of("/absent"));
        assertThat(registry.get("larder.gets").tag("result", "miss").functionCounter().count()).isEqualTo(1);

        engine.close();

        for (Meter meter : registry.getMeters()) {
            meter.measure().forEach(measurement -> assertThat(measurement.getValue()).isNotNaN());
        }
        assertThat(registry.get("larder.gets").tag("result", "miss").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("larder.capacity").gauge().value()).isEqualTo(1024 * 1024);
    }

    /** A heap engine that counts its {@code stats()} calls. */
    static final class CountingStats implements StorageEngine {
        final StorageEngine delegate = Larder.open("heap:?capacity=1m&maxValueSize=64k");
        final AtomicInteger statsCalls = new AtomicInteger();

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public long maxValueSize() {
            return delegate.maxValueSize();
        }

        @Override
        public <R> R read(Key key, EntryReader<R> reader) {
            return delegate.read(key, reader);
        }

        @Override
        public Entry compute(Key key, ComputeFunction function) {
            return delegate.compute(key, function);
        }

        @Override
        public int invalidate(byte[] primary) {
            return delegate.invalidate(primary);
        }

        @Override
        public List<Variant> variants(byte[] primary) {
            return delegate.variants(primary);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public EngineStats stats() {
            statsCalls.incrementAndGet();
            return delegate.stats();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static void scrape(SimpleMeterRegistry registry) {
        for (Meter meter : registry.getMeters()) {
            meter.measure().forEach(measurement -> assertThat(measurement.getValue()).isNotNaN());
        }
    }

    @Test
    void oneScrapeReadsTheEngineFiguresOnce() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long[] now = {1_000_000_000L};
        try (CountingStats engine = new CountingStats()) {
            new LarderMeterBinder(engine, PAGES, () -> now[0]).bindTo(registry);
            engine.get(Key.of("/absent"));
            engine.statsCalls.set(0);

            scrape(registry);
            assertThat(engine.statsCalls.get()).as("stats() calls in one scrape of %d meters",
                    registry.getMeters().size()).isEqualTo(1);

            // The next scrape, a moment later, reads fresh figures.
            engine.get(Key.of("/absent"));
            now[0] += LarderMeterBinder.SNAPSHOT_NANOS;
            scrape(registry);
            assertThat(engine.statsCalls.get()).isEqualTo(2);
            assertThat(registry.get("larder.gets").tag("result", "miss").functionCounter().count()).isEqualTo(2);
        }
    }
}
