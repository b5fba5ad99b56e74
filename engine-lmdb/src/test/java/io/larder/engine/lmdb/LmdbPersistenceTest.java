package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.EngineClosedException;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.LarderException;
import io.larder.spi.ManualClock;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

class LmdbPersistenceTest {

    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock();

    @Test
    void entriesAndVersionsSurviveReopen() {
        Path dir = tmp.resolve("store");
        Key a = Key.of("/a", Variant.of("lang", "fr"));
        Key b = Key.of("/b");
        Entry storedA;
        long lastBefore;
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            engine.set(a, bytes("alpha"), Expiry.after(Duration.ofHours(1)), 7);
            engine.set(b, bytes("beta"));
            storedA = engine.get(a);
            lastBefore = engine.set(Key.of("/c"), bytes("c"));
            engine.delete(Key.of("/c"));
        }
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            assertThat(engine.get(a)).isEqualTo(storedA);
            assertThat(engine.get(b).valueAsString()).isEqualTo("beta");
            assertThat(engine.get(Key.of("/c"))).isNull();
            assertThat(engine.set(Key.of("/d"), bytes("d"))).isGreaterThan(lastBefore);
            engine.clear();
            assertThat(engine.stats().entries()).isZero();
            assertThat(engine.set(Key.of("/e"), bytes("e"))).isGreaterThan(lastBefore + 1);
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void aStoreOfAnotherFormatIsRefusedAtOpen() {
        Path dir = tmp.resolve("store");
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            engine.set(Key.of("k"), bytes("v"));
        }
        try (Env<ByteBuffer> env = Env.create(FlagFreeBufferProxy.INSTANCE).setMaxDbs(4).setMapSize(1L << 30)
                .open(dir.toFile(), EnvFlags.MDB_NOTLS)) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                meta.put(txn, direct("format"), ByteBuffer.allocateDirect(4).putInt(0, 99));
                txn.commit();
            }
        }
        assertThatThrownBy(() -> Stores.open(dir, clock))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("format 99")
                .hasMessageContaining("reads only formats " + Databases.UPGRADABLE_FORMAT + " and " + Databases.STORE_FORMAT);
    }

    @Test
    void anLmdbEnvironmentThatIsNotALarderStoreIsRefused() {
        Path dir = tmp.resolve("foreign");
        dir.toFile().mkdirs();
        try (Env<ByteBuffer> env = Env.create(FlagFreeBufferProxy.INSTANCE).setMaxDbs(4).open(dir.toFile())) {
            env.openDbi("someone-elses", org.lmdbjava.DbiFlags.MDB_CREATE);
        }
        assertThatThrownBy(() -> Stores.open(dir, clock))
                .isInstanceOf(LarderException.class)
                .hasMessageContaining("not a Larder store");
    }

    @Test
    void directoryAndFilesAreOwnerOnly() throws Exception {
        Path dir = tmp.resolve("a/b/store");
        try (LmdbEngine engine = Stores.open(dir, clock)) {
            engine.set(Key.of("k"), bytes("v"));
        }
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Set<PosixFilePermission> ownerRw = PosixFilePermissions.fromString("rw-------");
        assertThat(Files.getPosixFilePermissions(dir.resolve("data.mdb"))).isEqualTo(ownerRw);
        assertThat(Files.getPosixFilePermissions(dir.resolve("lock.mdb"))).isEqualTo(ownerRw);
    }

    @Test
    void everyOperationAfterCloseFailsAndCloseIsIdempotent() {
        LmdbEngine engine = Stores.open(tmp.resolve("store"), clock);
        engine.set(Key.of("k"), bytes("v"));
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.get(Key.of("k"))).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(() -> engine.set(Key.of("k"), bytes("v"))).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(() -> engine.invalidate("k")).isInstanceOf(EngineClosedException.class);
        assertThat(engine.stats().entries()).as("stats after close: the last figures").isEqualTo(1);
        assertThatThrownBy(engine::clear).isInstanceOf(EngineClosedException.class);
    }

    @Test
    void unsyncedModeKeepsWritesAcrossReopen() {
        Path dir = tmp.resolve("store");
        long version;
        try (LmdbEngine engine = Stores.open(dir, clock, "sync", "false", "syncInterval", "10ms")) {
            version = engine.set(Key.of("k"), bytes("v"));
        }
        try (LmdbEngine engine = Stores.open(dir, clock, "sync", "false")) {
            assertThat(engine.get(Key.of("k")).version()).isEqualTo(version);
        }
    }

    private static ByteBuffer direct(String s) {
        byte[] b = bytes(s);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
