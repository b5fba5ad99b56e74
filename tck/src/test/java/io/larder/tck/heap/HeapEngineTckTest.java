package io.larder.tck.heap;

import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;

class HeapEngineTckTest implements LarderTck {

    @Override
    public TckEngineFactory factory() {
        return new HeapTckFactory();
    }
}
