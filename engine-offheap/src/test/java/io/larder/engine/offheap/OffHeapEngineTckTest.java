package io.larder.engine.offheap;

import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;

/** The whole compatibility kit against the offheap engine. */
class OffHeapEngineTckTest implements LarderTck {

    @Override
    public TckEngineFactory factory() {
        return new OffHeapTckFactory();
    }
}
