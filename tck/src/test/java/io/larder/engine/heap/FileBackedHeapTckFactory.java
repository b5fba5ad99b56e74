package io.larder.engine.heap;

import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;

/** Opens the file-backed reference engine. */
public final class FileBackedHeapTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return new FileBackedHeapEngine(setup, false);
    }
}
