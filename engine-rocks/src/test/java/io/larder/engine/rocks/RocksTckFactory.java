package io.larder.engine.rocks;

import io.larder.spi.EngineConfig;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;
import java.util.Map;

/**
 * Opens the rocksdb engine for the TCK the way a user would: by configuration, through the service
 * loader, in the default mode (every write in the WAL before it returns: survives kill -9), with a
 * small block cache and write buffer so that many engines can be open in one test JVM.
 */
public final class RocksTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return Larder.open(EngineConfig.of("rocksdb", Map.of(
                "path", setup.directory().toString(),
                "capacity", Long.toString(setup.capacity()),
                "maxValueSize", Long.toString(setup.maxValueSize()),
                "sweepInterval", setup.sweepInterval().toMillis() + "ms",
                "blockCache", "8m",
                "writeBuffer", "4m")).withClock(setup.clock()));
    }
}
