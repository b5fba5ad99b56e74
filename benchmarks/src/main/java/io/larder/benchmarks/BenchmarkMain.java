package io.larder.benchmarks;

import io.larder.benchmarks.offheap.AdmissionHitRatio;
import io.larder.benchmarks.report.JmhJson;
import io.larder.benchmarks.report.Measurement;
import io.larder.benchmarks.report.RatioChart;
import io.larder.benchmarks.report.RatioTable;
import io.larder.benchmarks.sidebyside.QuickMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * analytics off in the forks. Commands of its own:
 * <ul>
 *   <li>{@code quick [--json FILE] [--png FILE]}: every store side by side on a small subset, then
 *       the table of ratios ({@link QuickMode});</li>
 *   <li>{@code ratios FILE.json [--where NAME=VALUE[,VALUE...]]... [--png FILE]}: the table (and
 *       chart) of ratios from a JMH JSON result file of the side-by-side benchmark, such as a full
 *       run's {@code -rf json}, kept to the results whose operation, store, {@code threads} or parameter
 *       matches every filter;</li>
 *   <li>{@code hit-ratio [requests] [keys] [budgetBytes]}: {@link AdmissionHitRatio} in a child JVM
 *       ({@link ChildJvm}) given the flags.</li>
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
        if (args.length > 0 && args[0].equals("hit-ratio")) {
            System.exit(ChildJvm.runInheritingIo(AdmissionHitRatio.class,
                    List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"), Arrays.copyOfRange(args, 1, args.length)));
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
        String usage = "ratios takes FILE.json [--where NAME=VALUE[,VALUE...]]... [--png FILE]";
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException(usage + ", got " + Arrays.toString(args));
        }
        List<Measurement> measurements = JmhJson.read(Path.of(args[0]));
        Path png = null;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(usage + ": " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--png":
                    png = Path.of(args[i + 1]);
                    break;
                case "--where":
                    measurements = where(measurements, args[i + 1]);
                    break;
                default:
                    throw new IllegalArgumentException(usage + ": unknown option " + args[i]);
            }
        }
        if (measurements.isEmpty()) {
            throw new IllegalArgumentException("no side-by-side results in " + args[0] + " match the --where filters");
        }
        System.out.print(RatioTable.format(measurements));
        if (png != null) {
            RatioChart.write(measurements, png);
        }
    }

    /**
     * The measurements whose operation, store, thread count or parameter {@code NAME} is one of the
     * values; {@code operation}, {@code store} and {@code threads} name the first three.
     */
    static List<Measurement> where(List<Measurement> measurements, String filter) {
        int eq = filter.indexOf('=');
        if (eq <= 0 || eq == filter.length() - 1) {
            throw new IllegalArgumentException("--where takes NAME=VALUE[,VALUE...], got '" + filter + "'");
        }
        String name = filter.substring(0, eq);
        List<String> values = Arrays.asList(filter.substring(eq + 1).split(","));
        List<Measurement> kept = new ArrayList<>();
        for (Measurement m : measurements) {
            String value = name.equals("operation") ? m.operation() : name.equals("store") ? m.store()
                    : name.equals("threads") ? String.valueOf(m.threads()) : m.params().get(name);
            if (values.contains(value)) {
                kept.add(m);
            }
        }
        return kept;
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
