package io.larder.spi;

import java.util.List;

/**
 * Makes engines of one kind; found through {@link java.util.ServiceLoader} by {@link #name()}, so a
 * custom engine on the class path is found like the built-in ones. Register an implementation in
 * {@code META-INF/services/io.larder.spi.EngineProvider}. Implementations need a public no-argument
 * constructor and must be thread-safe.
 */
public interface EngineProvider {

    /** {@return the name configurations use: lower case, unique on the class path} */
    String name();

    /** {@return one line on what the engine is for} */
    String description();

    /** {@return every option the engine accepts; anything else in a configuration is refused} */
    List<Option<?>> options();

    /**
     * Opens an engine. {@link Larder} has already checked the config's options against
     * {@link #options()}; the provider checks what depends on several options together.
     *
     * @param config the engine's name, options and clock
     * @return the open engine
     * @throws ConfigException if the options do not fit together
     * @throws LarderException if the store cannot be opened
     */
    StorageEngine open(EngineConfig config);
}
