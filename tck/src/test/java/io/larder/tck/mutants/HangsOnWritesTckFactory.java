package io.larder.tck.mutants;

import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;
import io.larder.tck.heap.HeapTckFactory;

/** A heap engine whose every write blocks until the thread is interrupted: a child using it acknowledges nothing. */
public final class HangsOnWritesTckFactory implements TckEngineFactory {

    @Override
    public StorageEngine open(TckSetup setup) {
        return new ForwardingEngine(new HeapTckFactory().open(setup)) {
            @Override
            public Entry compute(Key key, ComputeFunction function) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("interrupted while hanging on a write");
            }
        };
    }
}
