package io.larder.benchmarks.report;

import io.larder.benchmarks.sidebyside.Stores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side results as ratios: for each case (operation, parameters, threads), each
 * engine's score divided by its raw store's, OHC's and Caffeine's in the same run. A ratio's error
 * combines both scores' JMH errors (relative errors added in quadrature); it is unknown (NaN) when
 * either is.
 */
public final class RatioTable {

    /** The store a ratio divides by, under the table's heading for it. */
    public enum Against {
        RAW("/ raw"),
        OHC("/ OHC"),
        CAFFEINE("/ Caffeine");

        final String heading;

        Against(String heading) {
            this.heading = heading;
        }
    }

    /**
     * A quotient of two scores and its error.
     *
     * @param value the quotient
     * @param error its error, NaN when unknown
     */
    public record Ratio(double value, double error) {

        static Ratio of(Measurement top, Measurement bottom) {
            double value = top.score() / bottom.score();
            double relative = Math.hypot(top.error() / top.score(), bottom.error() / bottom.score());
            return new Ratio(value, value * relative);
        }

        /** Two decimals, three below 0.1 and powers of ten below 0.001, so a small ratio still shows. */
        String format() {
            double size = Math.abs(value);
            String digits = size != 0 && size < 0.001 ? "%.1e" : size < 0.1 ? "%.3f" : "%.2f";
            return Double.isNaN(error) ? String.format(Locale.ROOT, digits + " ± ?", value)
                    : String.format(Locale.ROOT, digits + " ± " + digits, value, error);
        }
    }

    /**
     * One store in one case, with its ratios when it is an engine.
     *
     * @param measurement the store's result
     * @param ratios the engine's ratios to the stores present in the same case; empty for the others
     */
    public record Row(Measurement measurement, Map<Against, Ratio> ratios) {
    }

    private RatioTable() {
    }

    /**
     * The rows by case, cases in the order first seen, within a case engines first, then raw
     * stores, then peers.
     */
    public static Map<String, List<Row>> rows(List<Measurement> measurements) {
        Map<String, List<Measurement>> byCase = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            byCase.computeIfAbsent(m.caseLabel(), k -> new ArrayList<>()).add(m);
        }
        Map<String, List<Row>> out = new LinkedHashMap<>();
        byCase.forEach((label, results) -> {
            Map<String, Measurement> byStore = new LinkedHashMap<>();
            results.forEach(m -> byStore.put(m.store(), m));
            List<Row> rows = new ArrayList<>();
            for (Measurement m : results) {
                Map<Against, Ratio> ratios = new LinkedHashMap<>();
                if (Stores.ENGINES.contains(m.store())) {
                    put(ratios, Against.RAW, m, byStore.get(Stores.rawOf(m.store())));
                    put(ratios, Against.OHC, m, byStore.get("ohc"));
                    put(ratios, Against.CAFFEINE, m, byStore.get("caffeine"));
                }
                rows.add(new Row(m, ratios));
            }
            rows.sort(Comparator.comparingInt(r -> order(r.measurement().store())));
            out.put(label, rows);
        });
        return out;
    }

    private static void put(Map<Against, Ratio> ratios, Against against, Measurement top, Measurement bottom) {
        if (bottom != null) {
            ratios.put(against, Ratio.of(top, bottom));
        }
    }

    private static int order(String store) {
        List<String> known = new ArrayList<>(Stores.ENGINES);
        known.addAll(Stores.RAW);
        known.addAll(Stores.PEERS);
        int i = known.indexOf(store);
        return i < 0 ? known.size() : i;
    }

    /** The table as text, one block per case. */
    public static String format(List<Measurement> measurements) {
        StringBuilder out = new StringBuilder();
        out.append("Scores with JMH's error (99.9%); B/op: bytes allocated per operation (-prof gc);"
                + " ratios: engine / store, errors combined.\n");
        rows(measurements).forEach((label, rows) -> {
            out.append('\n').append(label).append("  [").append(rows.get(0).measurement().unit()).append("]\n");
            boolean allocation = rows.stream().anyMatch(r -> !Double.isNaN(r.measurement().bytesPerOp()));
            StringBuilder heading = new StringBuilder(String.format(Locale.ROOT, "  %-14s %20s", "store", "score"));
            if (allocation) {
                heading.append(String.format(Locale.ROOT, " %9s", "B/op"));
            }
            for (Against a : Against.values()) {
                heading.append(String.format(Locale.ROOT, " %16s", a.heading));
            }
            out.append(heading).append('\n');
            for (Row row : rows) {
                Measurement m = row.measurement();
                String score = Double.isNaN(m.error()) ? String.format(Locale.ROOT, "%.3f ± ?", m.score())
                        : String.format(Locale.ROOT, "%.3f ± %.3f", m.score(), m.error());
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-14s %20s", m.store(), score));
                if (allocation) {
                    line.append(Double.isNaN(m.bytesPerOp()) ? String.format(Locale.ROOT, " %9s", "?")
                            : String.format(Locale.ROOT, " %9.0f", m.bytesPerOp()));
                }
                for (Against a : Against.values()) {
                    Ratio r = row.ratios().get(a);
                    line.append(String.format(Locale.ROOT, " %16s", r == null ? "" : r.format()));
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
        });
        return out.toString();
    }
}
