package io.larder.engine.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LarderException;
import io.larder.spi.ManualClock;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.UInt64AddOperator;

class RocksPersistenceTest {

    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock();

    @Test
    void entriesTagsAndCountsSurviveReopen() {
        Path dir = tmp.resolve("store");
        Key a = Key.of("/a", Variant.of("lang", "fr"));
        Entry storedA;
        long lastBefore;
        try (RocksEngine engine = Stores.open(dir, clock)) {
            engine.set(a, bytes("alpha"), WriteOptions.tagged("post:1").withExpiry(Expiry.after(Duration.ofHours(1)))
                    .withFlags(7));
            engine.set(Key.of("/b"), bytes("beta"));
            engine.markStale(Key.of("/b"), null);
            storedA = engine.get(a);
            lastBefore = engine.set(Key.of("/c"), bytes("c"));
            engine.delete(Key.of("/c"));
            engine.invalidateTag("post:2", InvalidationMode.MARK_STALE);
        }
        try (RocksEngine engine = Stores.open(dir, clock)) {
            Entry again = engine.get(a);
            assertThat(again.value()).isEqualTo(storedA.value());
            assertThat(again.version()).isEqualTo(storedA.version());
            assertThat(again.tags()).containsExactly("post:1");
            assertThat(again.flags()).isEqualTo(7);
            assertThat(engine.get(Key.of("/b")).stale()).isTrue();
            assertThat(engine.get(Key.of("/c"))).isNull();
            assertThat(engine.stats().entries()).isEqualTo(2);
            long bytesBefore = engine.stats().bytesUsed();
            assertThat(bytesBefore).isPositive();
            assertThat(engine.set(Key.of("/d"), bytes("d"))).isGreaterThan(lastBefore);
            engine.invalidateTag("post:1", InvalidationMode.REMOVE);
            assertThat(engine.get(a)).isNull();
        }
        try (RocksEngine engine = Stores.open(dir, clock)) {
            assertThat(engine.get(a)).as("a tag's remove mark survives reopen").isNull();
            engine.sweepNow();
            assertThat(engine.stats().entries()).isEqualTo(2);
            assertThat(engine.stats().invalidations()).isEqualTo(1);
            engine.clear();
            assertThat(engine.stats().entries()).isZero();
            assertThat(engine.stats().bytesUsed()).isZero();
        }
        try (RocksEngine engine = Stores.open(dir, clock)) {
            assertThat(engine.stats().entries()).as("counts after clear and reopen").isZero();
            assertThat(engine.stats().bytesUsed()).isZero();
        }
    }

    @Test
    void aClockSetBackDoesNotMakeVersionsRepeat() {
        Path dir = tmp.resolve("store");
        long highest = 0;
        try (RocksEngine engine = Stores.open(dir, clock)) {
            for (int i = 0; i < 100; i++) {
                highest = Math.max(highest, engine.set(Key.of("k" + i), bytes("v")));
            }
        }
        ManualClock earlier = new ManualClock();
        earlier.advance(Duration.ofDays(-365));
        try (RocksEngine engine = Stores.open(dir, earlier)) {
            assertThat(engine.set(Key.of("after"), bytes("v"))).isGreaterThan(highest);
            assertThat(engine.invalidateTag("t", InvalidationMode.REMOVE)).isGreaterThan(highest);
        }
    }

    @Test
    void versionsAreReservedDurablyAheadAndAReopenStartsAboveTheReservation() {
        Path dir = tmp.resolve("store");
        long reserved;
        long last;
        try (RocksEngine engine = Stores.open(dir, clock)) {
            last = engine.set(Key.of("k"), bytes("v"));
            reserved = engine.stats().engineSpecific().get("reservedVersion");
            assertThat(reserved).as("reserved before it was handed out").isGreaterThanOrEqualTo(last);
            for (int i = 0; i < VersionCounter.BLOCK + 10; i++) {
                last = engine.set(Key.of("k"), bytes("v"));
            }
            reserved = engine.stats().engineSpecific().get("reservedVersion");
            assertThat(reserved).as("the reservation rose with the versions").isGreaterThanOrEqualTo(last);
        }
        try (RocksEngine engine = Stores.open(dir, clock)) {
            assertThat(engine.set(Key.of("after"), bytes("v"))).as("first version after reopen")
                    .isGreaterThan(reserved);
        }
    }

    @Test
    void aStoreOfAnotherFormatIsRefusedAtOpen() throws Exception {
        Path dir = tmp.resolve("store");
        try (RocksEngine engine = Stores.open(dir, clock)) {
            engine.set(Key.of("k"), bytes("v"));
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        try (DBOptions options = new DBOptions(); UInt64AddOperator add = new UInt64AddOperator();
                ColumnFamilyOptions meta = new ColumnFamilyOptions().setMergeOperator(add);
                ColumnFamilyOptions plain = new ColumnFamilyOptions()) {
            for (String family : List.of("default", "entries", "queue", "expiry", "tagged", "tags")) {
                descriptors.add(new ColumnFamilyDescriptor(family.getBytes(StandardCharsets.UTF_8),
                        family.equals("default") ? meta : plain));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
                db.put(handles.get(0), Store.META_FORMAT, Records.longBytes(99));
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
        assertThatThrownBy(() -> Stores.open(dir, clock))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("format 99")
                .hasMessageContaining("reads only format " + Store.FORMAT);
    }

    @Test
    void aDirectoryWithAnotherRocksDbIsRefused() throws Exception {
        Path dir = tmp.resolve("other");
        try (org.rocksdb.Options options = new org.rocksdb.Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, dir.toString())) {
            db.put(bytes("x"), bytes("y"));
        }
        assertThatThrownBy(() -> Stores.open(dir, clock))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("is not a Larder store");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        Path dir = tmp.resolve("store");
        try (RocksEngine engine = Stores.open(dir, clock)) {
            engine.set(Key.of("k"), bytes("v"));
            assertThatThrownBy(() -> Stores.open(dir, clock)).isInstanceOf(LarderException.class)
                    .hasMessageContaining("cannot open the RocksDB store");
        }
        try (RocksEngine engine = Stores.open(dir, clock)) {
            assertThat(engine.get(Key.of("k")).valueAsString()).isEqualTo("v");
        }
    }

    @Test
    void withTheWalOffACleanCloseKeepsEveryWrite() {
        Path dir = tmp.resolve("store");
        try (RocksEngine engine = Stores.open(dir, clock, "disableWAL", "true")) {
            for (int i = 0; i < 500; i++) {
                engine.set(Key.of("k" + i), bytes("v" + i));
            }
        }
        try (RocksEngine engine = Stores.open(dir, clock)) {
            for (int i = 0; i < 500; i++) {
                assertThat(engine.get(Key.of("k" + i)).valueAsString()).isEqualTo("v" + i);
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
