package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.ComputeAction;
import io.larder.spi.CounterResult;
import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.Outcome.Status;
import io.larder.spi.StorageEngine;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Suite 5: expiry is exact on the engine's clock, and expired entries are reclaimed in the background. */
public interface ExpiryTck extends TckSuite {

    /** How long the kit waits for the background sweeper before it fails. */
    default Duration tckReclaimTimeout() {
        return Duration.ofSeconds(20);
    }

    @Test
    default void anEntryIsLiveUntilTheMillisecondOfItsExpiry() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("exact");
            e.set(key, bytes("v"), Expiry.after(Duration.ofMillis(1000)), 0);
            t.clock().advanceMillis(999);
            assertThat(e.get(key)).as("1 ms before expiresAt").isNotNull();
            t.clock().advanceMillis(1);
            assertThat(e.get(key)).as("at expiresAt").isNull();
        }
    }

    @Test
    default void anInstantExpiryIsAbsolute() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Instant at = Instant.ofEpochMilli(t.clock().millis() + 5000);
            e.set(Key.of("at"), bytes("v"), Expiry.at(at), 0);
            assertThat(e.get(Key.of("at")).expiresAt()).isEqualTo(at.toEpochMilli());
            t.clock().set(at.toEpochMilli() - 1);
            assertThat(e.get(Key.of("at"))).isNotNull();
            t.clock().set(at.toEpochMilli());
            assertThat(e.get(Key.of("at"))).isNull();
        }
    }

    @Test
    default void aPastExpiryOrAZeroDurationExpiresAtOnce() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            long v1 = e.set(Key.of("past"), bytes("v"), Expiry.at(Instant.ofEpochMilli(t.clock().millis() - 1)), 0);
            assertThat(v1).isPositive();
            assertThat(e.get(Key.of("past"))).isNull();
            e.set(Key.of("epoch"), bytes("v"), Expiry.at(Instant.EPOCH), 0);
            assertThat(e.get(Key.of("epoch"))).as("the epoch is long past, not 'never'").isNull();
            e.set(Key.of("zero"), bytes("v"), Expiry.after(Duration.ZERO), 0);
            assertThat(e.get(Key.of("zero"))).isNull();
            Outcome added = e.add(Key.of("zero"), bytes("w"), Expiry.never(), 0);
            assertThat(added.status()).isEqualTo(Status.STORED);
        }
    }

    @Test
    default void anExpiredEntryIsAbsentForEveryOperation() {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Key key = Key.of("/gone", io.larder.spi.Variant.of("lang", "fr"));
            long version = e.set(key, bytes("5"), Expiry.after(Duration.ofSeconds(1)), 0);
            t.clock().advance(Duration.ofSeconds(2));
            assertThat(e.get(key)).isNull();
            assertThat((Object) e.read(key, v -> v)).isNull();
            assertThat(e.copyValue(key, ByteBuffer.allocate(8))).isEqualTo(-1);
            assertThat(e.getAndTouch(key, Expiry.never())).isNull();
            assertThat(e.replace(key, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
            assertThat(e.compareAndSet(key, version, bytes("x"), Expiry.never(), 0)).isEqualTo(Outcome.notFound());
            assertThat(e.touch(key, Expiry.never())).isEqualTo(Outcome.notFound());
            assertThat(e.delete(key)).isEqualTo(Outcome.notFound());
            assertThat(e.delete(key, version)).isEqualTo(Outcome.notFound());
            assertThat(e.append(key, bytes("x"))).isEqualTo(Outcome.notFound());
            assertThat(e.prepend(key, bytes("x"))).isEqualTo(Outcome.notFound());
            assertThat(e.increment(key, 1)).isEqualTo(CounterResult.notFound());
            assertThat(e.decrement(key, 1)).isEqualTo(CounterResult.notFound());
            assertThat(e.compute(key, cur -> {
                assertThat(cur).isNull();
                return ComputeAction.keep();
            })).isNull();
            assertThat(e.variants("/gone")).isEmpty();
            assertThat(e.invalidate("/gone")).isZero();
            assertThat(e.get(key)).as("nothing above brought it back").isNull();
            assertThat(e.add(key, bytes("new"), Expiry.never(), 0).status()).isEqualTo(Status.STORED);
        }
    }

    @Test
    default void expiredEntriesAreReclaimedInTheBackground() throws InterruptedException {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            e.set(Key.of("keeper"), bytes("stays"));
            EngineStats empty = e.stats();
            for (int i = 0; i < 500; i++) {
                e.set(Key.of("short-lived-" + i), TckValues.pattern(1000, i), Expiry.after(Duration.ofSeconds(10)), 0);
            }
            EngineStats full = e.stats();
            assertThat(full.bytesUsed()).isGreaterThan(empty.bytesUsed());
            assertThat(full.entries()).isGreaterThanOrEqualTo(501);
            t.clock().advance(Duration.ofSeconds(11));
            // No operation touches the expired keys: only the engine's own sweeper can reclaim them.
            long deadline = System.nanoTime() + tckReclaimTimeout().toNanos();
            EngineStats now = e.stats();
            while (now.entries() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                now = e.stats();
            }
            assertThat(now.entries()).as("entries after the sweeper ran").isEqualTo(1);
            assertThat(now.bytesUsed()).as("bytes used came back down").isLessThan(full.bytesUsed());
            assertThat(now.expirations() - full.expirations()).isEqualTo(500);
            assertThat(e.get(Key.of("keeper")).valueAsString()).isEqualTo("stays");
        }
    }
}
