package io.larder.engine.lmdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a child JVM on the test class path, collecting its output lines. */
final class Children {

    private Children() {
    }

    static Process start(List<String> lines, Class<?> main, String... args) throws IOException {
        return start(lines, List.of(), main, args);
    }

    /** As {@link #start(List, Class, String...)}, with these JVM flags before the class path. */
    static Process start(List<String> lines, List<String> jvmFlags, Class<?> main, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(jvmFlags);
        // A crash must not leave a core file or an hs_err log in the working directory.
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/larder-child-hs_err_%p.log");
        String extract = System.getProperty("lmdbjava.extract.dir");
        if (extract != null) {
            command.add("-Dlmdbjava.extract.dir=" + extract);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ FAILED " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
