package io.larder.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A provider on the test class path that records the config it was opened with. */
public final class RecordingProvider implements EngineProvider {

    enum Mode { FAST, SAFE_MODE }

    static final Option<Long> CAPACITY = Option.size("capacity", 1L << 20, 1024, "capacity");
    static final Option<Boolean> SYNC = Option.bool("sync", true, "sync");
    static final Option<Path> PATH = Option.path("path", "where");
    static final Option<Duration> INTERVAL = Option.duration("interval", Duration.ofSeconds(1), Duration.ofMillis(10),
            "interval");
    static final Option<Mode> MODE = Option.choice("mode", Mode.class, Mode.FAST, "mode");
    static final Option<Integer> READERS = Option.integer("readers", 8, 1, 64, "readers");

    static volatile EngineConfig lastOpened;

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public String description() {
        return "test provider";
    }

    @Override
    public List<Option<?>> options() {
        return List.of(CAPACITY, SYNC, PATH, INTERVAL, MODE, READERS);
    }

    @Override
    public StorageEngine open(EngineConfig config) {
        lastOpened = config;
        return null;
    }
}
