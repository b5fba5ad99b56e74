package io.larder.engine.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Clock;
import io.larder.spi.EngineConfig;
import io.larder.spi.EngineStats;
import io.larder.spi.Key;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capacity} bounds the disk too: live SST files plus the WAL settle within it (with the
 * documented slack) when the values do not compress, and the accounting bound alone rules when
 * they do. The store is opened with the defaults a user gets (no writeBuffer given), so the
 * memtables and the WAL are sized from the capacity.
 */
class RocksDiskBudgetTest {

    private static final long CAPACITY = 16L << 20;
    /** The documented slack over capacity of the settled disk use (README, Room and eviction). */
    private static final double SLACK = 0.10;
    private static final int VALUE = 4000;
    /** Ten times the capacity, written under new keys. */
    private static final int WRITES = (int) (10 * CAPACITY / VALUE);

    @TempDir
    Path tmp;

    @Test
    void incompressibleValuesSettleWithinTheDiskBudgetAndKeepAFairShare() throws Exception {
        try (RocksEngine engine = open(tmp.resolve("random"))) {
            SplittableRandom random = new SplittableRandom(12);
            for (int i = 0; i < WRITES; i++) {
                byte[] value = new byte[VALUE];
                random.nextBytes(value);
                engine.set(Key.of("k" + i), value);
                assertThat(engine.stats().bytesUsed()).isLessThanOrEqualTo(CAPACITY);
            }
            EngineStats settled = settle(engine);
            long disk = settled.engineSpecific().get("diskBytes");
            assertThat(disk).as("live SST + WAL bytes after settling (capacity %d, stats %s)", CAPACITY, settled)
                    .isLessThanOrEqualTo((long) (CAPACITY * (1 + SLACK)));
            assertThat(disk).as("disk bytes: no over-eviction to near-empty").isGreaterThanOrEqualTo(
                    (long) (CAPACITY * 0.4));
            assertThat(settled.bytesUsed()).as("entries kept: a fair share of capacity")
                    .isGreaterThanOrEqualTo((long) (CAPACITY * 0.4)).isLessThanOrEqualTo(CAPACITY);
            assertThat(settled.evictions()).isEqualTo(WRITES - settled.entries());
            assertThat(engine.get(Key.of("k" + (WRITES - 1)))).as("the newest entry").isNotNull();
        }
    }

    @Test
    void compressibleValuesLeaveTheAccountingBoundInCharge() throws Exception {
        try (RocksEngine engine = open(tmp.resolve("zeros"))) {
            for (int i = 0; i < WRITES; i++) {
                engine.set(Key.of("k" + i), new byte[VALUE]);
            }
            EngineStats settled = settle(engine);
            assertThat(settled.engineSpecific().get("evictionTarget")).as("eviction target, stats %s", settled)
                    .isEqualTo(CAPACITY);
            assertThat(settled.bytesUsed()).as("the accounting bound is reached, no extra evictions")
                    .isGreaterThan(CAPACITY - 2L * Records.charge(8, VALUE));
            assertThat(settled.engineSpecific().get("diskBytes")).as("disk far below capacity")
                    .isLessThan(CAPACITY / 2);
            assertThat(settled.capacity()).isEqualTo(CAPACITY);
        }
    }

    /** Waits, bounded by time and count, until disk use is within budget; the last stats either way. */
    private static EngineStats settle(RocksEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        EngineStats stats = engine.stats();
        for (int round = 0; round < 600 && System.nanoTime() < deadline; round++) {
            stats = engine.stats();
            Long target = stats.engineSpecific().get("evictionTarget");
            if (stats.engineSpecific().get("diskBytes") <= CAPACITY && target != null
                    && stats.bytesUsed() <= target) {
                break;
            }
            Thread.sleep(100);
        }
        return stats;
    }

    private static RocksEngine open(Path dir) {
        Map<String, String> map = new HashMap<>();
        map.put("path", dir.toString());
        map.put("capacity", "16m");
        map.put("blockCache", "8m");
        map.put("sweepInterval", "20ms");
        return RocksEngine.open(RocksEngineProvider.settings(EngineConfig.of("rocksdb", map)
                .withClock(Clock.system())));
    }
}
