package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedder's JVM prints when it runs the engine with no flags, on whatever JDK runs the
 * tests: no warning may name Larder's own code. JDK 24+ does print warnings caused by lmdbjava's
 * jnr-ffi (its {@code com.kenai.jffi} classes use {@code sun.misc.Unsafe} and load a native
 * library), which the README's "JVM flags" section lists; those are told apart by the class the
 * JVM names as the caller.
 */
class LmdbJvmWarningsTest {

    @TempDir
    Path dir;

    @Test
    void withNoFlagsNoWarningNamesLarderAndOnlyJnrFfiEarnsAny() throws Exception {
        List<String> warnings = warningsOfAChildUsingTheEngine(List.of());

        assertThat(warnings).as("warnings naming Larder's code").filteredOn(line -> line.contains("io.larder"))
                .isEmpty();
        // Each warning that names a caller names jnr-ffi's native layer, nothing else.
        assertThat(warnings).as("warnings naming a caller other than jnr-ffi")
                .filteredOn(line -> namesACaller(line) && !line.contains("com.kenai.jffi"))
                .isEmpty();
        if (Runtime.version().feature() < 24) {
            assertThat(warnings).as("JDK %s warns of neither Unsafe nor native access", Runtime.version())
                    .isEmpty();
        }
    }

    @Test
    void noUnsafeMemoryAccessComesFromLarderEvenWhereJnrFfiWarnsFirst() throws Exception {
        // The default mode warns once per JVM, naming only the first caller; debug mode names every one.
        assumeTrue(Runtime.version().feature() >= 24, "--sun-misc-unsafe-memory-access needs JDK 24+");
        List<String> warnings = warningsOfAChildUsingTheEngine(List.of("--sun-misc-unsafe-memory-access=debug"));

        assertThat(warnings).as("Unsafe calls reported in debug mode")
                .anyMatch(line -> line.contains("sun.misc.Unsafe::"));
        assertThat(warnings).as("Unsafe calls made by Larder's code")
                .filteredOn(line -> line.contains("sun.misc.Unsafe::") && line.contains("called by io.larder"))
                .isEmpty();
    }

    private static boolean namesACaller(String line) {
        return line.contains("called by") || line.contains("maintainers of");
    }

    private List<String> warningsOfAChildUsingTheEngine(List<String> flags) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process child = Children.start(lines, flags, WarningProbe.class, dir.resolve("db").toString());
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished: %s", lines).isTrue();
        assertThat(child.exitValue()).as("child exit status: %s", lines).isZero();
        assertThat(lines).as("child output").contains("DONE value 5 1");
        return lines.stream().filter(line -> line.startsWith("WARNING:")).toList();
    }
}
