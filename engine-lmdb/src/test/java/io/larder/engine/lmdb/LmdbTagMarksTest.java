package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.ManualClock;
import io.larder.spi.Outcome;
import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tag watermark table stays bounded by what live entries need, and never lets a refused rebuild land. */
class LmdbTagMarksTest {

    /** Distinct tags invalidated, one per write, as with tags like {@code user:<id>}. */
    static final int TAGS = 3000;
    /** Keys the writes churn over. */
    static final int KEYS = 50;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);

    private LmdbEngine open(String capacity) {
        return Stores.open(dir, clock, "capacity", capacity, "maxValueSize", "64k", "sweepInterval", "1h", "sync",
                "false");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void watermarksNoLiveEntryIsBelowAreDroppedBySweeps() {
        try (LmdbEngine engine = open("64m")) {
            for (int i = 0; i < TAGS; i++) {
                engine.set(Key.of("k" + (i % KEYS)), utf8("v" + i), WriteOptions.tagged("user:" + i));
                engine.invalidateTag("user:" + i, i % 2 == 0 ? InvalidationMode.REMOVE : InvalidationMode.MARK_STALE);
            }
            assertThat(engine.tagMarkRows()).isEqualTo(TAGS);
            for (int k = 0; k < KEYS; k++) {
                engine.set(Key.of("k" + k), utf8("fresh"), WriteOptions.none()); // above every watermark now
            }
            engine.sweepExpired();
            assertThat(engine.tagMarkRows()).as("watermark rows after a sweep").isZero();
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void aWatermarkAboveALivePlaceholderStaysAndStillRefusesTheRebuild() {
        try (LmdbEngine engine = open("64m")) {
            Key rebuilt = Key.of("rebuilt");
            Lookup won = engine.lookup(rebuilt, LeaseOptions.of(Duration.ofHours(1)).withVivifyOnMiss(true));
            engine.invalidateTag("user:1", InvalidationMode.REMOVE);
            for (int i = 0; i < 200; i++) {
                engine.set(Key.of("k" + (i % KEYS)), utf8("v" + i), WriteOptions.tagged("other:" + i));
                engine.invalidateTag("other:" + i, InvalidationMode.REMOVE);
            }
            engine.sweepExpired();
            assertThat(engine.compareAndSet(rebuilt, won.token(), utf8("rebuilt from before"),
                    WriteOptions.tagged("user:1"))).isEqualTo(Outcome.exists(won.token()));
            assertThat(engine.get(rebuilt)).isNull();
        }
    }

    @Test
    void anOldEntryKeptBySecondChancesKeepsTheWatermarksAboveIt() {
        try (LmdbEngine engine = open("2m")) {
            Key old = Key.of("old");
            long token = engine.set(old, utf8("old"), WriteOptions.none());
            engine.invalidateTag("g", InvalidationMode.REMOVE);
            byte[] small = new byte[100];
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Writes until the eviction queue has gone past the old entry several times: it stays
            // by its second chances, reading it after every few writes.
            for (int i = 0; i < 200_000 && engine.stats().evictions() < 30_000 && System.nanoTime() < deadline; i++) {
                engine.set(Key.of("s" + i), small, WriteOptions.none());
                if (i % 64 == 0) {
                    assertThat(engine.get(old)).as("the old entry, read often, after %d writes", i).isNotNull();
                }
            }
            assertThat(engine.stats().evictions()).as("evictions").isGreaterThan(10_000);
            assertThat(engine.get(old).version()).isEqualTo(token);
            engine.sweepExpired();
            assertThat(engine.compareAndSet(old, token, utf8("rebuilt from before"), WriteOptions.tagged("g")))
                    .isEqualTo(Outcome.exists(token));
        }
    }
}
