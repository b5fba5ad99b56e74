package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import org.junit.jupiter.api.Test;

/**
 * Suite 4: a full engine evicts instead of failing, stays within capacity plus its documented
 * overhead, counts its evictions, and keeps entries in use over cold ones.
 */
public interface CapacityTck extends TckSuite {

    /** Capacity for this suite: small, so that ten times it is written quickly. */
    default long tckEvictionCapacity() {
        return 4L << 20;
    }

    private EngineUnderTest openSmall() {
        return EngineUnderTest.open(factory(), tckEvictionCapacity(), tckMaxValueSize(), tckSweepInterval());
    }

    @Test
    default void writingTenTimesTheCapacityNeverFailsAndStaysWithinIt() {
        try (EngineUnderTest t = openSmall()) {
            StorageEngine e = t.engine();
            long capacity = e.stats().capacity();
            long allowed = capacity + tckAllowedOverheadBytes(capacity);
            int valueSize = 4096;
            long written = 0;
            int keys = 0;
            long lastVersion = 0;
            while (written < 10 * capacity) {
                long version = e.set(Key.of("fill-" + keys), TckValues.pattern(valueSize, keys), Expiry.never(), 0);
                assertThat(version).isGreaterThan(lastVersion);
                lastVersion = version;
                keys++;
                written += valueSize;
                if (keys % 256 == 0) {
                    assertThat(e.stats().bytesUsed()).as("bytes used after %d writes", keys)
                            .isLessThanOrEqualTo(allowed);
                }
            }
            EngineStats stats = e.stats();
            assertThat(stats.bytesUsed()).isLessThanOrEqualTo(allowed);
            assertThat(stats.evictions()).as("every key written once: evictions = written - held")
                    .isEqualTo(keys - stats.entries());
            assertThat(stats.entries()).as("a full engine still holds a fair share").isGreaterThan(
                    capacity / (valueSize + 200) / 4);
            // What is held is intact.
            int checked = 0;
            for (int i = keys - 1; i >= 0 && checked < 50; i--) {
                var entry = e.get(Key.of("fill-" + i));
                if (entry != null) {
                    assertThat(entry.value()).isEqualTo(TckValues.pattern(valueSize, i));
                    checked++;
                }
            }
            assertThat(checked).isPositive();
        }
    }

    @Test
    default void entriesInUseSurviveEvictionMoreOftenThanColdOnes() {
        try (EngineUnderTest t = openSmall()) {
            StorageEngine e = t.engine();
            long capacity = e.stats().capacity();
            int valueSize = 1024;
            int hot = 100;
            for (int i = 0; i < hot; i++) {
                e.set(Key.of("hot-" + i), TckValues.pattern(valueSize, i));
            }
            int cold = (int) (3 * capacity / valueSize);
            for (int i = 0; i < cold; i++) {
                e.set(Key.of("cold-" + i), TckValues.pattern(valueSize, i));
                if (i % 64 == 0) {
                    for (int h = 0; h < hot; h++) {
                        e.get(Key.of("hot-" + h));
                    }
                }
            }
            int hotLeft = 0;
            for (int i = 0; i < hot; i++) {
                hotLeft += e.get(Key.of("hot-" + i)) != null ? 1 : 0;
            }
            int coldLeft = 0;
            for (int i = 0; i < cold; i++) {
                coldLeft += e.get(Key.of("cold-" + i)) != null ? 1 : 0;
            }
            double hotShare = hotLeft / (double) hot;
            double coldShare = coldLeft / (double) cold;
            assertThat(e.stats().evictions()).isPositive();
            assertThat(hotShare).as("share of hot entries kept (cold: %.2f)", coldShare).isGreaterThanOrEqualTo(0.8)
                    .isGreaterThan(coldShare + 0.3);
        }
    }

    @Test
    default void aValueOfTheMaximumSizeIsStoredEvenWhenFull() {
        try (EngineUnderTest t = openSmall()) {
            StorageEngine e = t.engine();
            for (int i = 0; i < 2 * tckEvictionCapacity() / 4096; i++) {
                e.set(Key.of("f" + i), TckValues.pattern(4096, i));
            }
            byte[] largest = TckValues.pattern((int) tckMaxValueSize(), 99);
            e.set(Key.of("largest"), largest);
            assertThat(e.get(Key.of("largest")).value()).isEqualTo(largest);
        }
    }
}
