package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.ManualClock;
import io.larder.spi.Outcome;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache semantics as the lmdb engine keeps them: tags, watermarks, placeholders, stale marks, leases, hits. */
class LmdbCacheSemanticsTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);

    private LmdbEngine open() {
        return Stores.open(dir, clock, "capacity", "64m", "sweepInterval", "1h");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void declaresCacheSemanticsAndItsClock() {
        try (LmdbEngine engine = open()) {
            assertThat(engine.capabilities()).contains(Capability.CACHE_SEMANTICS);
            assertThat(engine.clock()).isSameAs(clock);
        }
    }

    @Test
    void tagsAreKeptWithTheEntryAcrossReopen() {
        Key key = Key.of("page");
        try (LmdbEngine engine = open()) {
            engine.set(key, utf8("v"), WriteOptions.tagged("user:42", "post:7").withFlags(5));
            assertThat(engine.<java.util.List<String>>read(key, view -> view.tags())).containsExactly("user:42", "post:7");
        }
        try (LmdbEngine engine = open()) {
            Entry e = engine.get(key);
            assertThat(e.tags()).containsExactly("user:42", "post:7");
            assertThat(e.flags()).isEqualTo(5);
            assertThat(e.valueAsString()).isEqualTo("v");
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void invalidateTagRemovesExactlyTheEntriesCarryingItWrittenBeforeEvenAfterAReopen() {
        Key a = Key.of("a");
        Key b = Key.of("b");
        Key c = Key.of("c", Variant.of("lang", "en"));
        Key later = Key.of("later");
        long mark;
        try (LmdbEngine engine = open()) {
            engine.set(a, utf8("a"), WriteOptions.tagged("t", "u"));
            engine.set(b, utf8("b"));
            engine.set(c, utf8("c"), WriteOptions.tagged("u"));
            mark = engine.invalidateTag("t", InvalidationMode.REMOVE);
            engine.set(later, utf8("later"), WriteOptions.tagged("t"));
            assertThat(mark).isGreaterThan(engine.get(c).version()).isLessThan(engine.get(later).version());
            assertThat(engine.get(a)).isNull();
            assertThat(engine.compute(a, current -> {
                assertThat(current).isNull();
                return ComputeAction.keep();
            })).isNull();
            assertThat(engine.get(b)).isNotNull();
            assertThat(engine.get(later)).isNotNull();
        }
        try (LmdbEngine engine = open()) {
            assertThat(engine.get(a)).as("the watermark survives a reopen").isNull();
            assertThat(engine.get(c).valueAsString()).isEqualTo("c");
            assertThat(engine.invalidateTag("u", InvalidationMode.REMOVE)).isGreaterThan(mark);
            assertThat(engine.get(c)).isNull();
            assertThat(engine.variants("c")).isEmpty();
            assertThat(engine.get(later)).isNotNull();
            assertThat(engine.stats().entries()).as("still stored until swept").isEqualTo(3);
            engine.sweepExpired();
            assertThat(engine.stats().entries()).isEqualTo(2);
            assertThat(engine.stats().invalidations()).isEqualTo(1);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void theSweeperReclaimsTagInvalidatedEntriesInBatches() {
        try (LmdbEngine engine = open()) {
            int n = LmdbEngine.MAX_BATCH * 2 + 17;
            for (int i = 0; i < n; i++) {
                engine.set(Key.of("k" + i), utf8("v" + i), WriteOptions.tagged("all", "k" + i));
            }
            engine.set(Key.of("untagged"), utf8("x"));
            engine.invalidateTag("all", InvalidationMode.REMOVE);
            engine.sweepExpired();
            assertThat(engine.stats().entries()).isEqualTo(1);
            assertThat(engine.stats().invalidations()).isEqualTo(n);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void aSoftTagInvalidationServesTheEntryStaleAndHandsOutOneLease() {
        Key key = Key.of("k");
        try (LmdbEngine engine = open()) {
            long v = engine.set(key, utf8("old"), WriteOptions.tagged("t"));
            long mark = engine.invalidateTag("t", InvalidationMode.MARK_STALE);
            assertThat(engine.<Boolean>read(key, view -> view.stale())).isTrue();
            assertThat(engine.get(key).version()).isEqualTo(v);
            LeaseOptions options = LeaseOptions.of(Duration.ofSeconds(10)).withAcceptStale(true);
            Lookup first = engine.lookup(key, options);
            assertThat(first.won()).isTrue();
            assertThat(first.token()).isGreaterThan(mark);
            assertThat(first.entry().stale()).as("stale through the mark, still stale above it").isTrue();
            Lookup second = engine.lookup(key, options);
            assertThat(second.won()).isFalse();
            assertThat(second.entry().valueAsString()).isEqualTo("old");
            assertThat(second.entry().stale()).isTrue();
            assertThat(engine.compareAndSet(key, first.token(), utf8("new"), WriteOptions.tagged("t")).isStored())
                    .isTrue();
            Entry fresh = engine.get(key);
            assertThat(fresh.stale()).isFalse();
            assertThat(fresh.leased()).isFalse();
            assertThat(fresh.valueAsString()).isEqualTo("new");
        }
    }

    @Test
    void aGuardedStoreIsRefusedWhenItsTagWasInvalidatedAfterTheToken() {
        Key key = Key.of("k");
        try (LmdbEngine engine = open()) {
            Lookup won = engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(10)));
            assertThat(won.won()).isTrue();
            engine.invalidateTag("post:7", InvalidationMode.REMOVE);
            Outcome refused = engine.compareAndSet(key, won.token(), utf8("built before"),
                    WriteOptions.tagged("post:7"));
            assertThat(refused.isStored()).isFalse();
            assertThat(engine.get(key)).isNull();
            Lookup again = engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(10)));
            assertThat(again.won()).as("the placeholder's lease is still held").isFalse();
            engine.invalidateTag("post:8", InvalidationMode.MARK_STALE);
            assertThat(engine.compareAndSet(key, won.token(), utf8("ok"), WriteOptions.tagged("post:7x")).isStored())
                    .isTrue();
        }
    }

    @Test
    void aSoftPurgeMarksEveryVariantWithAValueStaleInOneTransactionAndCountsInvalidations() {
        try (LmdbEngine engine = open()) {
            Key en = Key.of("p", Variant.of("lang", "en"));
            Key fr = Key.of("p", Variant.of("lang", "fr"));
            Key gone = Key.of("p", Variant.of("lang", "de"));
            long vEn = engine.set(en, utf8("en"));
            engine.set(fr, utf8("fr"), WriteOptions.tagged("t"));
            engine.set(gone, utf8("de"), WriteOptions.tagged("x"));
            engine.invalidateTag("x", InvalidationMode.REMOVE);
            engine.lookup(Key.of("p", Variant.of("lang", "it")), LeaseOptions.of(Duration.ofSeconds(5)));
            long txnBefore = engine.writeTransactions();
            assertThat(engine.invalidate(utf8("p"), InvalidationMode.MARK_STALE)).isEqualTo(2);
            assertThat(engine.writeTransactions()).as("one write transaction").isEqualTo(txnBefore + 1);
            assertThat(engine.stats().invalidations()).isEqualTo(2);
            Entry e = engine.get(en);
            assertThat(e.stale()).isTrue();
            assertThat(e.version()).isGreaterThan(vEn);
            assertThat(engine.get(fr).stale()).isTrue();
            assertThat(engine.get(fr).tags()).containsExactly("t");
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void placeholdersAreInvisibleToReadsButTakeRoomAndExpire() {
        Key key = Key.of("p", Variant.of("lang", "en"));
        try (LmdbEngine engine = open()) {
            Lookup won = engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(5)));
            assertThat(won.won()).isTrue();
            assertThat(won.entry()).isNull();
            assertThat(engine.get(key)).isNull();
            assertThat(engine.copyValue(key, java.nio.ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(engine.variants("p")).isEmpty();
            assertThat(engine.stats().entries()).isEqualTo(1);
            assertThat(engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(5))).status())
                    .isEqualTo(Lookup.Status.TAKEN);
            assertThat(engine.replace(key, utf8("x"), Expiry.never(), 0).status()).isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(engine.touch(key, Expiry.never()).status()).isEqualTo(Outcome.Status.NOT_FOUND);
            assertThat(engine.invalidate("p")).as("a placeholder is removed but not counted").isZero();
            assertThat(engine.stats().entries()).isZero();

            engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(5)));
            assertThat(engine.add(key, utf8("added"), Expiry.never(), 0).isStored()).isTrue();
            assertThat(engine.get(key).valueAsString()).isEqualTo("added");

            Key other = Key.of("q");
            engine.lookup(other, LeaseOptions.of(Duration.ofSeconds(5)));
            assertThat(engine.delete(other).status()).isEqualTo(Outcome.Status.DELETED);
            engine.lookup(other, LeaseOptions.of(Duration.ofSeconds(5)));
            clock.advance(Duration.ofSeconds(6));
            assertThat(engine.lookup(other, LeaseOptions.of(Duration.ofSeconds(5))).won())
                    .as("a lease that ran out is won again").isTrue();
            clock.advance(Duration.ofSeconds(6));
            engine.sweepExpired();
            assertThat(engine.stats().entries()).as("the expired placeholder is swept").isEqualTo(1);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void leasedFollowsLeaseUntilAndTheEnginesClock() {
        Key key = Key.of("k");
        try (LmdbEngine engine = open()) {
            engine.set(key, utf8("v"));
            assertThat(engine.markStale(key, null).isStored()).isTrue();
            Lookup won = engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(3)).withAcceptStale(true));
            assertThat(won.won()).isTrue();
            assertThat(engine.<Boolean>read(key, view -> view.leased())).isTrue();
            assertThat(engine.get(key).leased()).isTrue();
            clock.advance(Duration.ofSeconds(4));
            assertThat(engine.<Boolean>read(key, view -> view.leased())).isFalse();
            assertThat(engine.lookup(key, LeaseOptions.of(Duration.ofSeconds(3)).withAcceptStale(true)).won()).isTrue();
        }
    }

    @Test
    void markStaleKeepsValueFlagsTagsAndHitsAndShortensTheExpiryToTheGrace() {
        Key key = Key.of("k");
        try (LmdbEngine engine = open()) {
            long stored = clock.millis();
            long v = engine.set(key, utf8("v"), WriteOptions.tagged("t").withFlags(9)
                    .withExpiry(Expiry.after(Duration.ofHours(1))));
            engine.get(key);
            clock.advanceMillis(10);
            engine.get(key);
            Outcome o = engine.markStale(key, Expiry.after(Duration.ofMinutes(1)));
            assertThat(o.version()).isGreaterThan(v);
            Entry e = engine.get(key);
            assertThat(e.stale()).isTrue();
            assertThat(e.version()).isEqualTo(o.version());
            assertThat(e.flags()).isEqualTo(9);
            assertThat(e.tags()).containsExactly("t");
            assertThat(e.storedAt()).isEqualTo(stored);
            assertThat(e.expiresAt()).isEqualTo(clock.millis() + 60_000);
            assertThat(e.hits()).as("hits kept through the stale mark").isEqualTo(2);
            assertThat(engine.compareAndSet(key, v, utf8("late"), Expiry.never(), 0).isStored())
                    .as("a token from before the mark").isFalse();
        }
    }

    @Test
    void oneThreadsReadsCountExactlyAndAStoreStartsAfresh() {
        Key key = Key.of("k");
        try (LmdbEngine engine = open()) {
            long storedAt = clock.millis();
            engine.set(key, utf8("v"));
            List<Long> lastAccesses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int expected = 2 * i; // each round reads twice: read, then copyValue
                assertThat(engine.<Integer>read(key, view -> view.hits())).isEqualTo(expected);
                lastAccesses.add(engine.copyValue(key, java.nio.ByteBuffer.allocate(8)) >= 0 ? clock.millis() : -1);
                clock.advanceMillis(7);
            }
            Entry e = engine.get(key);
            assertThat(e.hits()).isEqualTo(10);
            assertThat(e.lastAccess()).isEqualTo(lastAccesses.get(4));
            assertThat(e.lastAccess()).isGreaterThan(storedAt);
            clock.advanceMillis(3);
            long now = clock.millis();
            engine.set(key, utf8("w"));
            Entry fresh = engine.get(key);
            assertThat(fresh.hits()).isZero();
            assertThat(fresh.lastAccess()).isEqualTo(now);
        }
    }

    @Test
    void readsWriteNoTransactionWhateverTheyCount() {
        Key tagged = Key.of("tagged");
        Key plain = Key.of("plain");
        Key rebuilding = Key.of("rebuilding");
        try (LmdbEngine engine = open()) {
            engine.set(tagged, utf8("v"), WriteOptions.tagged("t"));
            engine.set(plain, utf8("v"));
            engine.invalidateTag("t", InvalidationMode.MARK_STALE);
            LeaseOptions vivify = LeaseOptions.of(Duration.ofMinutes(1)).withVivifyOnMiss(true);
            assertThat(engine.lookup(rebuilding, vivify).status()).isEqualTo(Lookup.Status.WON);
            long before = engine.stats().engineSpecific().get("lastVersion");
            long misses = engine.stats().misses();
            long txnBefore = engine.writeTransactions();
            for (int i = 0; i < 50; i++) {
                engine.get(tagged);
                engine.get(plain);
                engine.get(Key.of("missing"));
                engine.lookup(plain, LeaseOptions.of(Duration.ofSeconds(1)));
                assertThat(engine.lookup(rebuilding, vivify).status()).isEqualTo(Lookup.Status.TAKEN);
            }
            assertThat(engine.writeTransactions()).as("write transactions begun by reads").isEqualTo(txnBefore);
            assertThat(engine.stats().engineSpecific().get("lastVersion")).isEqualTo(before);
            assertThat(engine.stats().misses() - misses).as("misses: the missing key and the placeholder")
                    .isEqualTo(100);
            assertThat(engine.get(plain).hits()).isEqualTo(100);
        }
    }

    @Test
    void tooManyOrTooLongTagsAreRefusedAndTheStoreIsUnchanged() {
        try (LmdbEngine engine = open()) {
            List<String> seventeen = new ArrayList<>();
            for (int i = 0; i < 17; i++) {
                seventeen.add("t" + i);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> WriteOptions.none().withTags(seventeen))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.invalidateTag("x".repeat(251),
                    InvalidationMode.REMOVE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("250");
            List<String> sixteenLong = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                sixteenLong.add(i + "x".repeat(248));
            }
            Key key = Key.of("k".repeat(1000));
            engine.set(key, utf8("big tags"), WriteOptions.none().withTags(sixteenLong));
            assertThat(engine.get(key).tags()).isEqualTo(sixteenLong);
            engine.invalidateTag(sixteenLong.get(15), InvalidationMode.REMOVE);
            assertThat(engine.get(key)).isNull();
            engine.sweepExpired();
            assertThat(engine.stats().entries()).isZero();
            assertThat(engine.verify()).isEmpty();
        }
    }
}
