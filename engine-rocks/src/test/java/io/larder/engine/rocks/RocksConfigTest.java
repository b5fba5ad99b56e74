package io.larder.engine.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ConfigException;
import io.larder.spi.EngineConfig;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.ManualClock;
import io.larder.spi.StorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksConfigTest {

    @TempDir
    Path tmp;

    @Test
    void opensByUriThroughTheServiceLoaderWithAnOwnerOnlyDirectory() throws Exception {
        Path dir = tmp.resolve("by-uri");
        try (StorageEngine engine = Larder.open("rocksdb:" + dir + "?capacity=16m&sync=true&compression=zstd")) {
            assertThat(engine.name()).isEqualTo("rocksdb");
            engine.set(Key.of("k"), new byte[] {1});
            assertThat(engine.get(Key.of("k")).value()).containsExactly(1);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void conflictingOrImpossibleOptionsAreRefusedNamingThem() {
        ManualClock clock = new ManualClock();
        Path dir = tmp.resolve("s");
        assertThatThrownBy(() -> Stores.open(dir, clock, "sync", "true", "disableWAL", "true"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sync=true and disableWAL=true");
        assertThatThrownBy(() -> Stores.open(dir, clock, "capacity", "8m", "maxValueSize", "2m"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("capacity/8");
        assertThatThrownBy(() -> Stores.open(dir, clock, "compression", "snappy"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("compression");
        assertThat(Files.exists(dir)).as("nothing created by a refused open").isFalse();
    }

    @Test
    void theWriteBufferIsDerivedFromCapacityUnlessGiven() {
        assertThat(writeBuffer(Map.of("capacity", "16m"))).as("capacity/16").isEqualTo(1L << 20);
        assertThat(writeBuffer(Map.of("capacity", "1m", "maxValueSize", "64k"))).as("at least 64k").isEqualTo(64L << 10);
        assertThat(writeBuffer(Map.of("capacity", "200g"))).as("at most 64m").isEqualTo(64L << 20);
        assertThat(writeBuffer(Map.of())).as("default capacity 1g").isEqualTo(64L << 20);
        assertThat(writeBuffer(Map.of("capacity", "16m", "writeBuffer", "8m"))).as("given").isEqualTo(8L << 20);
    }

    private long writeBuffer(Map<String, String> options) {
        Map<String, String> map = new java.util.HashMap<>(options);
        map.put("path", tmp.resolve("w").toString());
        return RocksEngineProvider.settings(EngineConfig.of("rocksdb", map)).writeBuffer();
    }
}
