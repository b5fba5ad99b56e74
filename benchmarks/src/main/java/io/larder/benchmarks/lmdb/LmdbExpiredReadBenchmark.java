package io.larder.benchmarks.lmdb;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A read of an expired entry beside a read of a live one ({@code get}, 100-byte values), in both
 * durability modes. The store is filled with {@code sync=false} and reopened in the mode measured;
 * the sweeper is held off, so every expired read meets an expired entry that is still stored (an
 * engine that removes it on the read meets the next one: the keys are read in turn).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class LmdbExpiredReadBenchmark {

    @Param({"true", "false"})
    public boolean sync;

    static final int LIVE_KEYS = 20_000;
    /** Enough that an engine removing each on its read does not run out within a short run. */
    static final int EXPIRED_KEYS = 400_000;

    Path root;
    StorageEngine engine;
    Key[] live;
    Key[] expired;
    int nextLive;
    int nextExpired;

    @Setup(Level.Trial)
    public void open() throws IOException, InterruptedException {
        root = Files.createTempDirectory("larder-lmdb-expired-bench-");
        String base = "lmdb:" + root.resolve("store") + "?capacity=1g&sweepInterval=1h";
        live = new Key[LIVE_KEYS];
        expired = new Key[EXPIRED_KEYS];
        byte[] value = new byte[100];
        try (StorageEngine fill = Larder.open(base + "&sync=false")) {
            for (int i = 0; i < LIVE_KEYS; i++) {
                live[i] = Key.of("https://example.org/live/" + i);
                fill.set(live[i], value, Expiry.never(), 0);
            }
            for (int i = 0; i < EXPIRED_KEYS; i++) {
                expired[i] = Key.of("https://example.org/expired/" + i);
                fill.set(expired[i], value, Expiry.after(Duration.ofMillis(1)), 0);
            }
        }
        Thread.sleep(20);
        engine = Larder.open(base + "&sync=" + sync);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Object getHit() {
        int i = nextLive;
        nextLive = i + 1 == LIVE_KEYS ? 0 : i + 1;
        return engine.get(live[i]);
    }

    @Benchmark
    public Object getExpired() {
        int i = nextExpired;
        nextExpired = i + 1 == EXPIRED_KEYS ? 0 : i + 1;
        return engine.get(expired[i]);
    }
}
