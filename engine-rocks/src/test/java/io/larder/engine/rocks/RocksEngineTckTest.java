package io.larder.engine.rocks;

import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;

/** The whole TCK (including persistence and the SIGKILL crash suite), run against the rocksdb engine. */
class RocksEngineTckTest implements LarderTck {

    @Override
    public TckEngineFactory factory() {
        return new RocksTckFactory();
    }
}
