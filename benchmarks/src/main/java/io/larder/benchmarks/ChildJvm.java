package io.larder.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A main class of this jar run in a child JVM of the same Java, given the JVM options asked for and
 * the build's fork flags ({@link BenchmarkMain#forkFlags()}), so a measurement starts from a fresh
 * JVM and a user needs no flags.
 */
public final class ChildJvm {

    /**
     * What a child printed (standard output and error together) and its exit status.
     *
     * @param status the exit status
     * @param output everything it printed, stripped
     */
    public record Result(int status, String output) {
    }

    private ChildJvm() {
    }

    /**
     * Runs {@code main} and collects what it prints.
     *
     * @throws IOException if the child cannot be started or read
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static Result run(Class<?> main, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command(main, jvmOptions, args)).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Result(child.waitFor(), output);
    }

    /**
     * Runs {@code main} with this process's standard streams; its exit status.
     *
     * @throws IOException if the child cannot be started
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static int runInheritingIo(Class<?> main, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        return new ProcessBuilder(command(main, jvmOptions, args)).inheritIO().start().waitFor();
    }

    private static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(Arrays.asList(BenchmarkMain.forkFlags()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }
}
