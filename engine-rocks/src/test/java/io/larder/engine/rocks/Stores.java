package io.larder.engine.rocks;

import io.larder.spi.Clock;
import io.larder.spi.EngineConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Opens engines for the module's own tests. */
final class Stores {

    private Stores() {
    }

    static RocksEngine open(Path dir, Clock clock, String... options) {
        Map<String, String> map = new HashMap<>();
        map.put("path", dir.toString());
        map.put("capacity", "64m");
        map.put("blockCache", "8m");
        map.put("writeBuffer", "4m");
        map.put("sweepInterval", "1h");
        for (int i = 0; i < options.length; i += 2) {
            map.put(options[i], options[i + 1]);
        }
        return RocksEngine.open(RocksEngineProvider.settings(EngineConfig.of("rocksdb", map).withClock(clock)));
    }
}
