package io.larder.engine.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.EngineConfig;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.ManualClock;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference engine's leases, stale marks, tags and hit statistics, one rule per test. */
class HeapCacheSemanticsTest {

    private final ManualClock clock = new ManualClock();
    private final StorageEngine engine = Larder.open(EngineConfig.of("heap", Map.of("capacity", "2m",
            "sweepInterval", "1h")).withClock(clock));
    private final Key key = Key.of("/page");
    private final LeaseOptions lease = LeaseOptions.of(Duration.ofSeconds(10));

    @AfterEach
    void close() {
        engine.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMissWinsOneLeaseAndThePlaceholderIsInvisibleToReads() {
        Lookup first = engine.lookup(key, lease);
        assertThat(first.status()).isEqualTo(Lookup.Status.WON);
        assertThat(first.entry()).isNull();
        assertThat(engine.lookup(key, lease).status()).isEqualTo(Lookup.Status.TAKEN);
        assertThat(engine.get(key)).isNull();
        assertThat(engine.variants("/page")).isEmpty();
        assertThat(engine.replace(key, bytes("x"), Expiry.never(), 0).status()).isEqualTo(Outcome.Status.NOT_FOUND);
        assertThat(engine.compareAndSet(key, first.token() + 1, bytes("x"), Expiry.never(), 0).status())
                .isEqualTo(Outcome.Status.EXISTS);
        Outcome stored = engine.compareAndSet(key, first.token(), bytes("page"), Expiry.never(), 0);
        assertThat(stored.status()).isEqualTo(Outcome.Status.STORED);
        Lookup after = engine.lookup(key, lease);
        assertThat(after.status()).isEqualTo(Lookup.Status.HIT);
        assertThat(after.entry().valueAsString()).isEqualTo("page");
    }

    @Test
    void aLeaseThatRunsOutIsWonAgain() {
        long token = engine.lookup(key, lease).token();
        clock.advance(Duration.ofSeconds(11));
        Lookup again = engine.lookup(key, lease);
        assertThat(again.status()).isEqualTo(Lookup.Status.WON);
        assertThat(again.token()).isGreaterThan(token);
        assertThat(engine.compareAndSet(key, token, bytes("late"), Expiry.never(), 0).status())
                .isEqualTo(Outcome.Status.EXISTS);
    }

    @Test
    void markStaleServesTheValueStaleAndRefusesOlderTokens() {
        long v1 = engine.set(key, bytes("old"));
        Outcome marked = engine.markStale(key, null);
        assertThat(marked.version()).isGreaterThan(v1);
        assertThat(engine.get(key).stale()).isTrue();
        Lookup won = engine.lookup(key, lease);
        assertThat(won.status()).isEqualTo(Lookup.Status.WON);
        assertThat(won.entry().valueAsString()).isEqualTo("old");
        Lookup taken = engine.lookup(key, lease);
        assertThat(taken.status()).isEqualTo(Lookup.Status.TAKEN);
        assertThat(taken.stale()).isTrue();
        assertThat(engine.compareAndSet(key, v1, bytes("x"), Expiry.never(), 0).status())
                .isEqualTo(Outcome.Status.EXISTS);
        engine.compareAndSet(key, won.token(), bytes("new"), Expiry.never(), 0);
        assertThat(engine.get(key).stale()).isFalse();
    }

    @Test
    void tagInvalidationRemovesOnlyWhatWasWrittenBefore() {
        Key tagged = Key.of("/a");
        Key other = Key.of("/b");
        engine.set(tagged, bytes("a"), WriteOptions.tagged("user:1"));
        engine.set(other, bytes("b"));
        engine.invalidateTag("user:1", InvalidationMode.REMOVE);
        assertThat(engine.get(tagged)).isNull();
        assertThat(engine.get(other)).isNotNull();
        engine.set(tagged, bytes("a2"), WriteOptions.tagged("user:1"));
        assertThat(engine.get(tagged).tags()).containsExactly("user:1");
    }

    @Test
    void softTagInvalidationServesStaleAndHandsOutOneLease() {
        engine.set(key, bytes("v"), WriteOptions.tagged("post:7"));
        engine.invalidateTag("post:7", InvalidationMode.MARK_STALE);
        assertThat(engine.get(key).stale()).isTrue();
        Lookup won = engine.lookup(key, lease);
        assertThat(won.status()).isEqualTo(Lookup.Status.WON);
        assertThat(engine.lookup(key, lease).status()).isEqualTo(Lookup.Status.TAKEN);
        assertThat(engine.get(key).stale()).as("still stale after the lease raised its version").isTrue();
        assertThat(engine.compareAndSet(key, won.token(), bytes("v2"), WriteOptions.tagged("post:7")).status())
                .isEqualTo(Outcome.Status.STORED);
        assertThat(engine.get(key).stale()).isFalse();
    }

    @Test
    void aRebuildThatRacesATagInvalidationDoesNotLand() {
        Lookup won = engine.lookup(key, lease);
        engine.invalidateTag("user:42", InvalidationMode.REMOVE);
        Outcome late = engine.compareAndSet(key, won.token(), bytes("built from old data"),
                WriteOptions.tagged("user:42"));
        assertThat(late.status()).isEqualTo(Outcome.Status.EXISTS);
        assertThat(engine.get(key)).isNull();
    }

    @Test
    void softPurgeOfAPrimaryMarksEveryVariant() {
        engine.set(Key.of("/p", Variant.of("lang", "en")), bytes("en"));
        engine.set(Key.of("/p", Variant.of("lang", "fr")), bytes("fr"));
        assertThat(engine.invalidate("/p".getBytes(StandardCharsets.UTF_8), InvalidationMode.MARK_STALE))
                .isEqualTo(2);
        assertThat(engine.get(Key.of("/p", Variant.of("lang", "fr"))).stale()).isTrue();
    }

    @Test
    void hitsCountReadsBeforeThisOne() {
        long storedAt = clock.millis();
        engine.set(key, bytes("v"));
        Entry first = engine.get(key);
        assertThat(first.hits()).isZero();
        assertThat(first.lastAccess()).isEqualTo(storedAt);
        clock.advanceMillis(5);
        engine.get(key);
        Entry third = engine.get(key);
        assertThat(third.hits()).isEqualTo(2);
        assertThat(third.lastAccess()).isEqualTo(storedAt + 5);
    }

    @Test
    void aReaderThatThrowsLeavesTheHitFiguresAsTheyWere() {
        engine.set(key, bytes("v"));
        RuntimeException thrown = new IllegalStateException("reader failed");
        assertThatThrownBy(() -> engine.read(key, view -> {
            throw thrown;
        })).isSameAs(thrown);
        assertThat(engine.get(key).hits()).isZero();
    }

    @Test
    void aPlaceholderLeaseAtTheLongestLeaseTimeIsClampedNotRefused() {
        Lookup won = engine.lookup(key, LeaseOptions.of(Duration.ofMillis(Expiry.MAX_EPOCH_MILLIS)));
        assertThat(won.status()).isEqualTo(Lookup.Status.WON);
        assertThat(engine.lookup(key, lease).status()).isEqualTo(Lookup.Status.TAKEN);
    }

    @Test
    void badTagsAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> WriteOptions.tagged("x".repeat(251))).hasMessageContaining("250");
        assertThatThrownBy(() -> WriteOptions.tagged(new String[17])).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> WriteOptions.tagged("a", "a")).hasMessageContaining("twice");
    }
}
