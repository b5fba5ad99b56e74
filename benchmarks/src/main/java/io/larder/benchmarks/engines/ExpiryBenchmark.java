package io.larder.benchmarks.engines;

import io.larder.benchmarks.sidebyside.Dataset;
import io.larder.benchmarks.sidebyside.SideBySideBenchmark;
import io.larder.benchmarks.sidebyside.Stores;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * The first read of an expired entry beside a read of a live one, per engine ({@code copyValue},
 * 100-byte values, {@value #KEYS} keys of each kind). Before every iteration the expired keys are
 * written again with a 1 ms time to live and left to expire, so each timed read meets an entry that
 * has expired but is still stored (the sweeper is held off with {@code sweepInterval=1h}); an engine
 * that removes an expired entry when a read finds it pays for that removal here.
 *
 * <p>One iteration is one pass over the keys, timed as a whole ({@code SingleShotTime} with a batch
 * of {@value #KEYS}): the score is milliseconds per {@value #KEYS} reads, so ten times the score is
 * nanoseconds per read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = ExpiryBenchmark.KEYS)
@Measurement(iterations = 10, batchSize = ExpiryBenchmark.KEYS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ExpiryBenchmark {

    static final int KEYS = 100_000;

    @Param({"heap", "offheap", "lmdb", "rocksdb"})
    public String store;

    private final byte[] value = new byte[100];
    private final ByteBuffer dst = ByteBuffer.allocateDirect(value.length);
    private StorageEngine engine;
    private Path dir;
    private Key[] live;
    private Key[] expired;
    private int next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("larder-expiry-");
        engine = Larder.open(Stores.engineUri(store, new Dataset(value.length, 2 * KEYS), dir, "sweepInterval=1h"));
        live = new Key[KEYS];
        expired = new Key[KEYS];
        for (int i = 0; i < KEYS; i++) {
            live[i] = Key.of("https://example.org/live/" + i);
            expired[i] = Key.of("https://example.org/expired/" + i);
            engine.set(live[i], value, Expiry.never(), 0);
        }
    }

    @Setup(Level.Iteration)
    public void expire() throws InterruptedException {
        Expiry soon = Expiry.afterMillis(1);
        for (Key key : expired) {
            engine.set(key, value, soon, 0);
        }
        for (Key key : live) {
            dst.clear();
            engine.copyValue(key, dst);
        }
        Thread.sleep(5);
        next = 0;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        SideBySideBenchmark.deleteTree(dir);
    }

    @Benchmark
    public int copyValueLive() {
        dst.clear();
        int n = engine.copyValue(live[next++], dst);
        if (n != value.length) {
            throw new IllegalStateException(store + " lost a live entry");
        }
        return n;
    }

    @Benchmark
    public int copyValueExpired() {
        dst.clear();
        int n = engine.copyValue(expired[next++], dst);
        if (n != -1) {
            throw new IllegalStateException(store + " returned an expired entry");
        }
        return n;
    }
}
