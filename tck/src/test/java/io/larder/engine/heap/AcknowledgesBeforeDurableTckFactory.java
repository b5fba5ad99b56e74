package io.larder.engine.heap;

import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;

/** Mutant: the file-backed engine that acknowledges writes before they reach the OS. */
public final class AcknowledgesBeforeDurableTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return new FileBackedHeapEngine(setup, false, true);
    }
}
