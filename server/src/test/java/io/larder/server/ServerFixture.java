package io.larder.server;

import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;

/** A heap engine and a server on a free port, closed together. */
final class ServerFixture implements AutoCloseable {
    final StorageEngine engine;
    final LarderServer server;

    ServerFixture() {
        this(ServerOptions.defaults());
    }

    ServerFixture(ServerOptions options) {
        this("heap:?capacity=64m&maxValueSize=2m", options);
    }

    ServerFixture(String engineUri, ServerOptions options) {
        engine = Larder.open(engineUri);
        try {
            server = LarderServer.start(engine, options.withPort(0).withWorkerThreads(2));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    int port() {
        return server.port();
    }

    RawClient client() throws java.io.IOException {
        return new RawClient(port());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            engine.close();
        }
    }
}
