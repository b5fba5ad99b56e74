package io.larder.engine.lmdb;

import io.larder.tck.OperationsTck;
import io.larder.tck.TckEngineFactory;

/** The TCK's suites, run against the lmdb engine. */
class LmdbEngineTckTest implements OperationsTck {

    @Override
    public TckEngineFactory factory() {
        return new LmdbTckFactory();
    }
}
