package io.larder.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the side-by-side results out of a JMH JSON result file ({@code -rf json}): a small JSON
 * reader, so the benchmarks need no JSON library. Results of other benchmarks are skipped.
 */
public final class JmhJson {

    private final String text;
    private int at;

    private JmhJson(String text) {
        this.text = text;
    }

    /**
     * The side-by-side measurements in a JMH JSON result file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not JMH's JSON
     */
    public static List<Measurement> read(Path file) throws IOException {
        return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    /**
     * The side-by-side measurements in JMH's JSON.
     *
     * @throws IllegalArgumentException if the text is not a JSON array of JMH results, saying where
     */
    public static List<Measurement> parse(String json) {
        JmhJson reader = new JmhJson(json);
        Object root = reader.value();
        reader.skipSpace();
        if (reader.at != json.length()) {
            throw reader.error("trailing text");
        }
        if (!(root instanceof List)) {
            throw new IllegalArgumentException("a JMH JSON result file is an array of results");
        }
        List<Measurement> out = new ArrayList<>();
        for (Object item : (List<?>) root) {
            Map<?, ?> result = (Map<?, ?>) item;
            String benchmark = (String) result.get("benchmark");
            Map<?, ?> params = (Map<?, ?>) result.get("params");
            if (benchmark == null || !benchmark.contains("SideBySideBenchmark") || params == null
                    || !params.containsKey("store")) {
                continue;
            }
            Map<String, String> others = new LinkedHashMap<>();
            params.forEach((k, v) -> {
                if (!"store".equals(k)) {
                    others.put((String) k, String.valueOf(v));
                }
            });
            Map<?, ?> primary = (Map<?, ?>) result.get("primaryMetric");
            Map<?, ?> secondary = (Map<?, ?>) result.get("secondaryMetrics");
            Map<?, ?> allocation = null;
            if (secondary != null) {
                Object metric = secondary.get(Measurement.ALLOCATION_METRIC);
                allocation = (Map<?, ?>) (metric != null ? metric : secondary.get(Measurement.OLD_ALLOCATION_METRIC));
            }
            out.add(new Measurement(benchmark.substring(benchmark.lastIndexOf('.') + 1), (String) params.get("store"),
                    others, ((Number) result.get("threads")).intValue(), number(primary.get("score")),
                    number(primary.get("scoreError")), (String) primary.get("scoreUnit"),
                    allocation == null ? Double.NaN : number(allocation.get("score"))));
        }
        return out;
    }

    /** JMH writes {@code "NaN"} as a string when it has no error to give. */
    private static double number(Object value) {
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        return value == null ? Double.NaN : Double.parseDouble(value.toString());
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not JSON: " + what + " at character " + at);
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private Object value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            default:
                return literal();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipSpace();
            expect(':');
            map.put(name, value());
            skipSpace();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++;
        skipSpace();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            list.add(value());
            skipSpace();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    if (at + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default:
                    out.append(e);
            }
        }
    }

    private Object literal() {
        int start = at;
        while (at < text.length() && "{}[],: \t\r\n".indexOf(text.charAt(at)) < 0) {
            at++;
        }
        String word = text.substring(start, at);
        switch (word) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "null":
                return null;
            default:
                try {
                    return Double.parseDouble(word);
                } catch (NumberFormatException e) {
                    at = start;
                    throw error("unexpected '" + word + "'");
                }
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }
}
