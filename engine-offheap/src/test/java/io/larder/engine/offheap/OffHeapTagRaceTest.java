package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.ComputeAction;
import io.larder.spi.EngineConfig;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tag invalidation caught between drawing its mark and publishing it: no write on a tagged entry
 * may slip in then and leave the old content live once the invalidation has returned.
 */
@Timeout(60)
class OffHeapTagRaceTest {

    private OffHeapEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code op} on the tagged key while an invalidation of its tag has drawn its mark and not
     * published it; the op gets up to a second to finish (it may rightly wait), then the mark goes out.
     */
    private Entry raceWithRemoval(Consumer<Key> op) throws Exception {
        engine = (OffHeapEngine) Larder.open(EngineConfig.parse("offheap:?capacity=16m&sweepInterval=1h"));
        Key key = Key.of("/old");
        engine.set(key, bytes("old content"), WriteOptions.tagged("t"));
        CountDownLatch drawn = new CountDownLatch(1);
        CountDownLatch publish = new CountDownLatch(1);
        engine.tagMarks().beforePublish = () -> {
            drawn.countDown();
            try {
                publish.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<Long> invalidation =
                CompletableFuture.supplyAsync(() -> engine.invalidateTag("t", InvalidationMode.REMOVE));
        assertThat(drawn.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> op.accept(key));
        try {
            write.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException waiting) {
            // Waiting for the mark is one right answer; the assertion below is the property.
        }
        publish.countDown();
        invalidation.get(30, TimeUnit.SECONDS);
        write.get(30, TimeUnit.SECONDS);
        engine.tagMarks().beforePublish = null;
        return engine.get(key);
    }

    @Test
    void leaseDuringAnInvalidationDoesNotRevive() throws Exception {
        assertThat(raceWithRemoval(k -> engine.compute(k, cur -> ComputeAction.lease(10_000)))).isNull();
    }

    @Test
    void markStaleDuringAnInvalidationDoesNotRevive() throws Exception {
        assertThat(raceWithRemoval(k -> engine.markStale(k, null))).isNull();
    }

    @Test
    void appendDuringAnInvalidationDoesNotRevive() throws Exception {
        assertThat(raceWithRemoval(k -> engine.append(k, bytes(" more")))).isNull();
    }

    @Test
    void guardedRebuildRefusedMeansTheOldEntryIsGone() throws Exception {
        long[] guard = new long[1];
        Entry[] seenAfterRefusal = new Entry[1];
        Entry after = raceWithRemoval(k -> {
            guard[0] = engine.set(Key.of("/token"), bytes("t"));
            Entry stored = engine.compute(k, cur -> ComputeAction.store(bytes("new"),
                    WriteOptions.tagged("t")).ifTagsNotInvalidatedSince(1));
            if (stored != null && new String(stored.value(), StandardCharsets.UTF_8).equals("old content")) {
                seenAfterRefusal[0] = engine.get(k);
            }
        });
        assertThat(seenAfterRefusal[0]).isNull();
        assertThat(after).isNull();
    }

    @Test
    void reclaimingATagVisitsOnlyTheEntriesCarryingIt() {
        engine = (OffHeapEngine) Larder.open(EngineConfig.parse("offheap:?capacity=16m&sweepInterval=1h"));
        for (int i = 0; i < 2_000; i++) {
            engine.set(Key.of("/plain-" + i), bytes("v"), Expiry.never(), 0);
        }
        for (int i = 0; i < 10; i++) {
            engine.set(Key.of("/gone-" + i), bytes("v"), WriteOptions.tagged("gone", "t" + i));
            engine.set(Key.of("/kept-" + i), bytes("v"), WriteOptions.tagged("kept"));
        }
        long invalidationsBefore = engine.stats().invalidations();
        engine.invalidateTag("gone", InvalidationMode.REMOVE);
        engine.sweepExpired();
        assertThat(engine.counters().tagSweepVisited.sum()).isEqualTo(10);
        assertThat(engine.stats().invalidations() - invalidationsBefore).isEqualTo(10);
        assertThat(engine.stats().entries()).isEqualTo(2_010);
        // Nothing left to reclaim: a second pass visits nothing.
        engine.sweepExpired();
        assertThat(engine.counters().tagSweepVisited.sum()).isEqualTo(10);
    }

    @Test
    void softPurgeOfAPrimaryCountsInvalidationsNotWrites() {
        engine = (OffHeapEngine) Larder.open(EngineConfig.parse("offheap:?capacity=16m&sweepInterval=1h"));
        byte[] primary = bytes("/page");
        engine.set(Key.of(primary), bytes("v"), Expiry.never(), 0);
        engine.set(Key.of(primary, io.larder.spi.Variant.of("lang", "en")), bytes("v"), Expiry.never(), 0);
        engine.set(Key.of(primary, io.larder.spi.Variant.of("lang", "fr")), bytes("v"), Expiry.never(), 0);
        long writes = engine.stats().writes();
        long invalidations = engine.stats().invalidations();
        assertThat(engine.invalidate(primary, InvalidationMode.MARK_STALE)).isEqualTo(3);
        assertThat(engine.stats().invalidations() - invalidations).isEqualTo(3);
        assertThat(engine.stats().writes() - writes).isZero();
        assertThat(engine.get(Key.of(primary)).stale()).isTrue();
    }

    @Test
    void theLargestEntryCountsTheLeaseAndSixteenLongestTags() {
        int largestTagSection = 2 + 1 + io.larder.spi.WriteOptions.MAX_TAGS * (1 + io.larder.spi.WriteOptions.MAX_TAG_BYTES);
        Sizing sizing = Sizing.of("offheap", 64L << 20, 65_536, 32, 256);
        long largest = Sizing.entryBytes(Key.MAX_ENCODED_BYTES, EntryHeader.LEASED_LENGTH + largestTagSection + 65_536);
        assertThat(sizing.maxEntryChunks() * sizing.chunkSize()).isGreaterThanOrEqualTo(largest);
    }

    @Test
    void aSetOverATagRemovedEntryCountsItsInvalidation() {
        engine = (OffHeapEngine) Larder.open(EngineConfig.parse("offheap:?capacity=16m&sweepInterval=1h"));
        engine.set(Key.of("/a"), bytes("old"), WriteOptions.tagged("t"));
        engine.set(Key.of("/b"), bytes("old"), WriteOptions.tagged("t"));
        engine.invalidateTag("t", InvalidationMode.REMOVE);
        long before = engine.stats().invalidations();
        engine.set(Key.of("/a"), bytes("a much longer value than the old one"), Expiry.never(), 0);
        engine.set(Key.of("/b"), bytes("o"), Expiry.never(), 0);
        assertThat(engine.stats().invalidations() - before).isEqualTo(2);
        engine.sweepExpired();
        assertThat(engine.stats().invalidations() - before).isEqualTo(2);
    }

    @Test
    void invalidatingATagFromInsideAComputeOnATaggedEntryIsRefusedNotHung() {
        engine = (OffHeapEngine) Larder.open(EngineConfig.parse("offheap:?capacity=16m&sweepInterval=1h"));
        Key key = Key.of("/tagged");
        engine.set(key, bytes("v"), WriteOptions.tagged("t"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.compute(key, cur -> {
            engine.invalidateTag("t", InvalidationMode.REMOVE);
            return ComputeAction.keep();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a compute function");
        assertThat(engine.get(key)).isNotNull();
        engine.invalidateTag("t", InvalidationMode.REMOVE);
        assertThat(engine.get(key)).isNull();
    }
}
