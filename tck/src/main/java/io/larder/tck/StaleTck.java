package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Capability;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.Lookup.Status;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Suite: stale entries (soft purge), for engines that declare {@link Capability#CACHE_SEMANTICS}.
 * {@link StorageEngine#markStale} keeps the value, serves it with the mark, gives it a new version
 * (so a compare-and-set with an older token fails) and ends any lease; lease-aware lookups then
 * elect one rebuilder; a grace expiry only shortens; storing a value clears the mark.
 */
public interface StaleTck extends TckSuite {

    /** Rounds of the stale races, by intensity: 5, 50, 1,000. */
    default int tckStaleRounds() {
        return tckIntensity().pick(5, 50, 1000);
    }

    @Test
    default void markStaleThenConcurrentLookupsElectOneRebuilderAndServeTheStaleValue() throws Exception {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            for (int round = 0; round < tckStaleRounds(); round++) {
                Key key = Key.of("stale-race-" + round);
                long v1 = e.set(key, bytes("old " + round), WriteOptions.tagged("page").withFlags(7));
                Outcome marked = e.markStale(key, null);
                assertThat(marked.status()).isEqualTo(Outcome.Status.STORED);
                assertThat(marked.version()).as("markStale gives a new version").isGreaterThan(v1);
                List<Lookup> got = Together.run(4, () -> e.lookup(key, LeaseTck.lease()));
                List<Lookup> won = got.stream().filter(Lookup::won).toList();
                assertThat(won).as("round %d: one rebuilder among %s", round, got).hasSize(1);
                for (Lookup l : got) {
                    assertThat(l.status()).isIn(Status.WON, Status.TAKEN);
                    assertThat(l.entry()).as("round %d: the stale value is served", round).isNotNull();
                    assertThat(l.stale()).as("round %d: with its mark", round).isTrue();
                    assertThat(l.entry().valueAsString()).isEqualTo("old " + round);
                    assertThat(l.entry().flags()).isEqualTo(7);
                    assertThat(l.entry().tags()).containsExactly("page");
                }
                long token = won.get(0).token();
                assertThat(token).isGreaterThan(marked.version());
                Outcome rebuilt = e.compareAndSet(key, token, bytes("new " + round), WriteOptions.tagged("page"));
                assertThat(rebuilt.status()).as("round %d: the winner stores with its token", round)
                        .isEqualTo(Outcome.Status.STORED);
                Entry after = e.get(key);
                assertThat(after.stale()).as("storing cleared the mark").isFalse();
                assertThat(after.valueAsString()).isEqualTo("new " + round);
                assertThat(e.lookup(key, LeaseTck.lease()).status()).isEqualTo(Status.HIT);
            }
        }
    }

    @Test
    default void aCasWithATokenFromBeforeMarkStaleFails() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("old-token");
            long v1 = e.set(key, bytes("v1"), Expiry.after(Duration.ofSeconds(20)), 0);
            Outcome marked = e.markStale(key, null);
            Outcome cas = e.compareAndSet(key, v1, bytes("late"), Expiry.never(), 0);
            assertThat(cas.status()).as("CAS with the version from before markStale").isEqualTo(Outcome.Status.EXISTS);
            assertThat(cas.version()).isEqualTo(marked.version());
            assertThat(e.compareAndSet(key, v1, bytes("late"), WriteOptions.tagged("t")).status())
                    .isEqualTo(Outcome.Status.EXISTS);
            assertThat(e.delete(key, v1).status()).isEqualTo(Outcome.Status.EXISTS);
            assertThat(e.get(key).valueAsString()).isEqualTo("v1");

            // A lease won before markStale: its token is void, and the lease ended.
            Key leased = Key.of("old-lease");
            e.set(leased, bytes("v"), Expiry.after(Duration.ofSeconds(20)), 0);
            LeaseOptions recache = LeaseTck.lease().withRecacheBelow(Duration.ofMinutes(1));
            Lookup won = e.lookup(leased, recache);
            assertThat(won.won()).isTrue();
            assertThat(e.lookup(leased, recache).status()).isEqualTo(Status.TAKEN);
            e.markStale(leased, null);
            assertThat(e.get(leased).leased()).as("markStale ends the lease").isFalse();
            assertThat(e.compareAndSet(leased, won.token(), bytes("late"), Expiry.never(), 0).status())
                    .as("the token from before markStale").isEqualTo(Outcome.Status.EXISTS);
            Lookup next = e.lookup(leased, recache);
            assertThat(next.won()).as("the next lookup wins a new lease").isTrue();
            assertThat(next.stale()).isTrue();
            assertThat(e.compareAndSet(leased, next.token(), bytes("fresh"), Expiry.never(), 0).status())
                    .isEqualTo(Outcome.Status.STORED);
            assertThat(e.get(leased).stale()).isFalse();
        }
    }

    @Test
    default void graceShortensTheExpiryAndNeverLengthensIt() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            long now = t.clock().millis();
            Key a = Key.of("grace-a");
            e.set(a, bytes("a"), Expiry.after(Duration.ofSeconds(60)), 0);
            e.markStale(a, Expiry.after(Duration.ofSeconds(10)));
            assertThat(e.get(a).expiresAt()).as("shortened to the grace").isEqualTo(now + 10_000);
            e.markStale(a, Expiry.after(Duration.ofSeconds(30)));
            assertThat(e.get(a).expiresAt()).as("a longer grace does not lengthen it").isEqualTo(now + 10_000);
            e.markStale(a, null);
            assertThat(e.get(a).expiresAt()).as("no grace keeps it").isEqualTo(now + 10_000);
            e.markStale(a, Expiry.never());
            assertThat(e.get(a).expiresAt()).as("a grace of never keeps it").isEqualTo(now + 10_000);

            Key b = Key.of("grace-b");
            e.set(b, bytes("b"));
            e.markStale(b, Expiry.after(Duration.ofSeconds(5)));
            assertThat(e.get(b).expiresAt()).as("a never-expiring entry gets the grace").isEqualTo(now + 5_000);

            Key c = Key.of("grace-c");
            e.set(c, bytes("c"), Expiry.after(Duration.ofSeconds(3)), 0);
            e.markStale(c, Expiry.after(Duration.ofSeconds(60)));
            assertThat(e.get(c).expiresAt()).isEqualTo(now + 3_000);

            t.clock().advance(Duration.ofSeconds(5));
            assertThat(e.get(b)).as("the grace ran out").isNull();
            assertThat(e.get(c)).isNull();
            assertThat(e.get(a).stale()).isTrue();
            t.clock().advance(Duration.ofSeconds(5));
            assertThat(e.get(a)).isNull();
            assertThat(e.markStale(a, null).status()).isEqualTo(Outcome.Status.NOT_FOUND);
        }
    }

    @Test
    default void aStaleEntryKeepsItsValueFlagsTagsAndStoredAtAndEveryReadShowsTheMark() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("kept");
            long v1 = e.set(key, bytes("value"), WriteOptions.tagged("a", "b").withFlags(42));
            long storedAt = t.clock().millis();
            t.clock().advance(Duration.ofSeconds(1));
            Outcome marked = e.markStale(key, null);
            assertThat(marked.version()).isGreaterThan(v1);
            Entry got = e.get(key);
            assertThat(got.stale()).isTrue();
            assertThat(got.version()).isEqualTo(marked.version());
            assertThat(got.valueAsString()).isEqualTo("value");
            assertThat(got.flags()).isEqualTo(42);
            assertThat(got.tags()).containsExactly("a", "b");
            assertThat(got.storedAt()).isEqualTo(storedAt);
            assertThat(got.expiresAt()).isZero();
            assertThat(e.<Boolean>read(key, view -> view.stale())).as("the view shows the mark").isTrue();
            assertThat(e.<java.util.List<String>>read(key, view -> view.tags())).containsExactly("a", "b");
            ByteBuffer dst = ByteBuffer.allocate(16);
            assertThat(e.copyValue(key, dst)).as("copyValue serves a stale value").isEqualTo(5);
            assertThat(e.variants("kept")).containsExactly(Variant.EMPTY);
            assertThat(e.add(key, bytes("x"), Expiry.never(), 0).status()).as("a stale entry is live for add")
                    .isEqualTo(Outcome.Status.EXISTS);
            assertThat(e.markStale(key, null).version()).as("marking again: another new version")
                    .isGreaterThan(marked.version());
            assertThat(e.markStale(Key.of("missing"), null).status()).isEqualTo(Outcome.Status.NOT_FOUND);
        }
    }

    @Test
    default void storingClearsTheMarkAndTouchKeepsIt() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("clears");
            e.set(key, bytes("1"), WriteOptions.tagged("t"));
            e.markStale(key, null);
            assertThat(e.touch(key, Expiry.after(Duration.ofHours(1))).status()).isEqualTo(Outcome.Status.TOUCHED);
            assertThat(e.get(key).stale()).as("touch keeps the mark").isTrue();
            assertThat(e.get(key).tags()).as("and the tags").containsExactly("t");
            assertThat(e.getAndTouch(key, Expiry.never()).stale()).isTrue();
            assertThat(e.increment(key, 1).value()).isEqualTo(2);
            Entry counted = e.get(key);
            assertThat(counted.stale()).as("increment stores: the mark is cleared").isFalse();
            assertThat(counted.tags()).as("increment keeps the tags").containsExactly("t");
            e.markStale(key, null);
            e.append(key, bytes("0"));
            assertThat(e.get(key).stale()).as("append clears it").isFalse();
            assertThat(e.get(key).tags()).containsExactly("t");
            e.markStale(key, null);
            e.replace(key, bytes("r"), Expiry.never(), 0);
            Entry replaced = e.get(key);
            assertThat(replaced.stale()).as("replace clears it").isFalse();
            assertThat(replaced.tags()).as("a replace without tags stores none").isEmpty();
            e.markStale(key, null);
            e.set(key, bytes("s"), WriteOptions.tagged("u"));
            e.markStale(key, null);
            e.set(key, bytes("s"));
            assertThat(e.get(key).stale()).as("set clears it").isFalse();
            assertThat(e.get(key).tags()).as("a set without tags stores none").isEmpty();
            e.markStale(key, null);
            long current = e.get(key).version();
            e.compareAndSet(key, current, bytes("c"), Expiry.never(), 0);
            assertThat(e.get(key).stale()).as("CAS with the current version clears it").isFalse();
            e.markStale(key, null);
            assertThat(e.delete(key).status()).as("a stale entry can be deleted").isEqualTo(Outcome.Status.DELETED);
            assertThat(e.get(key)).isNull();
        }
    }

    @Test
    default void softInvalidationOfAPrimaryMarksEveryVariantWithAValue() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            List<Variant> variants = List.of(Variant.EMPTY, Variant.of("lang", "fr"), Variant.of("lang", "de"));
            long highest = 0;
            for (Variant v : variants) {
                highest = Math.max(highest, e.set(Key.of("/soft", v), bytes("page " + v)));
            }
            Key waiting = Key.of("/soft", Variant.of("lang", "it"));
            long token = e.lookup(waiting, LeaseTck.lease()).token();
            e.set(Key.of("/other"), bytes("other"));
            assertThat(e.invalidate(bytes("/soft"), InvalidationMode.MARK_STALE)).as("entries with a value marked")
                    .isEqualTo(3);
            for (Variant v : variants) {
                Entry got = e.get(Key.of("/soft", v));
                assertThat(got).as("%s is still served", v).isNotNull();
                assertThat(got.stale()).as("%s is marked", v).isTrue();
                assertThat(got.valueAsString()).isEqualTo("page " + v);
                assertThat(got.version()).as("%s has a new version", v).isGreaterThan(highest);
            }
            Entry placeholder = e.compute(waiting, cur -> io.larder.spi.ComputeAction.keep());
            assertThat(placeholder.placeholder()).as("the placeholder is left alone").isTrue();
            assertThat(placeholder.version()).isEqualTo(token);
            assertThat(e.get(Key.of("/other")).stale()).as("another primary is untouched").isFalse();
            assertThat(new HashSet<>(e.variants("/soft"))).isEqualTo(new HashSet<>(variants));
            assertThat(e.invalidate(bytes("/nothing"), InvalidationMode.MARK_STALE)).isZero();
            assertThat(e.invalidate(bytes("/soft"), InvalidationMode.REMOVE)).isEqualTo(3);
            assertThat(e.variants("/soft")).isEmpty();
            assertThat(e.lookup(waiting, LeaseTck.lease()).won()).as("REMOVE removed the placeholder too").isTrue();
        }
    }
}
