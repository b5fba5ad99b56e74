package io.larder.engine.offheap;

import io.larder.spi.EngineConfig;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;
import java.util.Map;

/** Opens the offheap engine the way a user would: by configuration, through the service loader. */
public final class OffHeapTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return Larder.open(EngineConfig.of(OffHeapEngineProvider.NAME, Map.of(
                "capacity", Long.toString(setup.capacity()),
                "maxValueSize", Long.toString(setup.maxValueSize()),
                "sweepInterval", setup.sweepInterval().toMillis() + "ms")).withClock(setup.clock()));
    }
}
