package io.larder.benchmarks.sidebyside;

import io.larder.benchmarks.report.Measurement;
import io.larder.benchmarks.report.RatioChart;
import io.larder.benchmarks.report.RatioTable;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code quick}: every store's get and set at 100 B and 4 KiB, uniform keys, one thread, short
 * iterations, then the ratio table computed from this run's results. {@code --json FILE} keeps
 * JMH's results, {@code --png FILE} draws the ratio chart. Meant for a first look in a few minutes;
 * the full suite is the measurement.
 */
public final class QuickMode {

    private QuickMode() {
    }

    /**
     * Runs quick mode.
     *
     * @param args {@code [--json FILE] [--png FILE]}
     * @param forkFlags JVM flags every fork gets
     * @param out where the table goes
     * @throws IllegalArgumentException on an unknown or incomplete argument, naming it
     * @throws Exception what JMH or the chart throws
     */
    public static void run(String[] args, String[] forkFlags, PrintStream out) throws Exception {
        Path json = null;
        Path png = null;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length || !(args[i].equals("--json") || args[i].equals("--png"))) {
                throw new IllegalArgumentException("quick takes [--json FILE] [--png FILE], got '" + args[i] + "'");
            }
            Path file = Path.of(args[++i]);
            if (args[i - 1].equals("--json")) {
                json = file;
            } else {
                png = file;
            }
        }
        List<String> stores = new ArrayList<>(Stores.ENGINES);
        stores.addAll(Stores.RAW);
        stores.addAll(Stores.PEERS);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SideBySideBenchmark.class.getName() + "\\.(get|set)$")
                .param("store", stores.toArray(new String[0]))
                .param("valueSize", "100", "4096")
                .param("distribution", "uniform")
                .param("maxEntries", "10000")
                .threads(1)
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(4).measurementTime(TimeValue.milliseconds(200))
                .jvmArgs("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch", "--add-opens=java.base/java.nio=ALL-UNNAMED")
                .jvmArgsAppend(forkFlags);
        if (json != null) {
            options.resultFormat(ResultFormatType.JSON).result(json.toString());
        }
        Collection<RunResult> results = run(options);
        List<Measurement> measurements = new ArrayList<>();
        for (RunResult r : results) {
            measurements.add(measurement(r));
        }
        out.println();
        out.println("Quick mode: a first look on short iterations; the full suite is the measurement.");
        out.print(RatioTable.format(measurements));
        if (png != null) {
            RatioChart.write(measurements, png);
            out.println("\nChart: " + png);
        }
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    static Measurement measurement(RunResult r) {
        BenchmarkParams params = r.getParams();
        String benchmark = params.getBenchmark();
        Map<String, String> others = new LinkedHashMap<>();
        for (String key : params.getParamsKeys()) {
            if (!key.equals("store")) {
                others.put(key, params.getParam(key));
            }
        }
        Result<?> allocation = r.getSecondaryResults().get(Measurement.ALLOCATION_METRIC);
        return new Measurement(benchmark.substring(benchmark.lastIndexOf('.') + 1), params.getParam("store"), others,
                params.getThreads(), r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(),
                r.getPrimaryResult().getScoreUnit(), allocation == null ? Double.NaN : allocation.getScore());
    }
}
