package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.ManualClock;
import io.larder.spi.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * A store of format 2, written by the build before format 3 (the fixture of {@link Format2Fixture}),
 * opens with this build, reads every entry as it was written, takes writes with the cache state,
 * and reopens.
 */
class LmdbFormatUpgradeTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Format2Fixture.WRITTEN_AT + 60_000);

    private LmdbEngine open() {
        return Stores.open(dir, clock, "capacity", "8m", "sweepInterval", "1h");
    }

    @Test
    void aFormat2StoreOpensReadsEveryEntryTakesWritesAndReopens() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/format2-store/data.mdb")) {
            assertThat(in).as("the fixture is on the test class path").isNotNull();
            Files.copy(in, dir.resolve("data.mdb"));
        }
        assertThat(storedFormat()).isEqualTo(2);
        Map<Key, Format2Fixture.Item> items = Format2Fixture.live();
        long highest = 0;
        try (LmdbEngine engine = open()) {
            assertThat(engine.verify()).isEmpty();
            for (Format2Fixture.Item item : items.values()) {
                Entry e = engine.get(item.key());
                assertThat(e).as("%s", item.key()).isNotNull();
                assertThat(e.value()).as("%s", item.key()).isEqualTo(item.value());
                assertThat(e.flags()).isEqualTo(item.flags());
                assertThat(e.expiresAt()).isEqualTo(item.expiresAt());
                assertThat(e.storedAt()).isEqualTo(Format2Fixture.WRITTEN_AT);
                assertThat(e.tags()).isEmpty();
                assertThat(e.stale()).isFalse();
                assertThat(e.leased()).isFalse();
                assertThat(e.hits()).isZero();
                highest = Math.max(highest, e.version());
            }
            assertThat(engine.get(Format2Fixture.EXPIRED)).isNull();
            assertThat(engine.variants("page")).hasSize(6);
            assertThat(engine.stats().entries()).as("the expired entry is still stored").isEqualTo(items.size() + 1);

            Key k0 = Key.of("k0");
            long v = engine.set(k0, utf8("tagged now"), WriteOptions.tagged("t"));
            assertThat(v).isGreaterThan(highest);
            engine.set(Key.of("k1"), utf8("tagged too"), WriteOptions.tagged("gone"));
            engine.invalidateTag("gone", InvalidationMode.REMOVE);
            assertThat(engine.lookup(Key.of("k2"), LeaseOptions.of(Duration.ofSeconds(5))).status())
                    .isEqualTo(io.larder.spi.Lookup.Status.HIT);
            assertThat(engine.markStale(Key.of("k3"), null).isStored()).isTrue();
            engine.sweepExpired();
            assertThat(engine.stats().entries()).isEqualTo(items.size() - 1);
            assertThat(engine.verify()).isEmpty();
        }
        assertThat(storedFormat()).isEqualTo(Databases.STORE_FORMAT);
        try (LmdbEngine engine = open()) {
            assertThat(engine.get(Key.of("k0")).tags()).containsExactly("t");
            assertThat(engine.get(Key.of("k1"))).isNull();
            assertThat(engine.get(Key.of("k3")).stale()).isTrue();
            for (Format2Fixture.Item item : items.values()) {
                if (!item.key().equals(Key.of("k0")) && !item.key().equals(Key.of("k1"))) {
                    assertThat(engine.get(item.key()).value()).as("%s", item.key()).isEqualTo(item.value());
                }
            }
            assertThat(engine.set(Key.of("k9"), utf8("after reopen"), Expiry.never(), 0)).isGreaterThan(highest);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void untaggedRecordsKeepTheFormat2SizeAndCacheStateCostsSixteenBytesPlusItsTags() {
        assertThat(Record.size(Record.headerLength(0, 0, Tags.NONE), 0, 0, 100)).isEqualTo(140);
        byte[] tags = Tags.encode(java.util.List.of("user:42"));
        assertThat(Record.size(Record.headerLength(0, 0, tags), tags.length, 0, 100)).isEqualTo(140 + 16 + 8);
        assertThat(Record.size(Record.headerLength(Record.STALE, 0, Tags.NONE), 0, 0, 100)).isEqualTo(156);
    }

    private int storedFormat() {
        try (Env<ByteBuffer> env = Env.create(FlagFreeBufferProxy.INSTANCE).setMaxDbs(8).setMapSize(8L << 20)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS)) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                ByteBuffer format = meta.get(txn, ByteBuffer.allocateDirect(6).put(utf8("format")).flip());
                return format.getInt(0);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
