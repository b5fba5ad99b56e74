package io.larder.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks with JMH's own command line, adding to every fork the JVM flags the
 * off-heap engine needs (the build's single list, baked into a resource), and turning Chronicle's
 * analytics off in the forks.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        if (commandLine.shouldHelp() || commandLine.shouldList() || commandLine.shouldListWithParams()
                || commandLine.shouldListProfilers() || commandLine.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Options options = new OptionsBuilder()
                .parent(commandLine)
                .jvmArgsAppend(forkFlags())
                .build();
        new Runner(options).run();
    }

    /** The build's JVM flags plus the property that keeps Chronicle from phoning home. */
    static String[] forkFlags() {
        Properties properties = new Properties();
        try (InputStream in = BenchmarkMain.class.getResourceAsStream("/larder-benchmark-jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("larder-benchmark-jvm-flags.properties is missing from the jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String flags = properties.getProperty("jvmFlags", "").trim() + " -Dchronicle.analytics.disable=true";
        return flags.trim().split("\\s+");
    }
}
