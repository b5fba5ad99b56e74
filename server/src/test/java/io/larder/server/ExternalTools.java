package io.larder.server;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Debian tools some tests run against: a real {@code memcached} and {@code memccapable}. A test
 * that needs one fails, naming the package to install, when it is missing: it never skips.
 */
final class ExternalTools {
    private ExternalTools() {
    }

    static Path require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(program + " is not installed: this test needs it. Install Debian's '"
                + debianPackage + "' package (apt-get install -y " + debianPackage + "); CI installs it.");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A real memcached on a free loopback port, TCP only; stopped by close(). */
    static final class Memcached implements AutoCloseable {
        final Process process;
        final int port;

        Memcached(String... extra) throws Exception {
            Path binary = require("memcached", "memcached");
            port = freePort();
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-p", String.valueOf(port), "-l",
                    "127.0.0.1", "-U", "0", "-m", "64"));
            if ("root".equals(System.getProperty("user.name"))) {
                cmd.add("-u");
                cmd.add("root");
            }
            cmd.addAll(List.of(extra));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try {
                    new Socket("127.0.0.1", port).close();
                    return;
                } catch (IOException e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        process.destroyForcibly();
                        throw new AssertionError("memcached did not start on port " + port, e);
                    }
                    Thread.sleep(50);
                }
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
