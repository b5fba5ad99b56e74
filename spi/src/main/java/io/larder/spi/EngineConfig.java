package io.larder.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Which engine to open and its options, as strings, plus the {@link Clock} it reads time from.
 *
 * <p>Three written forms:
 * <ul>
 *   <li>a URI: {@code name:[path][?option=value&option=value]}, such as {@code heap:?capacity=64m},
 *       {@code lmdb:/var/cache/pages?capacity=8g&sync=false}; the part between the colon and the
 *       {@code ?} is the {@code path} option. Values are taken literally (no percent-decoding):
 *       use the map form for a path holding {@code ?} or {@code &};</li>
 *   <li>a map, or a properties file, whose {@code engine} entry names the engine and whose other
 *       entries are its options (including {@code path}).</li>
 * </ul>
 * Instances are immutable; a config says nothing about whether its options are valid until
 * {@link Larder#open(EngineConfig)} checks them against the engine's {@link EngineProvider#options()}.
 */
public final class EngineConfig {

    /** The key that names the engine in the map and properties forms. */
    public static final String ENGINE_KEY = "engine";
    /** The option the URI form's path goes to. */
    public static final String PATH_KEY = "path";

    private final String engine;
    private final Map<String, String> options;
    private final Clock clock;

    private EngineConfig(String engine, Map<String, String> options, Clock clock) {
        this.engine = engine;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        this.clock = clock;
    }

    /**
     * A config for the named engine with these options, on the system clock. Names and values
     * are trimmed.
     *
     * @param engine the engine's name
     * @param options option names and their string values
     * @return the config
     * @throws NullPointerException if {@code engine} or {@code options} is null
     * @throws ConfigException if the name or an option name is empty, or a value is null
     */
    public static EngineConfig of(String engine, Map<String, String> options) {
        Objects.requireNonNull(engine, "engine name must not be null");
        Objects.requireNonNull(options, "options must not be null");
        String name = engine.trim();
        if (name.isEmpty()) {
            throw new ConfigException("engine name is empty");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (k == null || k.trim().isEmpty()) {
                throw new ConfigException("an option of engine '" + name + "' has an empty name");
            }
            if (v == null) {
                throw new ConfigException("option '" + k + "' of engine '" + name + "' has no value");
            }
            if (copy.put(k.trim(), v.trim()) != null) {
                throw new ConfigException("option '" + k.trim() + "' of engine '" + name + "' is given twice");
            }
        });
        return new EngineConfig(name, copy, Clock.system());
    }

    /**
     * A config for the named engine with no options, on the system clock.
     *
     * @param engine the engine's name
     * @return the config
     * @throws NullPointerException if {@code engine} is null
     * @throws ConfigException if the name is empty
     */
    public static EngineConfig of(String engine) {
        return of(engine, Map.of());
    }

    /**
     * Reads the URI form, such as {@code lmdb:/var/cache?capacity=8g}.
     *
     * @param uri the configuration
     * @return the config, on the system clock
     * @throws NullPointerException if {@code uri} is null
     * @throws ConfigException if it has no engine name, or an option is malformed or repeated
     */
    public static EngineConfig parse(String uri) {
        Objects.requireNonNull(uri, "configuration URI must not be null");
        String s = uri.trim();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        if (name.isEmpty()) {
            throw new ConfigException("configuration '" + uri + "' names no engine; write name:[path][?option=value&...]"
                    + " such as heap:?capacity=64m");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = s.substring(colon + 1);
            int query = rest.indexOf('?');
            String path = query < 0 ? rest : rest.substring(0, query);
            if (!path.isEmpty()) {
                options.put(PATH_KEY, path);
            }
            if (query >= 0 && query + 1 < rest.length()) {
                for (String pair : rest.substring(query + 1).split("&", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new ConfigException("configuration '" + uri + "': '" + pair
                                + "' is not option=value");
                    }
                    String key = pair.substring(0, eq);
                    if (options.put(key, pair.substring(eq + 1)) != null) {
                        throw new ConfigException("configuration '" + uri + "' gives option '" + key + "' twice");
                    }
                }
            }
        }
        return of(name, options);
    }

    /**
     * Reads the map form: {@code engine} names the engine, every other entry is an option.
     *
     * @param map the configuration
     * @return the config, on the system clock
     * @throws NullPointerException if {@code map} is null
     * @throws ConfigException if there is no {@code engine} entry
     */
    public static EngineConfig fromMap(Map<String, String> map) {
        Objects.requireNonNull(map, "configuration map must not be null");
        String engine = map.get(ENGINE_KEY);
        if (engine == null) {
            throw new ConfigException("configuration has no '" + ENGINE_KEY + "' entry naming the engine; it has: "
                    + map.keySet());
        }
        Map<String, String> options = new LinkedHashMap<>(map);
        options.remove(ENGINE_KEY);
        return of(engine, options);
    }

    /**
     * Reads the properties form, like {@link #fromMap(Map)}.
     *
     * @param properties the configuration
     * @return the config, on the system clock
     * @throws NullPointerException if {@code properties} is null
     * @throws ConfigException if there is no {@code engine} entry, or an entry is not a string
     */
    public static EngineConfig fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        Map<String, String> map = new java.util.TreeMap<>();
        for (Map.Entry<Object, Object> e : properties.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
                throw new ConfigException("configuration property " + e.getKey() + "=" + e.getValue()
                        + " is not a string; write every option as a string, such as capacity=64m");
            }
            map.put((String) e.getKey(), (String) e.getValue());
        }
        return fromMap(map);
    }

    /**
     * Reads a properties file, like {@link #fromMap(Map)}.
     *
     * @param propertiesFile the file, in {@link Properties} format
     * @return the config, on the system clock
     * @throws NullPointerException if {@code propertiesFile} is null
     * @throws UncheckedIOException if the file cannot be read
     * @throws ConfigException if there is no {@code engine} entry
     */
    public static EngineConfig load(Path propertiesFile) {
        Objects.requireNonNull(propertiesFile, "properties file must not be null");
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + propertiesFile, e);
        }
        return fromProperties(properties);
    }

    /**
     * The same config with one option set, replacing any value it had.
     *
     * @param option the option's name
     * @param value its string value
     * @return a new config
     * @throws ConfigException if the name is empty or the value null
     */
    public EngineConfig with(String option, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(option, value);
        return of(engine, copy).withClock(clock);
    }

    /**
     * The same config reading time from {@code clock}.
     *
     * @param clock the clock the engine will read
     * @return a new config
     * @throws NullPointerException if {@code clock} is null
     */
    public EngineConfig withClock(Clock clock) {
        return new EngineConfig(engine, options, Objects.requireNonNull(clock, "clock must not be null"));
    }

    /** {@return the engine's name} */
    public String engine() {
        return engine;
    }

    /** {@return the options as given, in order, unmodifiable} */
    public Map<String, String> options() {
        return options;
    }

    /** {@return the clock the engine reads} */
    public Clock clock() {
        return clock;
    }

    /**
     * The option's value: as given, parsed, or its default when not given.
     *
     * @param <T> the option's type
     * @param option the option
     * @return the value, or {@code null} when it is not given and has no default
     * @throws ConfigException if the given value is malformed
     */
    public <T> T get(Option<T> option) {
        String raw = options.get(option.name());
        return raw == null ? option.defaultValue() : option.parse(raw);
    }

    /**
     * The option's value, which must be given or have a default.
     *
     * @param <T> the option's type
     * @param option the option
     * @return the value
     * @throws ConfigException if it is neither given nor defaulted (the message says what it
     *         means and its form), or the given value is malformed
     */
    public <T> T require(Option<T> option) {
        T value = get(option);
        if (value == null) {
            throw new ConfigException("engine '" + engine + "' needs option '" + option.name() + "': "
                    + option.description() + " (" + option.form() + ")");
        }
        return value;
    }

    /**
     * Checks every given option against an engine's list: an unknown name, or a value its option
     * cannot read, is a {@link ConfigException} naming it and what is accepted.
     *
     * @param accepted the engine's options
     * @throws ConfigException for the first option not accepted or not readable
     */
    public void validate(List<Option<?>> accepted) {
        Map<String, Option<?>> byName = new LinkedHashMap<>();
        accepted.forEach(o -> byName.put(o.name(), o));
        for (Map.Entry<String, String> given : options.entrySet()) {
            Option<?> option = byName.get(given.getKey());
            if (option == null) {
                throw new ConfigException("engine '" + engine + "' has no option '" + given.getKey()
                        + "'; its options are: " + String.join(", ", byName.keySet()));
            }
            try {
                option.parse(given.getValue());
            } catch (ConfigException e) {
                throw new ConfigException("engine '" + engine + "': " + e.getMessage(), e.getCause());
            }
        }
    }

    /** {@return the URI form} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(engine).append(':');
        String path = options.get(PATH_KEY);
        if (path != null) {
            sb.append(path);
        }
        String query = options.entrySet().stream().filter(e -> !e.getKey().equals(PATH_KEY))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        if (!query.isEmpty()) {
            sb.append('?').append(query);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineConfig && ((EngineConfig) o).engine.equals(engine)
                && ((EngineConfig) o).options.equals(options) && ((EngineConfig) o).clock == clock;
    }

    @Override
    public int hashCode() {
        return engine.hashCode() * 31 + options.hashCode();
    }
}
