package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ConfigException;
import io.larder.spi.EngineConfig;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class AdmissionTest {

    private static final String OPTIONS = "capacity=1m&averageValueSize=400&maxValueSize=4k&sweepInterval=1h";

    /**
     * Streams one-off keys through, reading (and on a miss storing) one of a thousand hot keys every
     * third request: each hot key comes back after some 3,000 other keys, more than the engine
     * holds (about 2,000), so recency alone loses it. Returns the hot keys still there.
     */
    private static int hotKeysLeftAfterAScan(String admission) {
        try (StorageEngine engine = Larder.open(EngineConfig.parse("offheap:?" + OPTIONS + "&admission=" + admission))) {
            byte[] value = new byte[400];
            int hot = 1_000;
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < hot; i++) {
                    Key key = Key.of("/hot/" + i);
                    if (engine.get(key) == null) {
                        engine.set(key, value, Expiry.never(), 0);
                    }
                }
            }
            for (int i = 0; i < 60_000; i++) {
                Key key = i % 3 == 0 ? Key.of("/hot/" + (i / 3) % hot) : Key.of("/scan/" + i);
                if (engine.get(key) == null) {
                    engine.set(key, value, Expiry.never(), 0);
                }
            }
            int left = 0;
            for (int i = 0; i < hot; i++) {
                if (engine.get(Key.of("/hot/" + i)) != null) {
                    left++;
                }
            }
            if (admission.equals("tinylfu")) {
                assertThat(engine.stats().engineSpecific().get("admissionRejected")).isPositive();
            }
            return left;
        }
    }

    @Test
    void aScanOfOneOffKeysDoesNotFlushTheHotKeysUnderTinyLfu() {
        int lru = hotKeysLeftAfterAScan("none");
        int tinyLfu = hotKeysLeftAfterAScan("tinylfu");
        assertThat(tinyLfu).as("TinyLFU keeps nearly all (LRU kept %d)", lru).isGreaterThan(900);
        assertThat(lru).as("recency alone loses many hot keys to the scan").isLessThan(800);
    }

    @Test
    void anUnknownAdmissionIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> Larder.open(EngineConfig.parse("offheap:?" + OPTIONS + "&admission=lfu")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admission").hasMessageContaining("tinylfu");
    }

    @Test
    void theSketchCountsAndForgets() {
        FrequencySketch sketch = new FrequencySketch(1_000);
        long a = FrequencySketch.hash(new byte[] {1, 2, 3}, 3);
        long b = FrequencySketch.hash(new byte[] {3, 2, 1}, 3);
        for (int i = 0; i < 5; i++) {
            sketch.increment(a);
        }
        assertThat(sketch.frequency(a)).isGreaterThanOrEqualTo(5);
        assertThat(sketch.frequency(b)).isLessThan(5);
        for (int i = 0; i < 20; i++) {
            sketch.increment(a);
        }
        assertThat(sketch.frequency(a)).as("4-bit counters saturate").isEqualTo(15);
        // 10 x 1000 increments of other keys halve every counter at least once.
        for (int i = 0; i < 10_000; i++) {
            sketch.increment(FrequencySketch.hash(new byte[] {(byte) i, (byte) (i >> 8), 9}, 3));
        }
        assertThat(sketch.frequency(a)).as("halved").isLessThan(15);
    }
}
