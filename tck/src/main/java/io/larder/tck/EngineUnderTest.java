package io.larder.tck;

import io.larder.spi.ManualClock;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One engine opened for a test: its setup (a manual clock, a private temporary directory), the
 * engine, and reopening at the same directory. Closing it closes the engine and deletes the
 * directory.
 */
public final class EngineUnderTest implements AutoCloseable {

    private final TckEngineFactory factory;
    private final TckSetup setup;
    private final ManualClock clock;
    private StorageEngine engine;

    private EngineUnderTest(TckEngineFactory factory, TckSetup setup, ManualClock clock) {
        this.factory = factory;
        this.setup = setup;
        this.clock = clock;
        StorageEngine opened = null;
        try {
            opened = factory.open(setup);
            if (opened == null) {
                throw new IllegalStateException(factory.getClass().getName() + " opened null");
            }
        } finally {
            // A failed open must not leave the kit's directory behind.
            if (opened == null) {
                deleteRecursively(setup.directory());
            }
        }
        this.engine = opened;
    }

    /** Opens an engine with a fresh clock and directory. */
    public static EngineUnderTest open(TckEngineFactory factory, long capacity, long maxValueSize,
            Duration sweepInterval) {
        ManualClock clock = new ManualClock();
        Path directory;
        try {
            directory = Files.createTempDirectory("larder-tck-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EngineUnderTest(factory, new TckSetup(clock, capacity, maxValueSize, directory, sweepInterval),
                clock);
    }

    /** The engine (the current one, after a {@link #reopen()}). */
    public StorageEngine engine() {
        return engine;
    }

    /** The clock the engine reads. */
    public ManualClock clock() {
        return clock;
    }

    /** The setup the engine was opened with. */
    public TckSetup setup() {
        return setup;
    }

    /** Closes the engine and opens it again at the same directory. */
    public StorageEngine reopen() {
        engine.close();
        engine = factory.open(setup);
        return engine;
    }

    /** Closes the engine, leaving the directory (for tests that open it otherwise). */
    public void closeEngine() {
        engine.close();
    }

    /** Opens the engine again after {@link #closeEngine()} or a crash of another process. */
    public StorageEngine openAgain() {
        engine = factory.open(setup);
        return engine;
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            deleteRecursively(setup.directory());
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
