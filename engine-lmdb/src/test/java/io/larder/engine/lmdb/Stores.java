package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import io.larder.spi.EngineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens engines for tests. */
final class Stores {

    private Stores() {
    }

    /** An engine in {@code dir} with these options (given as name, value, ...) on top of the path. */
    static LmdbEngine open(Path dir, Clock clock, String... options) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("path", dir.toString());
        for (int i = 0; i < options.length; i += 2) {
            map.put(options[i], options[i + 1]);
        }
        EngineConfig config = EngineConfig.of("lmdb", map).withClock(clock);
        config.validate(new LmdbEngineProvider().options());
        return (LmdbEngine) new LmdbEngineProvider().open(config);
    }
}
