package io.larder.tck.heap;

import io.larder.engine.heap.FileBackedHeapTckFactory;
import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;

/** The persistence suites run for real against an honest persistent engine. */
class FileBackedHeapEngineTckTest implements LarderTck {

    @Override
    public TckEngineFactory factory() {
        return new FileBackedHeapTckFactory();
    }
}
