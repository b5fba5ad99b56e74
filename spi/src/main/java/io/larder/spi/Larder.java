package io.larder.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Opens engines by configuration. Engines are found by name through {@link ServiceLoader}: the
 * built-in ones and any custom {@link EngineProvider} on the class path alike.
 *
 * <pre>{@code
 * try (StorageEngine cache = Larder.open("heap:?capacity=64m")) {
 *     long version = cache.set(Key.of("/index.html"), html);
 *     cache.compareAndSet(Key.of("/index.html"), version, newer, Expiry.after(Duration.ofMinutes(5)), 0);
 * }
 * }</pre>
 */
public final class Larder {

    private Larder() {
    }

    /**
     * Opens the engine a URI names, such as {@code lmdb:/var/cache?capacity=8g}.
     *
     * @param uri the configuration, see {@link EngineConfig}
     * @return the open engine; close it when done
     * @throws NullPointerException if {@code uri} is null
     * @throws ConfigException if the URI is malformed, names no engine on the class path, or
     *         gives an option the engine does not accept or cannot read
     * @throws LarderException if the store cannot be opened
     */
    public static StorageEngine open(String uri) {
        return open(EngineConfig.parse(uri));
    }

    /**
     * Opens the engine a map names in its {@code engine} entry.
     *
     * @param config the {@code engine} entry and the options
     * @return the open engine; close it when done
     * @throws NullPointerException if {@code config} is null
     * @throws ConfigException if there is no {@code engine} entry, no engine of that name, or an
     *         option the engine does not accept or cannot read
     * @throws LarderException if the store cannot be opened
     */
    public static StorageEngine open(Map<String, String> config) {
        return open(EngineConfig.fromMap(config));
    }

    /**
     * Opens the engine a config names, after checking its options.
     *
     * @param config the configuration
     * @return the open engine; close it when done
     * @throws NullPointerException if {@code config} is null
     * @throws ConfigException if no engine has that name (the message lists those there are), or an
     *         option is unknown or malformed (the message names it and the valid options)
     * @throws LarderException if the store cannot be opened
     */
    public static StorageEngine open(EngineConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        EngineProvider provider = provider(config.engine());
        config.validate(provider.options());
        return provider.open(config);
    }

    /**
     * The provider of the named engine.
     *
     * @param name the engine's name
     * @return its provider
     * @throws NullPointerException if {@code name} is null
     * @throws ConfigException if there is none; the message lists the engines there are
     */
    public static EngineProvider provider(String name) {
        Objects.requireNonNull(name, "engine name must not be null");
        Map<String, EngineProvider> providers = providersByName();
        EngineProvider provider = providers.get(name);
        if (provider == null) {
            throw new ConfigException("unknown engine '" + name + "'; engines on the class path: "
                    + (providers.isEmpty() ? "none" : String.join(", ", providers.keySet())));
        }
        return provider;
    }

    /** {@return every provider on the class path, sorted by name} */
    public static List<EngineProvider> providers() {
        List<EngineProvider> list = new ArrayList<>(providersByName().values());
        list.sort(Comparator.comparing(EngineProvider::name));
        return list;
    }

    /** {@return the names of the engines on the class path, sorted} */
    public static List<String> engineNames() {
        return providers().stream().map(EngineProvider::name).collect(Collectors.toList());
    }

    private static Map<String, EngineProvider> providersByName() {
        Map<String, EngineProvider> byName = new TreeMap<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        load(ServiceLoader.load(EngineProvider.class, context), byName);
        if (context != Larder.class.getClassLoader()) {
            load(ServiceLoader.load(EngineProvider.class, Larder.class.getClassLoader()), byName);
        }
        return byName;
    }

    private static void load(ServiceLoader<EngineProvider> loader, Map<String, EngineProvider> byName) {
        for (EngineProvider provider : loader) {
            EngineProvider other = byName.putIfAbsent(provider.name(), provider);
            if (other != null && other.getClass() != provider.getClass()) {
                throw new ConfigException("two engines are named '" + provider.name() + "': "
                        + other.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
    }
}
