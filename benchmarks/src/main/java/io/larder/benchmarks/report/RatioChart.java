package io.larder.benchmarks.report;

import io.larder.benchmarks.report.RatioTable.Against;
import io.larder.benchmarks.report.RatioTable.Ratio;
import io.larder.benchmarks.report.RatioTable.Row;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A bar chart (PNG) of the ratios {@link RatioTable} computes: one group of bars per engine and
 * case, one bar per store it is divided by, with the ratio's error as an error bar (clipped to
 * the chart, whose scale the ratios set). Drawn headless. A missing ratio (the store was not in the run) is drawn as no bar.
 */
public final class RatioChart {

    private RatioChart() {
    }

    /**
     * Writes the chart of the measurements' ratios to {@code png}.
     *
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if no engine has a ratio to draw
     */
    public static void write(List<Measurement> measurements, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> categories = new ArrayList<>();
        Map<Against, List<Double>> values = new EnumMap<>(Against.class);
        Map<Against, List<Double>> errors = new EnumMap<>(Against.class);
        for (Against a : Against.values()) {
            values.put(a, new ArrayList<>());
            errors.put(a, new ArrayList<>());
        }
        RatioTable.rows(measurements).forEach((label, rows) -> {
            for (Row row : rows) {
                if (row.ratios().isEmpty()) {
                    continue;
                }
                categories.add(row.measurement().store() + " " + shortLabel(row.measurement()));
                for (Against a : Against.values()) {
                    Ratio r = row.ratios().get(a);
                    values.get(a).add(r == null ? 0 : r.value());
                    errors.get(a).add(r == null || Double.isNaN(r.error()) ? 0 : r.error());
                }
            }
        });
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("no engine ratios to chart: the results hold no engine beside raw, OHC"
                    + " or Caffeine in the same case");
        }
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(900, 90 * categories.size() + 200)).height(650)
                .title("Larder engines divided by raw store, OHC and Caffeine"
                        + " (same run; 1 = as fast; error bars clipped)")
                .yAxisTitle("ratio of throughputs").build();
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setErrorBarsColorSeriesColor(false);
        // the bars set the scale: on a shared machine error bars can be many times the ratio
        double highest = values.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max()
                .orElse(1);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.max(1.2, highest * 1.2));
        for (Against a : Against.values()) {
            if (values.get(a).stream().anyMatch(v -> v > 0)) {
                chart.addSeries("engine " + a.heading, categories, values.get(a), errors.get(a));
            }
        }
        try (OutputStream out = Files.newOutputStream(png)) {
            ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out);
        }
    }

    /** The case in a few characters: operation, value size, distribution, threads. */
    private static String shortLabel(Measurement m) {
        StringBuilder s = new StringBuilder(m.operation());
        String size = m.params().get("valueSize");
        if (size != null) {
            s.append(' ').append(size).append('B');
        }
        String distribution = m.params().get("distribution");
        if (distribution != null) {
            s.append(' ').append(distribution);
        }
        return s.append(" t").append(m.threads()).toString();
    }
}
