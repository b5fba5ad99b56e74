package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Room in the map: second chance needs none, and a full map does not empty the cache. */
class LmdbRoomTest {

    /** Writes of the largest value allowed after the store was filled with small entries. */
    static final int MAX_SIZE_WRITES = 24;
    /** Large values each read once, in a store that holds about eight of them. */
    static final int READ_LARGE_WRITES = 16;

    @TempDir
    Path dir;

    /**
     * Many small entries under random keys from one thread, ten times what the map holds: no write
     * may fail for room. Evicting down to the low mark in the write's own transaction copied every
     * leaf it touched, which took more pages than the map had free.
     */
    @Test
    void manySmallRandomKeysNeverFillTheMap() {
        long capacity = 2L << 20;
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", Long.toString(capacity),
                "maxValueSize", "4k", "sync", "false")) {
            byte[] value = new byte[200];
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            random.nextBytes(value);
            long written = 0;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; written < 10 * capacity && System.nanoTime() < deadline; i++) {
                Key key = Key.of("https://example.org/object/" + random.nextInt(200_000));
                if (engine.copyValue(key, java.nio.ByteBuffer.allocate(value.length)) < 0) {
                    engine.set(key, value, Expiry.never(), 0);
                    written += value.length + key.encodedLength();
                }
            }
            assertThat(written).as("bytes written").isGreaterThanOrEqualTo(capacity);
            assertThat(engine.stats().bytesUsed()).isLessThanOrEqualTo(capacity);
            assertThat(engine.stats().entries()).as("entries held").isGreaterThan(1000);
            assertThat(engine.verify()).isEmpty();
        }
    }

    /**
     * Checking room no longer counts the trees' pages on every write: lmdbjava allocates a struct per
     * database for that, about 4 KB a set, ten times what a plain lmdbjava put allocates.
     */
    @Test
    void aWarmSetDoesNotCountThePagesEveryTime() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled());
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", "64m", "sync", "false")) {
            Key[] keys = new Key[1_000];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Key.of("https://example.org/object/" + i);
            }
            java.nio.ByteBuffer value = java.nio.ByteBuffer.allocateDirect(100);
            for (int i = 0; i < 30_000; i++) { // compiled before measuring
                engine.set(keys[i % keys.length], value.clear(), Expiry.never(), 0);
            }
            int sets = 5_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < sets; i++) {
                engine.set(keys[i % keys.length], value.clear(), Expiry.never(), 0);
            }
            long perSet = (threads.getCurrentThreadAllocatedBytes() - before) / sets;
            assertThat(perSet).as("bytes allocated per warm set").isLessThan(2_000);
            assertThat(engine.stats().entries()).isEqualTo(keys.length);
        }
    }

    /**
     * Expired entries under random keys, swept in one go from a small map: the sweep must count
     * them as expirations, not evict them (nor anything else) to find room for its own transactions.
     */
    @Test
    void sweepingManyExpiredRandomKeysNeedsNoEviction() {
        ManualClock clock = new ManualClock();
        try (LmdbEngine engine = Stores.open(dir, clock, "capacity", "2m", "maxValueSize", "4k", "sync", "false",
                "sweepInterval", "1h")) {
            byte[] value = new byte[200];
            java.util.SplittableRandom random = new java.util.SplittableRandom(11);
            for (int i = 0; i < 2500; i++) {
                engine.set(Key.of("https://example.org/object/" + random.nextInt(1 << 30)), value,
                        Expiry.afterMillis(1000), 0);
            }
            long entries = engine.stats().entries();
            long evictions = engine.stats().evictions();
            clock.advanceMillis(2000);
            engine.sweepExpired();
            assertThat(engine.stats().evictions()).as("evictions by the sweep").isEqualTo(evictions);
            assertThat(engine.stats().expirations()).isEqualTo(entries);
            assertThat(engine.stats().entries()).isZero();
        }
    }

    @Test
    void secondChanceForLargeValuesNeedsNoRoom() {
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", "32m", "maxValueSize", "4m")) {
            byte[] value = new byte[4 << 20];
            for (int i = 0; i < READ_LARGE_WRITES; i++) {
                value[0] = (byte) i;
                engine.set(Key.of("big" + i), value, Expiry.never(), 0);
                assertThat(engine.get(Key.of("big" + i))).isNotNull();
            }
            assertThat(engine.stats().entries()).isGreaterThanOrEqualTo(2);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void largestValuesAfterManySmallOnesEvictOnlyWhatTheyNeed() {
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", "8m", "maxValueSize", "1m")) {
            byte[] small = new byte[100];
            for (int i = 0; i < 80_000; i++) {
                engine.set(Key.of("s" + i), small, Expiry.never(), 0);
            }
            long before = engine.stats().entries();
            byte[] large = new byte[1 << 20];
            for (int i = 0; i < MAX_SIZE_WRITES; i++) {
                engine.set(Key.of("l" + i), large, Expiry.never(), 0);
                long held = engine.stats().entries();
                if (i == 0) {
                    assertThat(held).as("entries after the first 1 MiB write, %d before", before)
                            .isGreaterThanOrEqualTo(before / 2);
                }
                assertThat(held).as("entries after 1 MiB write %d", i).isGreaterThanOrEqualTo(2);
            }
            assertThat(engine.verify()).isEmpty();
        }
    }
}
