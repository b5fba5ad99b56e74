package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.Lookup;
import io.larder.spi.Lookup.Status;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Suite: tags, for engines that declare {@link Capability#CACHE_SEMANTICS}.
 * {@link StorageEngine#invalidateTag} removes (or marks stale) exactly the entries carrying the tag
 * that were written before it, for every operation; a rebuild whose lease token predates an
 * invalidation of one of its tags never lands; tags are limited and checked; watermarks and tags
 * survive reopen and {@code kill -9} in persistent engines, and are shared between processes.
 */
public interface TagTck extends TckSuite {

    /** Entries carrying one tag in the many-entries test, by intensity: 200, 2,000, 20,000. */
    default int tckEntriesPerTag() {
        return tckIntensity().pick(200, 2000, 20_000);
    }

    /** Invalidations in the concurrent rebuild race, by intensity: 100, 1,000, 20,000. */
    default int tckTagRaceInvalidations() {
        return tckIntensity().pick(100, 1000, 20_000);
    }

    /** How long the kit waits for the background to reclaim invalidated entries. */
    default Duration tckTagReclaimTimeout() {
        return Duration.ofSeconds(20);
    }

    /** Kill-and-reopen rounds of the tag crash test, by intensity: 2, 5, 50. */
    default int tckTagCrashRounds() {
        return tckIntensity().pick(2, 5, 50);
    }

    @Test
    default void invalidateTagRemovesExactlyTheTaggedEntriesWrittenBeforeIt() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key a = Key.of("/a");
            Key b = Key.of("/b");
            Key c = Key.of("/c");
            Key plain = Key.of("/plain");
            Key variant = Key.of("/v", Variant.of("lang", "fr"));
            Key other = Key.of("/v", Variant.of("lang", "de"));
            e.set(a, bytes("a"), WriteOptions.tagged("user:1"));
            e.set(b, bytes("b"), WriteOptions.tagged("post:2", "user:1"));
            e.set(c, bytes("c"), WriteOptions.tagged("post:2"));
            e.set(plain, bytes("plain"));
            e.set(variant, bytes("fr"), WriteOptions.tagged("user:1").withExpiry(Expiry.after(Duration.ofHours(1))));
            long highest = e.set(other, bytes("de"), WriteOptions.tagged("user:10"));
            long watermark = e.invalidateTag("user:1", InvalidationMode.REMOVE);
            assertThat(watermark).as("the watermark is above every version before it").isGreaterThan(highest);
            Key after = Key.of("/after");
            long afterVersion = e.set(after, bytes("after"), WriteOptions.tagged("user:1"));
            assertThat(afterVersion).as("and below every version after it").isGreaterThan(watermark);

            for (Key gone : List.of(a, b, variant)) {
                assertThat(e.get(gone)).as("get %s", gone).isNull();
                assertThat(e.<Long>read(gone, view -> view.version())).as("read %s", gone).isNull();
                assertThat(e.copyValue(gone, ByteBuffer.allocate(64))).as("copyValue %s", gone).isEqualTo(-1);
                assertThat(e.compute(gone, cur -> ComputeAction.keep())).as("compute sees nothing at %s", gone)
                        .isNull();
            }
            assertThat(e.variants("/v")).as("variants exclude the invalidated").containsExactly(other.variant());
            assertThat(e.get(c).valueAsString()).as("another tag").isEqualTo("c");
            assertThat(e.get(plain).valueAsString()).as("no tag").isEqualTo("plain");
            assertThat(e.get(other).valueAsString()).as("a tag that only starts alike").isEqualTo("de");
            assertThat(e.get(after).valueAsString()).as("written after").isEqualTo("after");
            assertThat(e.get(after).tags()).containsExactly("user:1");

            assertThat(e.replace(b, bytes("r"), Expiry.never(), 0).status()).as("replace")
                    .isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.compareAndSet(b, highest, bytes("r"), Expiry.never(), 0).status()).as("CAS")
                    .isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.touch(b, Expiry.never()).status()).as("touch").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.append(b, bytes("x")).status()).as("append").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.increment(b, 1).found()).as("increment").isFalse();
            assertThat(e.markStale(b, null).status()).as("markStale").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.getAndTouch(b, Expiry.never())).as("getAndTouch").isNull();
            assertThat(e.delete(b).status()).as("delete").isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(e.invalidate("/a")).as("invalidate counts no invalidated entry").isZero();
            Lookup vivified = e.lookup(variant, LeaseTck.lease());
            assertThat(vivified.status()).as("lookup treats it as a miss").isEqualTo(Status.WON);
            assertThat(vivified.entry()).isNull();
            Outcome added = e.add(a, bytes("a2"), Expiry.never(), 0);
            assertThat(added.status()).as("add stores").isEqualTo(Outcome.Status.STORED);
            assertThat(e.get(a).valueAsString()).isEqualTo("a2");
            e.set(b, bytes("b2"), WriteOptions.tagged("user:1"));
            assertThat(e.get(b).valueAsString()).as("a new write with the tag is visible").isEqualTo("b2");
            long second = e.invalidateTag("user:1", InvalidationMode.REMOVE);
            assertThat(second).isGreaterThan(watermark);
            assertThat(e.get(b)).isNull();
            assertThat(e.get(after)).isNull();
            assertThat(e.get(a).valueAsString()).as("written without tags").isEqualTo("a2");
            assertThat(e.invalidateTag("never-used", InvalidationMode.REMOVE)).as("a tag nobody carries")
                    .isGreaterThan(second);
        }
    }

    @Test
    default void softTagInvalidationServesTheEntriesStaleAndElectsOneRebuilderEach() throws Exception {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key x = Key.of("/x");
            Key y = Key.of("/y");
            Key plain = Key.of("/plain");
            long vx = e.set(x, bytes("x"), WriteOptions.tagged("t", "u").withFlags(4));
            long vy = e.set(y, bytes("y"), WriteOptions.tagged("t"));
            e.set(plain, bytes("p"));
            long mark = e.invalidateTag("t", InvalidationMode.MARK_STALE);
            assertThat(mark).isGreaterThan(vy);
            Key later = Key.of("/later");
            e.set(later, bytes("l"), WriteOptions.tagged("t"));
            Entry gx = e.get(x);
            assertThat(gx.stale()).as("served stale").isTrue();
            assertThat(gx.valueAsString()).isEqualTo("x");
            assertThat(gx.flags()).isEqualTo(4);
            assertThat(gx.tags()).containsExactly("t", "u");
            assertThat(gx.version()).isEqualTo(vx);
            assertThat(e.<Boolean>read(y, view -> view.stale())).isTrue();
            assertThat(e.get(plain).stale()).isFalse();
            assertThat(e.get(later).stale()).as("written after the invalidation").isFalse();
            assertThat(e.replace(y, ByteBuffer.wrap(bytes("y2")), WriteOptions.tagged("t")).status()).as("a stale entry is live")
                    .isEqualTo(Outcome.Status.STORED);
            assertThat(e.get(y).stale()).as("storing clears the stale state").isFalse();

            List<Lookup> got = Together.run(4, () -> e.lookup(x, LeaseTck.lease()));
            List<Lookup> won = got.stream().filter(Lookup::won).toList();
            assertThat(won).as("one rebuilder among %s", got).hasSize(1);
            for (Lookup l : got) {
                assertThat(l.stale()).isTrue();
                assertThat(l.entry().valueAsString()).isEqualTo("x");
            }
            long token = won.get(0).token();
            assertThat(token).isGreaterThan(mark);
            assertThat(e.get(x).stale()).as("still stale once its version is above the mark").isTrue();
            assertThat(e.lookup(x, LeaseTck.lease()).status()).isEqualTo(Status.TAKEN);
            assertThat(e.compareAndSet(x, token, bytes("x2"), WriteOptions.tagged("t", "u")).status())
                    .as("the rebuild after the invalidation lands").isEqualTo(Outcome.Status.STORED);
            Entry rebuilt = e.get(x);
            assertThat(rebuilt.stale()).isFalse();
            assertThat(rebuilt.valueAsString()).isEqualTo("x2");
            e.invalidateTag("u", InvalidationMode.REMOVE);
            assertThat(e.get(x)).as("removal by another tag").isNull();
        }
    }

    @Test
    default void aRebuildWhoseTokenPredatesATagInvalidationIsRefused() {
        Together.assumeCacheSemantics(this);
        for (InvalidationMode mode : InvalidationMode.values()) {
            try (EngineUnderTest t = openEngine()) {
                StorageEngine e = t.engine();
                Key key = Key.of("/rebuild");
                Lookup won = e.lookup(key, LeaseTck.lease());
                assertThat(won.won()).isTrue();
                long watermark = e.invalidateTag("post:7", mode);
                assertThat(watermark).isGreaterThan(won.token());
                Outcome refused = e.compareAndSet(key, won.token(), bytes("stale origin data"),
                        WriteOptions.tagged("user:1", "post:7"));
                assertThat(refused.status()).as("%s: the rebuild is refused", mode).isEqualTo(Outcome.Status.EXISTS);
                assertThat(e.get(key)).as("%s: nothing landed", mode).isNull();
                assertThat(e.compute(key, cur -> ComputeAction.keep()).version()).as("%s: the lease stays", mode)
                        .isEqualTo(won.token());
                Entry guarded = e.compute(key, cur -> ComputeAction.store(bytes("guarded"),
                        WriteOptions.tagged("post:7")).ifTagsNotInvalidatedSince(won.token()));
                assertThat(guarded.placeholder()).as("%s: a refused guarded store returns the current entry", mode)
                        .isTrue();
                assertThat(e.compareAndSet(key, won.token(), bytes("other tags"), WriteOptions.tagged("user:1"))
                        .status()).as("%s: a rebuild with other tags lands", mode).isEqualTo(Outcome.Status.STORED);
                Entry landed = e.get(key);
                assertThat(landed.valueAsString()).isEqualTo("other tags");
                assertThat(landed.stale()).isFalse();

                // The same race over a live entry with a recache lease.
                Key live = Key.of("/live");
                e.set(live, bytes("v"), WriteOptions.tagged("post:8").withExpiry(Expiry.after(Duration.ofSeconds(5))));
                Lookup lease = e.lookup(live, LeaseTck.lease().withRecacheBelow(Duration.ofSeconds(10)));
                assertThat(lease.won()).isTrue();
                e.invalidateTag("post:8", mode);
                // Removed, the entry is gone (NOT_FOUND); marked stale, the guard refuses (EXISTS).
                assertThat(e.compareAndSet(live, lease.token(), bytes("late"), WriteOptions.tagged("post:8"))
                        .status()).as("%s: refused over a live entry", mode).isEqualTo(
                                mode == InvalidationMode.REMOVE ? Outcome.Status.NOT_FOUND : Outcome.Status.EXISTS);
                if (mode == InvalidationMode.MARK_STALE) {
                    assertThat(e.get(live).stale()).isTrue();
                    assertThat(e.get(live).valueAsString()).isEqualTo("v");
                } else {
                    assertThat(e.get(live)).isNull();
                }
                if (mode == InvalidationMode.MARK_STALE) {
                    // A soft invalidation touches no entry: the refused rebuilder's lease holds until it runs out.
                    Lookup served = e.lookup(live, LeaseTck.lease());
                    assertThat(served.status()).isEqualTo(Status.TAKEN);
                    assertThat(served.stale()).isTrue();
                    t.clock().advance(LeaseTck.LEASE);
                    e.set(live, bytes("v"), WriteOptions.tagged("post:8"));
                    e.invalidateTag("post:8", mode);
                }
                Lookup again = e.lookup(live, LeaseTck.lease());
                assertThat(again.won()).as("%s: a new lookup wins a fresh token", mode).isTrue();
                assertThat(e.compareAndSet(live, again.token(), bytes("fresh"), WriteOptions.tagged("post:8"))
                        .status()).isEqualTo(Outcome.Status.STORED);
                assertThat(e.get(live).valueAsString()).isEqualTo("fresh");
            }
        }
    }

    @Test
    default void aRebuildIsRefusedAlsoAfterTheBackgroundHasSweptTheInvalidatedEntries() throws Exception {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key tagged = Key.of("/swept");
            Key rebuilt = Key.of("/rebuilt");
            Key recached = Key.of("/recached");
            e.set(tagged, bytes("old"), WriteOptions.tagged("post:9"));
            e.set(recached, bytes("old"), Expiry.after(Duration.ofSeconds(5)), 0);
            Lookup placeholder = e.lookup(rebuilt, LeaseTck.lease());
            Lookup lease = e.lookup(recached, LeaseTck.lease().withRecacheBelow(Duration.ofSeconds(10)));
            assertThat(placeholder.won()).isTrue();
            assertThat(lease.won()).isTrue();
            e.invalidateTag("post:9", InvalidationMode.REMOVE);
            // The watermark still guards the leases of untagged entries (a placeholder, a live entry)
            // after the background reclaimed every entry carrying the tag: wait for a few sweeps.
            long deadline = System.nanoTime() + tckTagReclaimTimeout().toNanos();
            while (e.stats().entries() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(5 * tckSweepInterval().toMillis());
            assertThat(e.compareAndSet(rebuilt, placeholder.token(), bytes("stale origin data"),
                    WriteOptions.tagged("post:9")).status()).as("the rebuild of a missing entry").isEqualTo(
                            Outcome.Status.EXISTS);
            assertThat(e.compareAndSet(recached, lease.token(), bytes("stale origin data"),
                    WriteOptions.tagged("post:9")).status()).as("the rebuild of a live entry").isEqualTo(
                            Outcome.Status.EXISTS);
            assertThat(e.get(rebuilt)).isNull();
            assertThat(e.get(recached).valueAsString()).isEqualTo("old");
        }
    }

    @Test
    default void concurrentRebuildsNeverLandOriginDataOlderThanATagInvalidation() throws Exception {
        Together.assumeCacheSemantics(this);
        int rebuilders = 3;
        Key[] keys = {Key.of("/race-0"), Key.of("/race-1")};
        String tag = "origin";
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            // The origin: its generation rises before each invalidation of its tag.
            AtomicLong generation = new AtomicLong();
            // The generation of the last invalidation that returned: no fresh entry may hold older data.
            AtomicLong invalidated = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong landed = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(rebuilders + 1);
            CyclicBarrier start = new CyclicBarrier(rebuilders + 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int r = 0; r < rebuilders; r++) {
                    int seed = r;
                    futures.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        SplittableRandom random = new SplittableRandom(seed);
                        while (!done.get() && System.nanoTime() < deadline) {
                            Key key = keys[random.nextInt(keys.length)];
                            long floor = invalidated.get();
                            Lookup l = e.lookup(key, LeaseTck.lease());
                            if (l.status() == Status.HIT && Long.parseLong(l.entry().valueAsString()) < floor) {
                                failures.add("a lookup after the invalidation of generation " + floor + " hit "
                                        + key + " fresh with data of generation " + l.entry().valueAsString());
                            }
                            if (!l.won()) {
                                Thread.yield();
                                continue;
                            }
                            // Read the origin only after winning, as a rebuilder does.
                            long read = generation.get();
                            if (random.nextInt(4) == 0) {
                                Thread.yield();
                            }
                            Outcome o = e.compareAndSet(key, l.token(), bytes(Long.toString(read)),
                                    WriteOptions.tagged(tag));
                            if (o.isStored()) {
                                landed.incrementAndGet();
                            } else if (o.status() == Outcome.Status.EXISTS) {
                                // Refused: give the lease up so the next caller rebuilds. (NOT_FOUND: a
                                // removal took the leased stale entry with it.)
                                e.delete(key, l.token());
                            }
                        }
                        return null;
                    }));
                }
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    SplittableRandom random = new SplittableRandom(99);
                    // On a busy machine the invalidations can all pass before a rebuilder wins once:
                    // go on until one has landed, so the race is always run.
                    for (int i = 0; (i < tckTagRaceInvalidations() || landed.get() == 0)
                            && System.nanoTime() < deadline; i++) {
                        long floor = invalidated.get();
                        for (Key key : keys) {
                            Entry got = e.get(key);
                            if (got != null && !got.stale() && Long.parseLong(got.valueAsString()) < floor) {
                                failures.add("before invalidation " + i + ": " + key + " holds fresh data of "
                                        + "generation " + got.valueAsString() + " after generation " + floor
                                        + " was invalidated: " + got);
                            }
                        }
                        long now = generation.incrementAndGet();
                        InvalidationMode mode = random.nextBoolean() ? InvalidationMode.REMOVE
                                : InvalidationMode.MARK_STALE;
                        e.invalidateTag(tag, mode);
                        invalidated.set(now);
                        // From here no fresh (not stale) entry may hold origin data older than `now`.
                        for (Key key : keys) {
                            Entry got = e.get(key);
                            if (got != null && !got.stale() && Long.parseLong(got.valueAsString()) < now) {
                                failures.add("after invalidation " + i + " (" + mode + ", generation " + now + ") "
                                        + key + " holds fresh data of generation " + got.valueAsString() + ": "
                                        + got);
                            }
                        }
                        if (random.nextInt(3) == 0) {
                            Thread.yield();
                        }
                    }
                    done.set(true);
                    return null;
                }));
                for (Future<?> f : futures) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                done.set(true);
                pool.shutdownNow();
                pool.awaitTermination(60, TimeUnit.SECONDS);
            }
            assertThat(failures).as("rebuilds that landed stale origin data").isEmpty();
            assertThat(landed.get()).as("some rebuilds landed (the race ran)").isPositive();
        }
    }

    @Test
    default void sixteenTagsPerEntry() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            List<String> sixteen = new ArrayList<>();
            for (int i = 0; i < WriteOptions.MAX_TAGS; i++) {
                sixteen.add("tag-" + i + "-" + "\u00e9".repeat(i));
            }
            sixteen.set(15, "\u00e9".repeat(WriteOptions.MAX_TAG_BYTES / 2));
            Key full = Key.of("/sixteen");
            e.set(full, bytes("full"), WriteOptions.none().withTags(sixteen));
            assertThat(e.get(full).tags()).as("all 16 tags kept, in order").isEqualTo(sixteen);
            for (int i = 0; i < 16; i++) {
                Key k = Key.of("/one-of-sixteen-" + i);
                e.set(k, bytes("v"), WriteOptions.none().withTags(sixteen));
                e.invalidateTag(sixteen.get(i), InvalidationMode.MARK_STALE);
                assertThat(e.get(k).stale()).as("soft invalidation of tag %d of 16", i).isTrue();
            }
            e.invalidateTag(sixteen.get(15), InvalidationMode.REMOVE);
            assertThat(e.get(full)).as("the last of 16 tags invalidated").isNull();
        }
    }

    @Test
    default void manyEntriesPerTagAreInvalidatedAtOnceAndReclaimedInTheBackground() throws Exception {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            int n = tckEntriesPerTag();
            long entriesBefore = e.stats().entries();
            long invalidationsBefore = e.stats().invalidations();
            for (int i = 0; i < n; i++) {
                e.set(Key.of("/many-" + i), bytes("t" + i), WriteOptions.tagged("many", "other-" + (i % 7)));
                e.set(Key.of("/untagged-" + i), bytes("u" + i));
            }
            e.invalidateTag("many", InvalidationMode.REMOVE);
            for (int i = 0; i < n; i++) {
                assertThat(e.get(Key.of("/many-" + i))).as("tagged entry %d", i).isNull();
                assertThat(e.get(Key.of("/untagged-" + i)).valueAsString()).isEqualTo("u" + i);
            }
            // Invalidated entries are reclaimed in the background and counted as invalidations.
            long deadline = System.nanoTime() + tckTagReclaimTimeout().toNanos();
            while (e.stats().entries() > entriesBefore + n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(e.stats().entries()).as("the invalidated entries were reclaimed within %s",
                    tckTagReclaimTimeout()).isEqualTo(entriesBefore + n);
            assertThat(e.stats().invalidations() - invalidationsBefore).as("and counted as invalidations")
                    .isGreaterThanOrEqualTo(n);
        }
    }

    @Test
    default void badTagsAreRefusedWithTheLimitNamedAndTheStoreUnchanged() {
        Together.assumeCacheSemantics(this);
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("/bad-tags");
            long version = e.set(key, bytes("kept"), WriteOptions.tagged("ok"));
            List<String> seventeen = new ArrayList<>();
            for (int i = 0; i < 17; i++) {
                seventeen.add("t" + i);
            }
            assertThatThrownBy(() -> e.set(key, bytes("x"), WriteOptions.none().withTags(seventeen)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16").hasMessageContaining("17");
            String tooLong = "\u00e9".repeat(125) + "a";
            assertThatThrownBy(() -> e.set(key, bytes("x"), WriteOptions.tagged(tooLong)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("250");
            assertThatThrownBy(() -> e.set(key, bytes("x"), WriteOptions.tagged("")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.set(key, bytes("x"), WriteOptions.tagged("dup", "dup")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dup");
            assertThatThrownBy(() -> e.set(key, bytes("x"), WriteOptions.tagged("a", null)))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> e.invalidateTag(tooLong, InvalidationMode.REMOVE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("250");
            assertThatThrownBy(() -> e.invalidateTag("", InvalidationMode.REMOVE))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> e.invalidateTag(null, InvalidationMode.REMOVE))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> e.invalidateTag("ok", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> e.compute(key, cur -> ComputeAction.store(bytes("x"),
                    WriteOptions.tagged("a", "a")))).isInstanceOf(IllegalArgumentException.class);
            Entry after = e.get(key);
            assertThat(after.version()).as("the store is unchanged").isEqualTo(version);
            assertThat(after.valueAsString()).isEqualTo("kept");
            assertThat(after.tags()).containsExactly("ok");
            assertThat(e.stats().entries()).isEqualTo(1);
            String longest = "\u00e9".repeat(125);
            e.set(key, bytes("edge"), WriteOptions.tagged(longest, "1"));
            assertThat(e.get(key).tags()).as("250 bytes and 1 byte are within the limits").containsExactly(longest, "1");
        }
    }

    @Test
    default void watermarksTagsAndCacheStateSurviveReopen() {
        Together.assumeCacheSemantics(this);
        assumeTrue(engineDeclares(Capability.PERSISTENT), "engine does not declare PERSISTENT");
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key a = Key.of("/a");
            Key b = Key.of("/b");
            Key c = Key.of("/c");
            Key d = Key.of("/d");
            Key staleKey = Key.of("/stale");
            Key waiting = Key.of("/waiting");
            Key leased = Key.of("/leased");
            e.set(a, bytes("a"), WriteOptions.tagged("gone"));
            e.set(b, bytes("b"), WriteOptions.tagged("soft", "kept"));
            e.set(c, bytes("c"));
            e.set(d, bytes("d"), WriteOptions.tagged("kept", "gone").withFlags(3));
            e.set(staleKey, bytes("s"), WriteOptions.tagged("kept"));
            e.markStale(staleKey, Expiry.after(Duration.ofMinutes(10)));
            e.set(leased, bytes("l"), Expiry.after(Duration.ofSeconds(20)), 0);
            long leaseToken = e.lookup(leased, LeaseTck.lease().withRecacheBelow(Duration.ofMinutes(1))).token();
            long token = e.lookup(waiting, LeaseTck.lease()).token();
            long removeMark = e.invalidateTag("gone", InvalidationMode.REMOVE);
            long staleMark = e.invalidateTag("soft", InvalidationMode.MARK_STALE);
            Entry keptStale = e.get(staleKey);
            Entry softB = e.get(b);

            StorageEngine r = t.reopen();
            assertThat(r.get(a)).as("removed by a watermark before the reopen").isNull();
            assertThat(r.get(d)).isNull();
            assertThat(r.get(c).valueAsString()).isEqualTo("c");
            Entry gotB = r.get(b);
            assertThat(gotB.stale()).as("stale by a watermark before the reopen").isTrue();
            assertThat(gotB.tags()).containsExactly("soft", "kept");
            assertThat(gotB.version()).isEqualTo(softB.version());
            Entry gotStale = r.get(staleKey);
            assertThat(gotStale.stale()).as("the stale mark survives").isTrue();
            assertThat(gotStale.version()).isEqualTo(keptStale.version());
            assertThat(gotStale.expiresAt()).isEqualTo(keptStale.expiresAt());
            assertThat(gotStale.tags()).containsExactly("kept");
            assertThat(r.lookup(waiting, LeaseTck.lease()).status()).as("the placeholder and its lease survive")
                    .isEqualTo(Status.TAKEN);
            assertThat(r.get(leased).leased()).as("a lease on a live entry survives").isTrue();
            assertThat(r.get(leased).version()).isEqualTo(leaseToken);
            assertThat(r.compareAndSet(waiting, token, bytes("rebuilt"), WriteOptions.tagged("gone")).status())
                    .as("the token from before the invalidation is still refused after reopen")
                    .isEqualTo(Outcome.Status.EXISTS);
            long later = r.set(Key.of("/later"), bytes("later"), WriteOptions.tagged("gone"));
            assertThat(later).as("versions go on above the watermarks").isGreaterThan(Math.max(removeMark, staleMark));
            assertThat(r.get(Key.of("/later")).valueAsString()).isEqualTo("later");
            assertThat(r.invalidateTag("gone", InvalidationMode.REMOVE)).isGreaterThan(later);
            assertThat(r.get(Key.of("/later"))).isNull();

            StorageEngine again = t.reopen();
            assertThat(again.get(Key.of("/later"))).as("a watermark set after a reopen survives the next").isNull();
            assertThat(again.get(b).stale()).isTrue();
            assertThat(again.get(c).valueAsString()).isEqualTo("c");
        }
    }

    @Test
    default void watermarksSurviveAKill() throws Exception {
        Together.assumeCacheSemantics(this);
        assumeTrue(engineDeclares(Capability.PERSISTENT), "engine does not declare PERSISTENT");
        String factoryClass = factory().getClass().getName();
        long seed = tckSeed();
        try (EngineUnderTest t = openEngine()) {
            t.closeEngine();
            TagCrashRounds rounds = new TagCrashRounds(t, factoryClass);
            SplittableRandom random = new SplittableRandom(seed);
            for (int round = 0; round < tckTagCrashRounds(); round++) {
                rounds.round(round, random);
            }
            t.openAgain();
        }
    }

    @Test
    default void twoProcessesElectOneRebuilderAndSeeEachOthersTagInvalidations() throws Exception {
        Together.assumeCacheSemantics(this);
        assumeTrue(engineDeclares(Capability.SHARED_BETWEEN_PROCESSES),
                "engine does not declare SHARED_BETWEEN_PROCESSES");
        String factoryClass = factory().getClass().getName();
        try (EngineUnderTest t = openEngine()) {
            int keys = tckIntensity().pick(20, 100, 1000);
            List<String> results = CacheProcesses.raceForLeases(t, factoryClass, 2, keys);
            for (int k = 0; k < keys; k++) {
                String key = CacheProcesses.leaseKey(k);
                long winners = results.stream().filter(line -> line.equals("WON " + key)).count();
                long taken = results.stream().filter(line -> line.equals("TAKEN " + key)).count();
                assertThat(winners).as("one winner for %s across both processes: %s", key, results).isEqualTo(1);
                assertThat(taken).as("the other process was told it is taken, for %s", key).isEqualTo(1);
            }
            StorageEngine e = t.engine();
            for (int k = 0; k < keys; k++) {
                assertThat(e.lookup(Key.of(CacheProcesses.leaseKey(k)), LeaseTck.lease()).status())
                        .as("this process sees the other's lease").isEqualTo(Status.TAKEN);
            }
            Key tagged = Key.of("/shared-tagged");
            Key kept = Key.of("/shared-kept");
            e.set(tagged, bytes("v"), WriteOptions.tagged("shared"));
            e.set(kept, bytes("k"), WriteOptions.tagged("other"));
            long childMark = CacheProcesses.invalidateInChild(t, factoryClass, "shared");
            assertThat(e.get(tagged)).as("a tag invalidated in another process").isNull();
            assertThat(e.get(kept).valueAsString()).isEqualTo("k");
            long next = e.set(Key.of("/after"), bytes("a"), WriteOptions.tagged("shared"));
            assertThat(next).as("versions go on above the other process's watermark").isGreaterThan(childMark);
            assertThat(e.get(Key.of("/after")).valueAsString()).isEqualTo("a");
        }
    }
}
