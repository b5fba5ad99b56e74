package io.larder.tck.heap;

import io.larder.spi.EngineConfig;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;

/** Opens the heap engine the way a user would: by configuration, through the service loader. */
public final class HeapTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return Larder.open(EngineConfig.of("heap", setup.options()).withClock(setup.clock()));
    }
}
