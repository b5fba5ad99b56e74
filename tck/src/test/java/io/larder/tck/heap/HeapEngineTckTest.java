package io.larder.tck.heap;

import io.larder.tck.OperationsTck;
import io.larder.tck.TckEngineFactory;

class HeapEngineTckTest implements OperationsTck {

    @Override
    public TckEngineFactory factory() {
        return new HeapTckFactory();
    }
}
