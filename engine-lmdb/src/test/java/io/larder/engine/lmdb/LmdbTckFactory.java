package io.larder.engine.lmdb;

import io.larder.spi.EngineConfig;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;
import java.util.Map;

/**
 * Opens the lmdb engine for the TCK the way a user would: by configuration, through the service
 * loader, in the durable mode ({@code sync=true}).
 */
public final class LmdbTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return Larder.open(EngineConfig.of("lmdb", Map.of(
                "path", setup.directory().toString(),
                "capacity", Long.toString(setup.capacity()),
                "maxValueSize", Long.toString(setup.maxValueSize()),
                "sweepInterval", setup.sweepInterval().toMillis() + "ms")).withClock(setup.clock()));
    }
}
