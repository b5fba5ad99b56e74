package io.larder.engine.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import io.larder.spi.Outcome;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksUpkeepTest {

    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock();

    @Test
    void theSweeperReclaimsExpiredAndTagInvalidatedEntries() {
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock)) {
            for (int i = 0; i < 2500; i++) {
                engine.set(Key.of("e" + i), new byte[100], Expiry.after(Duration.ofSeconds(10)), 0);
            }
            for (int i = 0; i < 300; i++) {
                engine.set(Key.of("t" + i), new byte[100], WriteOptions.tagged("group"));
            }
            engine.set(Key.of("keep"), new byte[100]);
            long bytesFull = engine.stats().bytesUsed();
            engine.invalidateTag("group", InvalidationMode.REMOVE);
            clock.advance(Duration.ofSeconds(11));
            assertThat(engine.stats().entries()).as("nothing reclaimed before the sweeper runs").isEqualTo(2801);
            // each run removes at most a batch per kind; bounded by count
            for (int run = 0; run < 10 && engine.stats().entries() > 1; run++) {
                engine.sweepNow();
            }
            assertThat(engine.stats().entries()).isEqualTo(1);
            assertThat(engine.stats().expirations()).isEqualTo(2500);
            assertThat(engine.stats().invalidations()).isEqualTo(300);
            assertThat(engine.stats().bytesUsed()).isLessThan(bytesFull / 100);
            assertThat(engine.stats().engineSpecific().get("tagWatermarks")).as("kept for tag guards").isEqualTo(1);
            assertThat(engine.get(Key.of("keep"))).isNotNull();
        }
    }

    @Test
    void theSweeperKeepsAWatermarkATagGuardStillNeeds() {
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock)) {
            Key key = Key.of("/page");
            long token = engine.set(key, bytes("origin data of before"));
            engine.invalidateTag("post:1", InvalidationMode.MARK_STALE);
            // no entry carries the tag, but the token predates its invalidation
            engine.sweepNow();
            Outcome late = engine.compareAndSet(key, token, bytes("rebuilt from before"), WriteOptions.tagged("post:1"));
            assertThat(late.status()).as("a guarded store whose token predates the tag's invalidation")
                    .isEqualTo(Outcome.Status.EXISTS);
            assertThat(engine.get(key).valueAsString()).isEqualTo("origin data of before");
        }
    }

    @Test
    void readsNeverWriteToTheStore() throws Exception {
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock)) {
            for (int i = 0; i < 100; i++) {
                engine.set(Key.of("k" + i), new byte[100], i % 2 == 0 ? Expiry.after(Duration.ofSeconds(1))
                        : Expiry.never(), 0);
            }
            clock.advance(Duration.ofSeconds(2));
            long before = sequence(engine);
            ByteBuffer dst = ByteBuffer.allocateDirect(200);
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 100; i++) {
                    engine.get(Key.of("k" + i));
                    dst.clear();
                    engine.copyValue(Key.of("k" + i), dst);
                    engine.read(Key.of("k" + i), v -> v.hits());
                }
                engine.variants("k1");
            }
            assertThat(sequence(engine)).as("RocksDB's last sequence number after reads only").isEqualTo(before);
            assertThat(engine.get(Key.of("k1")).hits()).as("hits are counted in memory").isEqualTo(15);
        }
    }

    private static long sequence(RocksEngine engine) throws Exception {
        java.lang.reflect.Field f = RocksEngine.class.getDeclaredField("store");
        f.setAccessible(true);
        return ((Store) f.get(engine)).db.getLatestSequenceNumber();
    }

    @Test
    void aFullStoreEvictsOldestFirstAndKeepsEntriesReadSince() {
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock, "capacity", "1m", "maxValueSize", "64k")) {
            byte[] value = new byte[1000];
            for (int i = 0; i < 100; i++) {
                engine.set(Key.of("old" + i), value);
            }
            for (int i = 0; i < 10; i++) {
                engine.get(Key.of("old" + i));
            }
            for (int i = 0; i < 1500; i++) {
                engine.set(Key.of("new" + i), value);
            }
            var stats = engine.stats();
            assertThat(stats.bytesUsed()).isLessThanOrEqualTo(1L << 20);
            assertThat(stats.evictions()).isEqualTo(1600 - stats.entries());
            for (int i = 0; i < 10; i++) {
                assertThat(engine.get(Key.of("old" + i))).as("read since written: second chance").isNotNull();
            }
            assertThat(engine.get(Key.of("old50"))).as("never read: evicted first").isNull();
            assertThat(engine.get(Key.of("new1499"))).isNotNull();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
