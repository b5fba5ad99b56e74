package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Suite: leases against dog-piles, for engines that declare {@link Capability#CACHE_SEMANTICS}.
 * Exactly one caller of {@link StorageEngine#lookup} wins a lease, across threads; a lease
 * placeholder is invisible to reads, stored over by {@code set}, {@code add} and a compare-and-set
 * with its token, absent for the other writes, removed by {@code delete}, gone when the lease time
 * runs out; the recache threshold hands out one lease while the value is still served. Engines
 * without the capability must refuse every cache operation and leave the store unchanged.
 */
public interface LeaseTck extends TckSuite {

    /** Rounds of the lease races, by intensity: 5, 50, 1,000. */
    default int tckLeaseRounds() {
        return tckIntensity().pick(5, 50, 1000);
    }

    /** Threads racing for one lease. */
    default int tckLeaseThreads() {
        return 4;
    }

    /** The lease time of the suites: long, so only the manual clock ends a lease. */
    Duration LEASE = Duration.ofSeconds(30);

    /** Lease options with the suite's lease time. */
    static LeaseOptions lease() {
        return LeaseOptions.of(LEASE);
    }

    @Test
    default void concurrentLookupsOfAMissingKeyHaveExactlyOneWinner() throws Exception {
        Together.assumeCacheSemantics(this);
        int threads = tckLeaseThreads();
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            for (int round = 0; round < tckLeaseRounds(); round++) {
                Key key = Key.of("lease-race-" + round);
                long before = e.set(Key.of("lease-clock"), bytes("r" + round));
                List<Lookup> got = Together.run(threads, () -> e.lookup(key, lease()));
                List<Lookup> won = got.stream().filter(Lookup::won).toList();
                assertThat(won).as("round %d: exactly one winner among %s", round, got).hasSize(1);
                Lookup winner = won.get(0);
                assertThat(winner.entry()).as("round %d: a winner after a miss has nothing to serve", round).isNull();
                assertThat(winner.token()).as("round %d: the lease token is a new version", round)
                        .isGreaterThan(before);
                for (Lookup l : got) {
                    if (!l.won()) {
                        assertThat(l.status()).as("round %d: the others are told it is taken", round)
                                .isEqualTo(Status.TAKEN);
                        assertThat(l.entry()).as("round %d: nothing to serve while it is rebuilt", round).isNull();
                        assertThat(l.token()).isZero();
                    }
                }
                Outcome stored = e.compareAndSet(key, winner.token(), bytes("rebuilt " + round), WriteOptions.none());
                assertThat(stored.status()).as("round %d: the winner stores with its token", round)
                        .isEqualTo(Outcome.Status.STORED);
                assertThat(stored.version()).isGreaterThan(winner.token());
                List<Lookup> after = Together.run(threads, () -> e.lookup(key, lease()));
                for (Lookup l : after) {
                    assertThat(l.status()).as("round %d: after the store, a hit for all", round).isEqualTo(Status.HIT);
                    assertThat(l.entry().valueAsString()).isEqualTo("rebuilt " + round);
                    assertThat(l.entry().version()).isEqualTo(stored.version());
                    assertThat(l.stale()).isFalse();
                }
            }
        }
    }

    @Test
    default void plainReadsNeverSeeAPlaceholder() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("/page", Variant.of("lang", "fr"));
            long entriesBefore = e.stats().entries();
            Lookup won = e.lookup(key, lease());
            assertThat(won.won()).isTrue();
            assertThat(e.stats().entries()).as("a placeholder takes room: stats count it")
                    .isEqualTo(entriesBefore + 1);
            assertThat(e.get(key)).as("get").isNull();
            assertThat(e.<Object>read(key, view -> {
                throw new AssertionError("the reader was called on a placeholder: version " + view.version());
            })).as("read").isNull();
            assertThat(e.copyValue(key, ByteBuffer.allocate(64))).as("copyValue").isEqualTo(-1);
            assertThat(e.getAndTouch(key, Expiry.never())).as("getAndTouch").isNull();
            assertThat(e.variants("/page")).as("variants list only entries with a value").isEmpty();
            assertThat(e.lookup(key, lease()).status()).as("the placeholder (and its lease) is still there")
                    .isEqualTo(Status.TAKEN);
            assertThat(e.compute(key, cur -> {
                assertThat(cur).as("compute sees the placeholder").isNotNull();
                assertThat(cur.placeholder()).isTrue();
                assertThat(cur.leased()).isTrue();
                assertThat(cur.version()).isEqualTo(won.token());
                assertThat(cur.value()).isEmpty();
                assertThat(cur.tags()).isEmpty();
                assertThat(cur.flags()).isZero();
                assertThat(cur.stale()).isFalse();
                assertThat(cur.expiresAt()).as("a placeholder expires when its lease runs out")
                        .isEqualTo(t.clock().millis() + LEASE.toMillis());
                return ComputeAction.keep();
            }).placeholder()).isTrue();
            // A purge removes the placeholder but counts only entries with a value.
            e.set(Key.of("/page"), bytes("plain"));
            assertThat(e.invalidate("/page")).as("invalidate counts entries with a value").isEqualTo(1);
            Lookup again = e.lookup(key, lease());
            assertThat(again.won()).as("the purge removed the placeholder: the next lookup wins").isTrue();
            assertThat(again.token()).isGreaterThan(won.token());
        }
    }

    @Test
    default void addAndSetStoreOverAPlaceholder() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key a = Key.of("add-over");
            long token = e.lookup(a, lease()).token();
            Outcome added = e.add(a, bytes("added"), Expiry.never(), 3);
            assertThat(added.status()).as("add over a placeholder").isEqualTo(Outcome.Status.STORED);
            assertThat(added.version()).isGreaterThan(token);
            Lookup hit = e.lookup(a, lease());
            assertThat(hit.status()).as("add ended the lease").isEqualTo(Status.HIT);
            assertThat(hit.entry().valueAsString()).isEqualTo("added");
            assertThat(hit.entry().flags()).isEqualTo(3);
            assertThat(hit.entry().leased()).isFalse();

            Key s = Key.of("set-over");
            long token2 = e.lookup(s, lease()).token();
            long version = e.set(s, bytes("set"), WriteOptions.tagged("post:1"));
            assertThat(version).as("set over a placeholder").isGreaterThan(token2);
            Entry got = e.get(s);
            assertThat(got.valueAsString()).isEqualTo("set");
            assertThat(got.tags()).containsExactly("post:1");
            assertThat(got.leased()).isFalse();
            assertThat(e.lookup(s, lease()).status()).isEqualTo(Status.HIT);

            Key tagged = Key.of("add-tagged-over");
            e.lookup(tagged, lease());
            assertThat(e.add(tagged, ByteBuffer.wrap(bytes("x")), WriteOptions.tagged("a", "b")).status())
                    .isEqualTo(Outcome.Status.STORED);
            assertThat(e.get(tagged).tags()).containsExactly("a", "b");
        }
    }

    @Test
    default void replaceTouchAppendAndCountersTreatAPlaceholderAsAbsent() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("absent-for-writes");
            long token = e.lookup(key, lease()).token();
            assertThat(e.replace(key, bytes("r"), Expiry.never(), 0).status()).as("replace")
                    .isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.replace(key, ByteBuffer.wrap(bytes("r")), WriteOptions.tagged("x")).status())
                    .as("replace with tags").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.touch(key, Expiry.never()).status()).as("touch").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.append(key, bytes("a")).status()).as("append").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.prepend(key, bytes("p")).status()).as("prepend").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.increment(key, 1).found()).as("increment").isFalse();
            assertThat(e.decrement(key, 1).found()).as("decrement").isFalse();
            assertThat(e.markStale(key, null).status()).as("markStale").isEqualTo(Outcome.Status.NOT_FOUND);
            Entry still = e.compute(key, cur -> ComputeAction.keep());
            assertThat(still).as("the placeholder is untouched").isNotNull();
            assertThat(still.placeholder()).isTrue();
            assertThat(still.version()).isEqualTo(token);
            assertThat(still.expiresAt()).as("touch did not move the lease's end")
                    .isEqualTo(t.clock().millis() + LEASE.toMillis());
            assertThat(e.lookup(key, lease()).status()).isEqualTo(Status.TAKEN);
        }
    }

    @Test
    default void aCasWithAnotherTokenGetsExistsAndTheRightTokenStores() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("cas-token");
            long older = e.set(Key.of("other"), bytes("o"));
            long token = e.lookup(key, lease()).token();
            long newer = e.set(Key.of("other"), bytes("o2"));
            for (long wrong : new long[] {older, newer, token + 1_000_000}) {
                Outcome o = e.compareAndSet(key, wrong, bytes("no"), Expiry.never(), 0);
                assertThat(o.status()).as("CAS with %d, not the token %d", wrong, token)
                        .isEqualTo(Outcome.Status.EXISTS);
                assertThat(o.version()).isEqualTo(token);
                Outcome tagged = e.compareAndSet(key, wrong, bytes("no"), WriteOptions.tagged("t"));
                assertThat(tagged.status()).isEqualTo(Outcome.Status.EXISTS);
                assertThat(tagged.version()).isEqualTo(token);
            }
            assertThat(e.get(key)).isNull();
            Outcome o = e.compareAndSet(key, token, bytes("yes"), WriteOptions.tagged("t", "u")
                    .withExpiry(Expiry.after(Duration.ofMinutes(5))).withFlags(9));
            assertThat(o.status()).isEqualTo(Outcome.Status.STORED);
            Entry got = e.get(key);
            assertThat(got.valueAsString()).isEqualTo("yes");
            assertThat(got.version()).isEqualTo(o.version());
            assertThat(got.tags()).containsExactly("t", "u");
            assertThat(got.flags()).isEqualTo(9);
            assertThat(got.expiresAt()).isEqualTo(t.clock().millis() + Duration.ofMinutes(5).toMillis());
            assertThat(got.leased()).isFalse();
            assertThat(got.stale()).isFalse();
            assertThat(e.compareAndSet(key, token, bytes("again"), Expiry.never(), 0).status())
                    .as("the token is used up").isEqualTo(Outcome.Status.EXISTS);
        }
    }

    @Test
    default void deleteEndsTheLease() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("delete-ends");
            long token = e.lookup(key, lease()).token();
            assertThat(e.delete(key)).as("delete removes the placeholder and names its version")
                    .isEqualTo(Outcome.deleted(token));
            Lookup next = e.lookup(key, lease());
            assertThat(next.won()).as("the next lookup wins").isTrue();
            assertThat(next.token()).isGreaterThan(token);
            assertThat(e.delete(key, token).status()).as("delete with an old token")
                    .isEqualTo(Outcome.Status.EXISTS);
            assertThat(e.delete(key, next.token())).isEqualTo(Outcome.deleted(next.token()));
            assertThat(e.lookup(key, lease()).won()).isTrue();
            assertThat(e.compute(key, cur -> ComputeAction.remove())).isNull();
            assertThat(e.lookup(key, lease()).won()).as("compute's remove removes a placeholder too").isTrue();
        }
    }

    @Test
    default void aWinnerThatNeverStoresIsReplacedAfterTheLeaseTime() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("crashed-rebuilder");
            LeaseOptions tenSeconds = LeaseOptions.of(Duration.ofSeconds(10));
            Lookup first = e.lookup(key, tenSeconds);
            assertThat(first.won()).isTrue();
            t.clock().advance(Duration.ofMillis(9_999));
            assertThat(e.lookup(key, tenSeconds).status()).as("within the lease time").isEqualTo(Status.TAKEN);
            t.clock().advance(Duration.ofMillis(1));
            Lookup second = e.lookup(key, tenSeconds);
            assertThat(second.status()).as("the lease ran out: the next caller wins").isEqualTo(Status.WON);
            assertThat(second.token()).isGreaterThan(first.token());
            assertThat(e.compareAndSet(key, first.token(), bytes("late"), Expiry.never(), 0).status())
                    .as("the first winner's token is void").isEqualTo(Outcome.Status.EXISTS);
            assertThat(e.compareAndSet(key, second.token(), bytes("on time"), Expiry.never(), 0).status())
                    .isEqualTo(Outcome.Status.STORED);
            assertThat(e.get(key).valueAsString()).isEqualTo("on time");
        }
    }

    @Test
    default void recacheThresholdHandsOutExactlyOneLeaseWhileTheValueIsServed() throws Exception {
        Together.assumeCacheSemantics(this);
        int threads = tckLeaseThreads();
        LeaseOptions recache = lease().withRecacheBelow(Duration.ofSeconds(10));
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            for (int round = 0; round < tckLeaseRounds(); round++) {
                Key key = Key.of("recache-" + round);
                long version = e.set(key, bytes("old " + round), Expiry.after(Duration.ofSeconds(60)), 0);
                assertThat(e.lookup(key, recache).status()).as("60 s to live: no recache").isEqualTo(Status.HIT);
                t.clock().advance(Duration.ofMillis(50_001));
                assertThat(e.lookup(key, lease()).status()).as("without the threshold, a hit").isEqualTo(Status.HIT);
                List<Lookup> got = Together.run(threads, () -> e.lookup(key, recache));
                List<Lookup> won = got.stream().filter(Lookup::won).toList();
                assertThat(won).as("round %d: one lease among %s", round, got).hasSize(1);
                for (Lookup l : got) {
                    assertThat(l.status()).isIn(Status.WON, Status.TAKEN);
                    assertThat(l.entry()).as("round %d: the value is served meanwhile", round).isNotNull();
                    assertThat(l.entry().valueAsString()).isEqualTo("old " + round);
                    assertThat(l.stale()).isFalse();
                }
                long token = won.get(0).token();
                assertThat(token).isGreaterThan(version);
                Entry leased = e.get(key);
                assertThat(leased.version()).as("the lease token is the entry's version").isEqualTo(token);
                assertThat(leased.leased()).isTrue();
                assertThat(e.<Boolean>read(key, view -> view.leased())).as("the view shows the lease").isTrue();
                assertThat(leased.valueAsString()).isEqualTo("old " + round);
                assertThat(e.compareAndSet(key, token, bytes("new " + round), Expiry.after(Duration.ofSeconds(60)), 0)
                        .status()).isEqualTo(Outcome.Status.STORED);
                Lookup fresh = e.lookup(key, recache);
                assertThat(fresh.status()).isEqualTo(Status.HIT);
                assertThat(fresh.entry().valueAsString()).isEqualTo("new " + round);
                assertThat(fresh.entry().leased()).isFalse();
            }
        }
    }

    @Test
    default void aLeaseOnALiveEntryRunsOutToo() {
        Together.assumeCacheSemantics(this);
        LeaseOptions recache = LeaseOptions.of(Duration.ofSeconds(5)).withRecacheBelow(Duration.ofSeconds(60));
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("lease-on-live");
            e.set(key, bytes("v"), Expiry.after(Duration.ofSeconds(30)), 0);
            Lookup first = e.lookup(key, recache);
            assertThat(first.won()).isTrue();
            assertThat(e.lookup(key, recache).status()).isEqualTo(Status.TAKEN);
            t.clock().advance(Duration.ofSeconds(5));
            assertThat(e.get(key).leased()).as("the lease ran out").isFalse();
            Lookup second = e.lookup(key, recache);
            assertThat(second.won()).as("the next caller wins").isTrue();
            assertThat(second.token()).isGreaterThan(first.token());
            assertThat(e.compareAndSet(key, first.token(), bytes("late"), Expiry.never(), 0).status())
                    .isEqualTo(Outcome.Status.EXISTS);
        }
    }

    @Test
    default void withoutVivifyAMissIsOnlyAMiss() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("no-vivify");
            LeaseOptions noVivify = lease().withVivifyOnMiss(false);
            long misses = e.stats().misses();
            long entries = e.stats().entries();
            Lookup miss = e.lookup(key, noVivify);
            assertThat(miss.status()).isEqualTo(Status.MISS);
            assertThat(miss.entry()).isNull();
            assertThat(miss.token()).isZero();
            assertThat(e.stats().misses()).as("a lookup miss counts a miss").isEqualTo(misses + 1);
            assertThat(e.stats().entries()).as("nothing was left behind").isEqualTo(entries);
            assertThat(e.compute(key, cur -> ComputeAction.keep())).isNull();
            Lookup won = e.lookup(key, lease());
            assertThat(won.won()).isTrue();
            assertThat(e.lookup(key, noVivify).status()).as("a placeholder is taken, vivify or not")
                    .isEqualTo(Status.TAKEN);
            e.set(key, bytes("v"));
            long hits = e.stats().hits();
            assertThat(e.lookup(key, noVivify).status()).isEqualTo(Status.HIT);
            assertThat(e.stats().hits()).as("a lookup hit counts a hit").isEqualTo(hits + 1);
        }
    }

    @Test
    default void acceptStaleOffHidesTheStaleValueButNotTheDecision() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("hide-stale");
            e.set(key, bytes("stale one"));
            e.markStale(key, null);
            LeaseOptions hide = lease().withAcceptStale(false);
            Lookup won = e.lookup(key, hide);
            assertThat(won.status()).as("the first caller still wins").isEqualTo(Status.WON);
            assertThat(won.entry()).as("but gets no stale value").isNull();
            Lookup taken = e.lookup(key, hide);
            assertThat(taken.status()).isEqualTo(Status.TAKEN);
            assertThat(taken.entry()).isNull();
            Lookup served = e.lookup(key, lease());
            assertThat(served.status()).isEqualTo(Status.TAKEN);
            assertThat(served.stale()).isTrue();
            assertThat(served.entry().valueAsString()).isEqualTo("stale one");
            Lookup fresh = e.lookup(Key.of("fresh"), hide);
            assertThat(fresh.won()).isTrue();
            e.set(Key.of("fresh"), bytes("f"));
            assertThat(e.lookup(Key.of("fresh"), hide).entry().valueAsString())
                    .as("a fresh value is served whatever the option").isEqualTo("f");
        }
    }

    @Test
    default void cacheComputeActionsDoWhatTheySay() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            assertThat(e.clock().millis()).as("clock() is the configured clock").isEqualTo(t.clock().millis());
            t.clock().advance(Duration.ofSeconds(1));
            assertThat(e.clock().millis()).isEqualTo(t.clock().millis());
            Key key = Key.of("actions");
            long now = t.clock().millis();
            assertThat(e.compute(key, cur -> ComputeAction.lease(1000))).as("LEASE on nothing keeps").isNull();
            assertThat(e.compute(key, cur -> ComputeAction.markStale(null))).as("MARK_STALE on nothing keeps")
                    .isNull();
            long v1 = e.set(key, bytes("value"), WriteOptions.tagged("x").withFlags(5));
            Entry placeholder = e.compute(key, cur -> ComputeAction.placeholder(2000));
            assertThat(placeholder.placeholder()).as("PLACEHOLDER replaces whatever is there").isTrue();
            assertThat(placeholder.version()).isGreaterThan(v1);
            assertThat(placeholder.value()).isEmpty();
            assertThat(placeholder.tags()).isEmpty();
            assertThat(placeholder.flags()).isZero();
            assertThat(placeholder.leased()).isTrue();
            assertThat(placeholder.expiresAt()).isEqualTo(now + 2000);
            assertThat(e.compute(key, cur -> ComputeAction.touch(Expiry.never()))).as("TOUCH on a placeholder keeps it")
                    .isEqualTo(placeholder);
            Entry kept = e.compute(key, cur -> ComputeAction.lease(1000));
            assertThat(kept).as("LEASE on a placeholder keeps it").isEqualTo(placeholder);
            assertThat(e.compute(key, cur -> ComputeAction.markStale(null))).as("MARK_STALE too")
                    .isEqualTo(placeholder);
            Entry stored = e.compute(key, cur -> ComputeAction.store(bytes("v2"), WriteOptions.tagged("y")));
            assertThat(stored.placeholder()).isFalse();
            assertThat(stored.version()).isGreaterThan(placeholder.version());
            Entry leased = e.compute(key, cur -> ComputeAction.lease(1000));
            assertThat(leased.version()).as("LEASE gives a new version").isGreaterThan(stored.version());
            assertThat(leased.leased()).isTrue();
            assertThat(leased.valueAsString()).isEqualTo("v2");
            assertThat(leased.tags()).containsExactly("y");
            assertThat(leased.expiresAt()).isEqualTo(stored.expiresAt());
            Entry stale = e.compute(key, cur -> ComputeAction.markStale(Expiry.after(Duration.ofSeconds(3))));
            assertThat(stale.version()).isGreaterThan(leased.version());
            assertThat(stale.stale()).isTrue();
            assertThat(stale.leased()).as("MARK_STALE ends the lease").isFalse();
            assertThat(stale.expiresAt()).isEqualTo(now + 3000);
            assertThat(stale.storedAt()).isEqualTo(stored.storedAt());
            Entry touched = e.compute(key, cur -> ComputeAction.touch(Expiry.never()));
            assertThat(touched.version()).as("TOUCH keeps the version").isEqualTo(stale.version());
            assertThat(touched.stale()).as("and the mark").isTrue();
            assertThat(touched.expiresAt()).isZero();
            assertThat(e.compute(key, cur -> ComputeAction.remove())).isNull();
            assertThat(e.compute(key, cur -> ComputeAction.keep())).isNull();
        }
    }

    @Test
    default void enginesWithoutCacheSemanticsRefuseThemAndStayUnchanged() {
        assumeFalse(engineDeclares(Capability.CACHE_SEMANTICS), "engine declares CACHE_SEMANTICS");
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("plain");
            long version = e.set(key, bytes("v"));
            List<Runnable> refused = List.of(
                    () -> e.lookup(key, lease()),
                    () -> e.lookup(Key.of("missing"), lease()),
                    () -> e.markStale(key, null),
                    () -> e.invalidate(key.primary(), InvalidationMode.MARK_STALE),
                    () -> e.invalidateTag("t", InvalidationMode.REMOVE),
                    () -> e.set(key, bytes("t"), WriteOptions.tagged("t")),
                    () -> e.add(Key.of("missing"), ByteBuffer.wrap(bytes("t")), WriteOptions.tagged("t")),
                    () -> e.replace(key, ByteBuffer.wrap(bytes("t")), WriteOptions.tagged("t")),
                    () -> e.compareAndSet(key, version, bytes("t"), WriteOptions.tagged("t")),
                    () -> e.compute(key, cur -> ComputeAction.placeholder(1000)),
                    () -> e.compute(key, cur -> ComputeAction.lease(1000)),
                    () -> e.compute(key, cur -> ComputeAction.markStale(null)),
                    () -> e.compute(key, cur -> ComputeAction.store(bytes("t"), WriteOptions.tagged("t"))));
            for (Runnable call : refused) {
                assertThatThrownBy(call::run).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("CACHE_SEMANTICS");
            }
            Entry after = e.get(key);
            assertThat(after.version()).as("the store is unchanged").isEqualTo(version);
            assertThat(after.valueAsString()).isEqualTo("v");
            assertThat(e.get(Key.of("missing"))).isNull();
            assertThat(e.compute(Key.of("missing"), cur -> ComputeAction.keep())).isNull();
            assertThat(e.set(key, bytes("w"), WriteOptions.expiring(Expiry.never()).withFlags(2)))
                    .as("write options without tags work").isGreaterThan(version);
            assertThat(e.invalidate(key.primary(), InvalidationMode.REMOVE)).isEqualTo(1);
        }
    }
}
