package io.larder.engine.heap;

import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;

/** Mutant: the file-backed engine whose reopen drops the last write. */
public final class LosesLastWriteTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return new FileBackedHeapEngine(setup, true);
    }
}
