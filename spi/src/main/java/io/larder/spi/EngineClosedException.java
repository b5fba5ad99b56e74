package io.larder.spi;

/** Thrown by every operation on an engine after {@link StorageEngine#close()}. */
public class EngineClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * For the named engine.
     *
     * @param engineName the closed engine's name
     */
    public EngineClosedException(String engineName) {
        super("engine '" + engineName + "' is closed");
    }
}
