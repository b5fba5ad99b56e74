package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third real client, in another language: Python's pymemcache (Debian's {@code python3-pymemcache},
 * run by Debian's {@code /usr/bin/python3}) drives a server started here through a script that checks
 * every reply itself and prints one line per check.
 */
class PymemcacheClientTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String PACKAGE = "python3-pymemcache";
    /** Every check the script makes, in its order: each must be reported as passed. */
    private static final List<String> CHECKS = List.of("set", "get", "get-miss", "gets", "cas-stale", "cas-fresh",
            "cas-result", "cas-missing", "set-counter", "incr", "decr", "incr-missing", "touch", "touch-missing",
            "get-many", "delete", "delete-result", "delete-missing", "add", "add-existing", "add-result", "replace",
            "replace-missing", "replace-result");

    @TempDir
    Path dir;

    @Test
    void pymemcacheRoundTrip() throws Exception {
        requirePymemcache();
        Path script = dir.resolve("pymemcache_round_trip.py");
        try (InputStream in = PymemcacheClientTest.class.getResourceAsStream("pymemcache_round_trip.py")) {
            assertThat(in).as("the script beside this test").isNotNull();
            Files.copy(in, script);
        }
        try (ServerFixture server = new ServerFixture()) {
            Run run = python(script.toString(), String.valueOf(server.port()), "py:");
            assertThat(run.exit).as("the script's exit status; its output:\n%s", run.output).isZero();
            List<String> lines = run.output.lines().toList();
            for (String check : CHECKS) {
                assertThat(lines).as("check %s in:\n%s", check, run.output).contains("CHECK " + check + " ok");
            }
        }
    }

    /** Like {@link ExternalTools#require}: a missing client fails the test, naming the package; it never skips. */
    private static void requirePymemcache() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError(PYTHON + " is not installed: this test needs it with pymemcache. Install Debian's '"
                    + PACKAGE + "' package (apt-get install -y " + PACKAGE + "); CI installs it.");
        }
        Run probe = python("-c", "import pymemcache");
        if (probe.exit != 0) {
            throw new AssertionError(PYTHON + " cannot import pymemcache: this test needs it. Install Debian's '"
                    + PACKAGE + "' package (apt-get install -y " + PACKAGE + "); CI installs it.\n" + probe.output);
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run python(String... args) throws Exception {
        ProcessBuilder b = new ProcessBuilder();
        b.command().add(PYTHON.toString());
        b.command().addAll(List.of(args));
        // Debian's python with its own packages only: nothing from a user's site directory
        b.environment().remove("PYTHONPATH");
        b.environment().put("PYTHONNOUSERSITE", "1");
        Process process = b.redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the python script did not finish in 60 s:\n" + output.getNow(""));
        }
        return new Run(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }
}
