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
            EngineStats stats = settledStats(e);
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

    /** Stats once two snapshots in a row agree, for engines that evict a little after the write. */
    private static EngineStats settledStats(StorageEngine e) {
        EngineStats last = e.stats();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            EngineStats now = e.stats();
            if (now.entries() == last.entries() && now.evictions() == last.evictions()) {
                return now;
            }
            last = now;
        }
        return last;
    }

    @Test
    default void churnBelowCapacityGivesBackEveryByteAndEvictsNothing() {
        try (EngineUnderTest t = openSmall()) {
            StorageEngine e = t.engine();
            long capacity = e.stats().capacity();
            int valueSize = 2048;
            int live = 20;
            for (int i = 0; i < live; i++) {
                e.set(Key.of("live-" + i), TckValues.pattern(valueSize, i));
            }
            long baseline = e.stats().bytesUsed();
            long written = 0;
            int round = 0;
            while (written < 10 * capacity) {
                round++;
                for (int i = 0; i < live; i++) {
                    e.set(Key.of("live-" + i), TckValues.pattern(valueSize, i + round));
                }
                for (int i = 0; i < 10; i++) {
                    Key temporary = Key.of("temp-" + (round % 3), io.larder.spi.Variant.of("n", "" + i));
                    e.set(temporary, TckValues.pattern(valueSize, i));
                    if (i % 2 == 0) {
                        e.delete(temporary);
                    }
                }
                e.invalidate("temp-" + (round % 3));
                if (round % 50 == 0) {
                    e.set(Key.of("cleared"), TckValues.pattern(valueSize, round));
                }
                written += (long) (live + 10) * valueSize;
            }
            e.delete(Key.of("cleared"));
            EngineStats stats = settledStats(e);
            assertThat(stats.evictions()).as("evictions while the live data was a sliver of capacity").isZero();
            for (int i = 0; i < live; i++) {
                assertThat(e.get(Key.of("live-" + i)).value()).isEqualTo(TckValues.pattern(valueSize, i + round));
            }
            assertThat(stats.entries()).isEqualTo(live);
            assertThat(stats.bytesUsed()).as("bytes used after churn (after the first fill: %d)", baseline)
                    .isLessThanOrEqualTo(baseline + capacity / 4);
            e.clear();
            assertThat(e.stats().bytesUsed()).as("bytes used after clear").isLessThan(baseline);
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
