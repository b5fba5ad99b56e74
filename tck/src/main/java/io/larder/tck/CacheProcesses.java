package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Clock;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.StorageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs for the cache suites of engines shared between processes: several processes racing
 * for the leases of the same missing keys, and a tag invalidated in another process.
 */
public final class CacheProcesses {

    private CacheProcesses() {
    }

    /** The key {@code index} the processes race for. */
    static String leaseKey(int index) {
        return "/shared-lease-" + index;
    }

    /**
     * Starts {@code processes} children on the engine's directory; once all are open, releases them
     * together into one lease-aware lookup of each of {@code keys} missing keys; returns every line
     * they printed ({@code WON key}, {@code TAKEN key}, ...).
     */
    static List<String> raceForLeases(EngineUnderTest t, String factoryClass, int processes, int keys)
            throws Exception {
        Path dir = Files.createTempDirectory("larder-cache-processes-");
        List<Process> children = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            Path go = dir.resolve("go");
            for (int p = 0; p < processes; p++) {
                Path output = dir.resolve("child-" + p + ".out");
                outputs.add(output);
                children.add(start(t, factoryClass, output, "race", go.toString(), Integer.toString(keys)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int p = 0; p < processes; p++) {
                while (!read(outputs.get(p)).contains("READY") && children.get(p).isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(read(outputs.get(p))).as("child %d opened the engine", p).contains("READY");
            }
            Files.createFile(go);
            List<String> lines = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                assertThat(children.get(p).waitFor(120, TimeUnit.SECONDS)).as("child %d finished", p).isTrue();
                String out = read(outputs.get(p));
                assertThat(children.get(p).exitValue()).as("child %d exit; output: %s", p, out).isZero();
                for (String line : out.split("\n")) {
                    if (line.startsWith("WON ") || line.startsWith("TAKEN ") || line.startsWith("OTHER ")) {
                        lines.add(line);
                    }
                }
            }
            return lines;
        } finally {
            for (Process child : children) {
                child.destroyForcibly();
                child.waitFor(60, TimeUnit.SECONDS);
            }
            EngineUnderTest.deleteRecursively(dir);
        }
    }

    /** Invalidates {@code tag} in a child process; returns the watermark it got. */
    static long invalidateInChild(EngineUnderTest t, String factoryClass, String tag) throws Exception {
        Path dir = Files.createTempDirectory("larder-cache-processes-");
        try {
            Path output = dir.resolve("child.out");
            Process child = start(t, factoryClass, output, "invalidate", tag, "0");
            try {
                assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
            } finally {
                child.destroyForcibly();
            }
            String out = read(output);
            assertThat(child.exitValue()).as("child exit; output: %s", out).isZero();
            for (String line : out.split("\n")) {
                if (line.startsWith("MARK ")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
            throw new AssertionError("the child printed no watermark: " + out);
        } finally {
            EngineUnderTest.deleteRecursively(dir);
        }
    }

    private static Process start(EngineUnderTest t, String factoryClass, Path output, String mode, String arg,
            String count) throws IOException {
        TckSetup setup = t.setup();
        List<String> command = new ArrayList<>(CrashRounds.ChildJvm.command());
        command.addAll(List.of(CacheProcesses.class.getName(), factoryClass, setup.directory().toString(),
                Long.toString(setup.capacity()), Long.toString(setup.maxValueSize()), mode, arg, count));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** Args: factory class, directory, capacity, maxValueSize, race|invalidate, go file or tag, keys. */
    public static void main(String[] args) throws Exception {
        TckEngineFactory factory = (TckEngineFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        TckSetup setup = new TckSetup(Clock.system(), Long.parseLong(args[2]), Long.parseLong(args[3]),
                Path.of(args[1]), Duration.ofSeconds(1));
        StorageEngine engine = factory.open(setup);
        try {
            StringBuilder out = new StringBuilder();
            if (args[4].equals("race")) {
                System.out.println("READY");
                System.out.flush();
                Path go = Path.of(args[5]);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(go) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                LeaseOptions options = LeaseOptions.of(Duration.ofMinutes(10));
                for (int k = 0; k < Integer.parseInt(args[6]); k++) {
                    Lookup l = engine.lookup(Key.of(leaseKey(k)), options);
                    out.append(l.status() == Lookup.Status.WON ? "WON " : l.status() == Lookup.Status.TAKEN
                            ? "TAKEN " : "OTHER " + l.status() + " ").append(leaseKey(k)).append('\n');
                }
            } else {
                out.append("MARK ").append(engine.invalidateTag(args[5], InvalidationMode.REMOVE)).append('\n');
            }
            System.out.print(out);
            System.out.flush();
        } finally {
            engine.close();
        }
    }
}
