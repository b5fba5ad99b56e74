package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Lookup;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Suite: per-entry hit statistics, for engines that declare {@link Capability#CACHE_SEMANTICS}.
 * A store resets the hits to 0 and the last access to the store's time; each read hit (read, get,
 * copyValue, the read path of lookup) reports the figures before it and then counts; touch,
 * markStale and leases keep them; the count saturates at {@link Entry#MAX_HITS}. One thread's reads
 * of one key count exactly.
 */
public interface HitStatsTck extends TckSuite {

    @Test
    default void aStoreResetsTheFiguresAndEachReadReportsThoseBeforeIt() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("hits");
            long storedAt = t.clock().millis();
            e.set(key, bytes("v"));
            long previous = storedAt;
            for (int i = 0; i < 40; i++) {
                t.clock().advance(Duration.ofMillis(1 + i));
                int expectedHits = i;
                long expectedLast = previous;
                switch (i % 4) {
                    case 0: {
                        Entry got = e.get(key);
                        assertThat(got.hits()).as("get %d: hits before it", i).isEqualTo(expectedHits);
                        assertThat(got.lastAccess()).as("get %d: the previous hit's time", i).isEqualTo(expectedLast);
                        assertThat(got.storedAt()).isEqualTo(storedAt);
                        break;
                    }
                    case 1: {
                        long[] seen = e.read(key, view -> new long[] {view.hits(), view.lastAccess()});
                        assertThat(seen[0]).as("read %d: hits before it", i).isEqualTo(expectedHits);
                        assertThat(seen[1]).as("read %d: the previous hit's time", i).isEqualTo(expectedLast);
                        break;
                    }
                    case 2:
                        assertThat(e.copyValue(key, ByteBuffer.allocate(8))).isEqualTo(1);
                        break;
                    default: {
                        Lookup l = e.lookup(key, LeaseTck.lease());
                        assertThat(l.status()).isEqualTo(Lookup.Status.HIT);
                        assertThat(l.entry().hits()).as("lookup %d: hits before it", i).isEqualTo(expectedHits);
                        assertThat(l.entry().lastAccess()).as("lookup %d", i).isEqualTo(expectedLast);
                    }
                }
                previous = t.clock().millis();
            }
            t.clock().advance(Duration.ofSeconds(1));
            long restoredAt = t.clock().millis();
            e.set(key, bytes("w"), WriteOptions.tagged("t"));
            Entry fresh = e.get(key);
            assertThat(fresh.hits()).as("a store resets the hits").isZero();
            assertThat(fresh.lastAccess()).as("and the last access to the store's time").isEqualTo(restoredAt);
            assertThat(fresh.storedAt()).isEqualTo(restoredAt);
            assertThat(e.get(key).hits()).isEqualTo(1);
            e.append(key, bytes("x"));
            assertThat(e.get(key).hits()).as("append stores: reset").isZero();
            assertThat(e.get(Key.of("missing"))).isNull();
            assertThat(e.get(key).hits()).as("misses and other keys count nothing here").isEqualTo(1);
        }
    }

    @Test
    default void touchMarkStaleAndLeasesKeepTheFiguresAndComputeSeesThem() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("kept-figures");
            e.set(key, bytes("v"), Expiry.after(Duration.ofMinutes(10)), 0);
            for (int i = 0; i < 3; i++) {
                t.clock().advance(Duration.ofMillis(10));
                e.get(key);
            }
            long lastRead = t.clock().millis();
            t.clock().advance(Duration.ofMillis(10));
            Entry seen = e.compute(key, cur -> {
                assertThat(cur.hits()).as("compute sees the hits").isEqualTo(3);
                assertThat(cur.lastAccess()).isEqualTo(lastRead);
                return ComputeAction.keep();
            });
            assertThat(seen.hits()).isEqualTo(3);
            e.touch(key, Expiry.after(Duration.ofMinutes(20)));
            e.getAndTouch(key, Expiry.after(Duration.ofMinutes(20)));
            Entry afterTouch = e.get(key);
            assertThat(afterTouch.hits()).as("compute and touch count no hit and keep the figures").isEqualTo(3);
            assertThat(afterTouch.lastAccess()).isEqualTo(lastRead);
            long fourth = t.clock().millis();
            t.clock().advance(Duration.ofMillis(10));
            e.markStale(key, null);
            Entry stale = e.get(key);
            assertThat(stale.hits()).as("markStale keeps them; a stale read is a hit").isEqualTo(4);
            assertThat(stale.lastAccess()).isEqualTo(fourth);
            long fifth = t.clock().millis();
            t.clock().advance(Duration.ofMillis(10));
            Lookup won = e.lookup(key, LeaseTck.lease());
            assertThat(won.won()).isTrue();
            long sixth = t.clock().millis();
            t.clock().advance(Duration.ofMillis(10));
            Entry leased = e.get(key);
            assertThat(leased.hits()).as("the lookup's read counted one hit; the lease kept the figures")
                    .isEqualTo(6);
            assertThat(leased.lastAccess()).isEqualTo(sixth);
            assertThat(fifth).isLessThan(sixth);
        }
    }

    @Test
    default void hitsSaturate() {
        Together.assumeCacheSemantics(this);
        assumeTrue(tckIntensity() != TckIntensity.QUICK, "65,536 reads are left to standard and soak runs");
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("saturating");
            e.set(key, bytes("v"));
            for (int i = 0; i < Entry.MAX_HITS; i++) {
                e.copyValue(key, ByteBuffer.allocate(4));
            }
            assertThat(e.get(key).hits()).isEqualTo(Entry.MAX_HITS);
            assertThat(e.get(key).hits()).as("saturated").isEqualTo(Entry.MAX_HITS);
            e.set(key, bytes("w"));
            assertThat(e.get(key).hits()).isZero();
        }
    }
}
