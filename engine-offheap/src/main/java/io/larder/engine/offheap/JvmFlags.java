package io.larder.engine.offheap;

import io.larder.spi.LarderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What Chronicle Map needs from the JVM, checked without touching a single Chronicle class.
 *
 * <p>Chronicle reads its system properties in static initializers, so {@link #quietChronicle()} must
 * run before the first Chronicle class initializes: the provider and the engine call it from their
 * own static initializers, and neither mentions a Chronicle type in its fields or signatures.
 *
 * <p>The flags come from a resource the build fills from the root pom's single list, so the message
 * an embedder sees is the list the tests and benchmarks run with.
 */
public final class JvmFlags {

    /**
     * System properties that keep Chronicle from phoning home (analytics: an HTTP thread and two
     * files in the home directory), printing a banner, or keeping a resource-releaser thread alive
     * after the engine closes (releases then happen inline).
     */
    static final Map<String, String> QUIET_PROPERTIES = Map.of(
            "chronicle.analytics.disable", "true",
            "chronicle.announcer.disable", "true",
            "chronicle.disk.monitor.disable", "true",
            "background.releaser", "false",
            // Chronicle loads a system.properties file from the working directory (or its parent)
            // into the JVM's system properties; named explicitly, it loads this empty resource
            // from the engine's jar instead.
            "system.properties", "io/larder/engine/offheap/chronicle-system.properties");

    /** The module whose internals Chronicle's code generation needs; absent from many runtime images. */
    static final String COMPILER_MODULE = "jdk.compiler";

    /** Where JVM flags go, for the messages. */
    static final String WHERE_FLAGS_GO = "Put them on the java command line, in Maven Surefire's argLine (or"
            + " Gradle's jvmArgs) for tests, or in the JDK_JAVA_OPTIONS environment variable.";

    private static final String RESOURCE = "jvm-flags.properties";

    private static final List<String> FLAGS = load();

    /** The directory Chronicle may create while loading, if it did not exist before ({@link #tidyAfterOpen()}). */
    private static Optional<Path> chronicleTarget;

    static {
        quietChronicle();
    }

    private JvmFlags() {
    }

    /**
     * Sets {@link #QUIET_PROPERTIES}, except those the embedder has set already; and points JNA
     * (which Chronicle loads) at the JVM's temporary directory for the native library it unpacks,
     * instead of a {@code ~/.cache/JNA} directory it would leave in the user's home.
     */
    public static void quietChronicle() {
        QUIET_PROPERTIES.forEach(JvmFlags::setIfAbsent);
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null) {
            setIfAbsent("jna.tmpdir", tmp);
        }
        noteChronicleTarget();
    }

    /**
     * Chronicle, finding no {@code target} or {@code build} directory above the working directory,
     * creates an empty {@code target} directory in the temporary directory as it loads, and never
     * uses it for an in-memory map. Noted before Chronicle loads, so that {@link #tidyAfterOpen()}
     * removes it only if Chronicle made it.
     */
    private static synchronized void noteChronicleTarget() {
        if (chronicleTarget == null && System.getProperty("project.build.directory") == null) {
            String tmp = System.getProperty("java.io.tmpdir");
            if (tmp != null) {
                Path target = Path.of(tmp, "target");
                chronicleTarget = Files.exists(target) ? Optional.empty() : Optional.of(target);
            }
        }
    }

    /** Removes the temporary directory Chronicle created on loading, if it is still empty. */
    static synchronized void tidyAfterOpen() {
        if (chronicleTarget != null && chronicleTarget.isPresent()) {
            try {
                Files.deleteIfExists(chronicleTarget.get());
            } catch (IOException | SecurityException notOurs) {
                // Not empty (someone uses it) or not ours to remove: leave it.
            }
            chronicleTarget = Optional.empty();
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Every flag Chronicle Map needs, as one would write them on a {@code java} command line. */
    public static List<String> required() {
        return FLAGS;
    }

    /** The flags this JVM lacks; empty when Chronicle Map can run. */
    public static List<String> missing() {
        Module unnamed = JvmFlags.class.getClassLoader() == null
                ? ClassLoader.getSystemClassLoader().getUnnamedModule()
                : JvmFlags.class.getClassLoader().getUnnamedModule();
        List<String> missing = new ArrayList<>();
        for (String flag : FLAGS) {
            if (!granted(flag, unnamed)) {
                missing.add(flag);
            }
        }
        return missing;
    }

    /**
     * Fails fast, before Chronicle does with an obscure error from its internals.
     *
     * @throws LarderException naming the missing flags, the whole list to add and where flags go; or,
     *         on a runtime without {@code jdk.compiler}, saying so and that a full JDK is needed
     */
    public static void require() {
        if (ModuleLayer.boot().findModule(COMPILER_MODULE).isEmpty()) {
            throw new LarderException("the offheap engine (Chronicle Map) cannot run on this Java runtime ("
                    + Runtime.version() + ", " + System.getProperty("java.home") + "): it lacks the "
                    + COMPILER_MODULE + " module, which Chronicle Map compiles code with at run time. Runtime"
                    + " images such as JREs and jlink'd container images often leave it out: use a full JDK"
                    + " (or add " + COMPILER_MODULE + " to the jlink image), started with: " + String.join(" ", FLAGS)
                    + System.lineSeparator() + WHERE_FLAGS_GO);
        }
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new LarderException("the offheap engine (Chronicle Map) needs JVM flags this JVM ("
                    + Runtime.version() + ") was not started with: " + String.join(" ", missing)
                    + System.lineSeparator() + "Start java with all of: " + String.join(" ", FLAGS)
                    + System.lineSeparator() + WHERE_FLAGS_GO);
        }
    }

    /**
     * Whether one flag is in effect. Only module-access flags can be checked from inside the JVM;
     * any other flag (such as {@code --enable-native-access}, which only silences warnings) counts
     * as granted.
     */
    private static boolean granted(String flag, Module unnamed) {
        boolean opens = flag.startsWith("--add-opens=");
        if (!opens && !flag.startsWith("--add-exports=")) {
            return true;
        }
        // --add-opens=module/package=ALL-UNNAMED
        String spec = flag.substring(flag.indexOf('=') + 1);
        int slash = spec.indexOf('/');
        int eq = spec.indexOf('=', slash + 1);
        if (slash <= 0 || eq <= slash) {
            return true;
        }
        String moduleName = spec.substring(0, slash);
        String pkg = spec.substring(slash + 1, eq);
        Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
        if (module.isEmpty()) {
            // A runtime image without the module (a jlink'd JRE without jdk.compiler): the flag
            // cannot take effect, and Chronicle's code generation will fail without it.
            return false;
        }
        return opens ? module.get().isOpen(pkg, unnamed) : module.get().isExported(pkg, unnamed);
    }

    private static List<String> load() {
        Properties properties = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the offheap engine's jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String flags = properties.getProperty("flags", "").trim();
        if (flags.isEmpty() || flags.startsWith("${")) {
            throw new IllegalStateException(RESOURCE + " was not filtered by the build: " + flags);
        }
        return List.copyOf(Arrays.asList(flags.split("\\s+")));
    }
}
