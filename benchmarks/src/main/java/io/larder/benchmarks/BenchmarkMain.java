package io.larder.benchmarks;

import io.larder.benchmarks.report.JmhJson;
import io.larder.benchmarks.report.Measurement;
import io.larder.benchmarks.report.RatioChart;
import io.larder.benchmarks.report.RatioTable;
import io.larder.benchmarks.sidebyside.QuickMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks with JMH's own command line, adding to every fork the JVM flags the
 * off-heap engine needs (the build's single list, baked into a resource), and turning Chronicle's
 * analytics off in the forks. Two commands of its own:
 * <ul>
 *   <li>{@code quick [--json FILE] [--png FILE]}: every store side by side on a small subset, then
 *       the table of ratios ({@link QuickMode});</li>
 *   <li>{@code ratios FILE.json [--png FILE]}: the table (and chart) of ratios from a JMH JSON
 *       result file of the side-by-side benchmark, such as a full run's {@code -rf json}.</li>
 * </ul>
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("quick")) {
            QuickMode.run(Arrays.copyOfRange(args, 1, args.length), forkFlags(), System.out);
            return;
        }
        if (args.length > 0 && args[0].equals("ratios")) {
            ratios(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
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

    private static void ratios(String[] args) throws IOException {
        if (!(args.length == 1 || args.length == 3 && args[1].equals("--png"))) {
            throw new IllegalArgumentException("ratios takes FILE.json [--png FILE], got " + Arrays.toString(args));
        }
        List<Measurement> measurements = JmhJson.read(Path.of(args[0]));
        System.out.print(RatioTable.format(measurements));
        if (args.length == 3) {
            RatioChart.write(measurements, Path.of(args[2]));
        }
    }

    /**
     * The build's JVM flags plus the property that keeps Chronicle from phoning home.
     *
     * @throws IllegalStateException if the jar lacks the flags resource
     */
    public static String[] forkFlags() {
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
