package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ConfigException;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbConfigTest {

    @TempDir
    Path dir;

    @Test
    void opensByUriThroughTheServiceLoader() {
        assertThat(Larder.engineNames()).contains("lmdb");
        try (StorageEngine engine = Larder.open("lmdb:" + dir + "?capacity=64m&sync=false&syncInterval=200ms")) {
            assertThat(engine).isInstanceOf(LmdbEngine.class);
            assertThat(engine.stats().capacity()).isEqualTo(64L << 20);
            engine.set(Key.of("k"), new byte[] {1});
            assertThat(engine.stats().engineSpecific()).containsKeys("lastVersion", "mapSize", "fileBytes");
        }
    }

    @Test
    void crossOptionProblemsAreConfigErrors() {
        assertThatThrownBy(() -> Larder.open("lmdb:" + dir + "?capacity=4m&maxValueSize=1m"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("maxValueSize")
                .hasMessageContaining("capacity/8");
        assertThatThrownBy(() -> Larder.open("lmdb:" + dir + "?syncInterval=1s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sync=false");
        assertThatThrownBy(() -> Larder.open("lmdb:?capacity=64m"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> Larder.open("lmdb:" + dir + "?maxReaders=2"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("maxReaders");
        assertThatThrownBy(() -> Larder.open("lmdb:" + dir + "?colour=red"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sweepInterval");
    }

    @Test
    void everyOptionIsDescribed() {
        assertThat(new LmdbEngineProvider().options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
    }
}
