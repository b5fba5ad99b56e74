package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ConfigException;
import io.larder.spi.EngineConfig;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the kit does around an engine it opens: options for the factory, and its temporary directories. */
class EngineUnderTestTest {

    @Test
    void aFailedOpenLeavesNoTemporaryDirectoryBehind() {
        AtomicReference<Path> given = new AtomicReference<>();
        TckEngineFactory failing = setup -> {
            given.set(setup.directory());
            throw new ConfigException("engine 'broken' has no option 'path'");
        };
        assertThatThrownBy(() -> EngineUnderTest.open(failing, 16L << 20, 64L << 10, Duration.ofMillis(50)))
                .isInstanceOf(ConfigException.class);
        assertThat(given.get()).isNotNull();
        assertThat(Files.exists(given.get())).as("%s after the open failed", given.get()).isFalse();
    }

    @Test
    void anEngineWithoutFilesOpensFromTheSetupsOptions() {
        // The README's template for an engine that keeps no files: no 'path' option.
        TckEngineFactory inMemory = setup -> Larder.open(EngineConfig.of("heap", setup.options())
                .withClock(setup.clock()));
        Path directory;
        try (EngineUnderTest t = EngineUnderTest.open(inMemory, 16L << 20, 64L << 10, Duration.ofMillis(50))) {
            StorageEngine e = t.engine();
            assertThat(e.name()).isEqualTo("heap");
            assertThat(e.maxValueSize()).isEqualTo(64L << 10);
            assertThat(e.stats().capacity()).isEqualTo(16L << 20);
            directory = t.setup().directory();
        }
        assertThat(Files.exists(directory)).isFalse();
    }

    @Test
    void theOptionsWithPathNameTheDirectory() {
        try (EngineUnderTest t = EngineUnderTest.open(setup -> Larder.open(EngineConfig.of("heap",
                setup.options()).withClock(setup.clock())), 16L << 20, 64L << 10, Duration.ofMillis(50))) {
            TckSetup setup = t.setup();
            assertThat(setup.optionsWithPath()).containsEntry("path", setup.directory().toString())
                    .containsEntry("capacity", Long.toString(16L << 20))
                    .containsEntry("maxValueSize", Long.toString(64L << 10))
                    .containsEntry("sweepInterval", "50ms");
            assertThat(setup.options()).doesNotContainKey("path");
        }
    }
}
