package io.larder.engine.heap;

import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;

/** Mutant: the file-backed engine whose reopen forgets every tag watermark. */
public final class LosesWatermarksTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return new FileBackedHeapEngine(setup, false, false, true);
    }
}
