package io.larder.engine.lmdb;

import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;

/** The whole TCK (including persistence and the SIGKILL crash suite), run against the lmdb engine. */
class LmdbEngineTckTest implements LarderTck {

    @Override
    public TckEngineFactory factory() {
        return new LmdbTckFactory();
    }
}
