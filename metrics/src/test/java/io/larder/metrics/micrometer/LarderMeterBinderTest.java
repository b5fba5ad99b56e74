package io.larder.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.metrics.MeteredEngine;
import io.larder.spi.ComputeAction;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
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
            assertThat(registry.get("larder.operation.latency").meters()).hasSize(3 * 14);
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
}
