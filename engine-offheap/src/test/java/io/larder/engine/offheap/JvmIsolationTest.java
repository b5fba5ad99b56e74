package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a fresh JVM can show: the message without the flags, that Chronicle's properties are set
 * before its first class loads, and that nothing Chronicle starts (threads, files) outlives close.
 */
@Timeout(120)
class JvmIsolationTest {

    @TempDir
    Path dir;

    private List<String> runChild(List<String> jvmArgs) throws IOException, InterruptedException {
        return runChild(jvmArgs, Files.createDirectories(dir.resolve("work")));
    }

    private List<String> runChild(List<String> jvmArgs, Path work, String... args)
            throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Duser.home=" + home);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvmMain.class.getName());
        command.addAll(List.of(args));
        Path output = dir.resolve("child.out");
        Process child = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        return Files.readAllLines(output, StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheFlagsOpeningFailsFastNamingThem() throws Exception {
        List<String> out = runChild(List.of());
        String all = String.join("\n", out);
        assertThat(all).contains("MARK failed io.larder.spi.LarderException");
        for (String flag : JvmFlags.required()) {
            assertThat(all).contains(flag);
        }
        assertThat(all).as("where the flags go").contains("java command line", "argLine", "JDK_JAVA_OPTIONS");
        assertThat(all).doesNotContain("AssertionError").doesNotContain("ExceptionInInitializerError");
    }

    @Test
    void aRuntimeWithoutTheCompilerModuleIsToldSoNotThatFlagsAreMissing() throws Exception {
        List<String> jvmArgs = new ArrayList<>(JvmFlags.required());
        // What a jlink'd runtime without jdk.compiler looks like from inside.
        jvmArgs.add("--limit-modules=java.se,jdk.unsupported,jdk.management");
        String all = String.join("\n", runChild(jvmArgs));
        assertThat(all).contains("MARK failed io.larder.spi.LarderException");
        assertThat(all).as("names the missing module and the fix").contains("lacks the jdk.compiler module",
                "full JDK");
        assertThat(all).as("does not blame flags that were given").doesNotContain("was not started with");
    }

    @Test
    void aStraySystemPropertiesFileInTheWorkingDirectoryIsNotLoaded() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("parent"));
        Path work = Files.createDirectories(parent.resolve("work"));
        String stray = "larder.stray=loaded\nuser.timezone=Pacific/Kiritimati\n";
        Files.writeString(work.resolve("system.properties"), stray);
        Files.writeString(parent.resolve("system.properties"), stray);
        String all = String.join("\n", runChild(JvmFlags.required(), work));
        assertThat(all).contains("MARK opened entries=");
        assertThat(all).contains("MARK stray=null").doesNotContain("Pacific/Kiritimati");
    }

    @Test
    void chronicleIsQuietBeforeItLoadsAndLeavesNothingBehind() throws Exception {
        List<String> jvmArgs = new ArrayList<>(JvmFlags.required());
        jvmArgs.add("-verbose:class");
        List<String> out = runChild(jvmArgs);
        String all = String.join("\n", out);
        assertThat(all).contains("MARK before-providers analytics=null", "MARK after-providers analytics=true",
                "MARK opened entries=");
        // The JDK's own "process reaper" waits on the `ldconfig -p` JNA runs once while Chronicle's
        // classes initialize; it is no Chronicle thread, and the JDK retires it after 60 s idle.
        String newThreads = out.get(indexOf(out, "MARK closed new-threads=")).replace("MARK closed new-threads=", "");
        assertThat(newThreads.replace("process reaper", "").replaceAll("[\\[\\], ]", ""))
                .as("threads left after close: " + newThreads).isEmpty();
        int propertySet = indexOf(out, "MARK after-providers");
        int firstChronicleClass = indexOf(out, "net.openhft.");
        assertThat(firstChronicleClass).as("first Chronicle class load").isGreaterThan(propertySet);
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> left = files.map(dir::relativize).map(Path::toString)
                    .filter(p -> !List.of("", "child.out", "home", "tmp", "work").contains(p))
                    .collect(Collectors.toList());
            assertThat(left).as("files and directories left in home, tmp and working directory").isEmpty();
        }
    }

    @Test
    void anEngineClosedInTheApplicationsShutdownHookClosesCleanly() throws Exception {
        // Chronicle closes its maps in a JVM shutdown hook of its own unless told not to, and hooks run
        // in no set order: the application's close then met a map already closed.
        String all = String.join("\n", runChild(JvmFlags.required(), Files.createDirectories(dir.resolve("work")),
                "close-in-shutdown-hook"));
        assertThat(all).contains("MARK hook closed entries=1").doesNotContain("MARK hook failed")
                .doesNotContain("Exception");
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
