package io.larder.engine.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every native object is closed: opening and closing the engine many times, and a long mixed
 * workload, leave the process's resident memory flat (after a warm-up that loads the library and
 * fills the caches). Bounded by count and by time.
 */
class RocksNativeMemoryTest {

    /** Growth allowed after warm-up: far below what a leaked block cache or memtable per open would add. */
    private static final long ALLOWED_GROWTH = 96L << 20;

    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock();

    @Test
    void openingAndClosingManyTimesDoesNotGrowResidentMemory() {
        Path dir = tmp.resolve("s");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // each open allocates a 8 MiB block cache and up to 4 MiB memtables: a leak shows within rounds
        for (int i = 0; i < 20; i++) {
            cycle(dir, i);
        }
        long warm = rss();
        int rounds = 0;
        while (rounds < 200 && System.nanoTime() < deadline) {
            cycle(dir, rounds);
            rounds++;
        }
        long after = rss();
        assertThat(rounds).isGreaterThanOrEqualTo(20);
        assertThat(after - warm).as("native RSS growth over %d open/close rounds (warm: %d bytes)", rounds, warm)
                .isLessThan(ALLOWED_GROWTH);
    }

    private void cycle(Path dir, int i) {
        try (RocksEngine engine = Stores.open(dir, clock)) {
            engine.set(Key.of("k" + i % 50), new byte[4096]);
            engine.get(Key.of("k" + (i + 7) % 50));
            engine.variants("k1");
            engine.stats();
        }
    }

    @Test
    void aLongMixedWorkloadDoesNotGrowResidentMemory() {
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock, "capacity", "8m", "maxValueSize", "64k")) {
            SplittableRandom random = new SplittableRandom(42);
            ByteBuffer dst = ByteBuffer.allocateDirect(64 << 10);
            run(engine, random, dst, 30_000, System.nanoTime() + Duration.ofSeconds(30).toNanos());
            long warm = rss();
            int done = run(engine, random, dst, 150_000, System.nanoTime() + Duration.ofSeconds(60).toNanos());
            long after = rss();
            assertThat(done).isGreaterThanOrEqualTo(10_000);
            assertThat(after - warm).as("native RSS growth over %d mixed operations (warm: %d bytes)", done, warm)
                    .isLessThan(ALLOWED_GROWTH);
        }
    }

    private int run(RocksEngine engine, SplittableRandom random, ByteBuffer dst, int operations, long deadline) {
        int n = 0;
        while (n < operations && System.nanoTime() < deadline) {
            Key key = Key.of("p" + random.nextInt(500), Variant.of("v", "" + random.nextInt(4)));
            switch (random.nextInt(10)) {
                case 0:
                    engine.set(key, new byte[random.nextInt(8192)], WriteOptions.tagged("t" + random.nextInt(20))
                            .withExpiry(Expiry.after(Duration.ofSeconds(random.nextInt(1, 30)))));
                    break;
                case 1:
                    engine.set(key, new byte[random.nextInt(8192)]);
                    break;
                case 2:
                    engine.delete(key);
                    break;
                case 3:
                    engine.invalidate("p" + random.nextInt(500));
                    break;
                case 4:
                    engine.invalidateTag("t" + random.nextInt(20), InvalidationMode.REMOVE);
                    break;
                case 5:
                    engine.variants("p" + random.nextInt(500));
                    break;
                default:
                    dst.clear();
                    engine.copyValue(key, dst);
                    engine.get(key);
                    break;
            }
            if (n % 1000 == 0) {
                clock.advance(Duration.ofSeconds(1));
                engine.sweepNow();
            }
            n++;
        }
        return n;
    }

    /**
     * Resident memory outside the JVM's own committed heap and non-heap pools: what native objects
     * take. The JVM may grow its heap between two samples (JDK 25 does, under this workload); that
     * is not a leak of ours.
     */
    static long rss() {
        System.gc();
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        return residentBytes() - memory.getHeapMemoryUsage().getCommitted()
                - memory.getNonHeapMemoryUsage().getCommitted();
    }

    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }
}
