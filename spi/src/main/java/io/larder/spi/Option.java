package io.larder.spi;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A typed, documented engine option: a name, what it means, its default, and how its string form
 * is read. An {@link EngineProvider} lists its options; {@link Larder} refuses any option an
 * engine does not list, and any value its option cannot read, naming both.
 *
 * <p>String forms: a size is a whole number of bytes with an optional {@code k}, {@code m},
 * {@code g} or {@code t} suffix (binary multiples: {@code 512m} is 512 MiB); a duration is a whole
 * number with a unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; a boolean is
 * {@code true} or {@code false}.
 *
 * @param <T> the option's type
 */
public final class Option<T> {

    private final String name;
    private final String description;
    private final T defaultValue;
    private final String form;
    private final Function<String, T> parser;

    private Option(String name, String description, T defaultValue, String form, Function<String, T> parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.defaultValue = defaultValue;
        this.form = form;
        this.parser = parser;
    }

    /**
     * A size in bytes, at least {@code min}.
     *
     * @param name the option's name in configurations
     * @param defaultValue the value when the option is not given, or {@code null} for none
     * @param min the smallest size accepted
     * @param description what the option means, one line
     * @return the option
     * @throws NullPointerException if {@code name} or {@code description} is null
     */
    public static Option<Long> size(String name, Long defaultValue, long min, String description) {
        return new Option<>(name, description, defaultValue, "a size of at least " + formatSize(min)
                + " such as 512m (a whole number of bytes, optional suffix k, m, g or t)", raw -> {
                    long size = parseSize(raw);
                    if (size < min) {
                        throw new IllegalArgumentException("below the minimum");
                    }
                    return size;
                });
    }

    /**
     * A duration, at least {@code min}, that fits in milliseconds.
     *
     * @param name the option's name in configurations
     * @param defaultValue the value when the option is not given, or {@code null} for none
     * @param min the shortest duration accepted
     * @param description what the option means, one line
     * @return the option
     * @throws NullPointerException if {@code name} or {@code description} is null
     */
    public static Option<Duration> duration(String name, Duration defaultValue, Duration min, String description) {
        return new Option<>(name, description, defaultValue, "a duration of at least " + formatDuration(min)
                + " such as 500ms or 30s (a whole number with unit ms, s, m, h or d)", raw -> {
                    Duration d = parseDuration(raw);
                    d.toMillis(); // throws if it does not fit in milliseconds, refused as malformed
                    if (d.compareTo(min) < 0) {
                        throw new IllegalArgumentException("below the minimum");
                    }
                    return d;
                });
    }

    /**
     * A boolean, {@code true} or {@code false}.
     *
     * @param name the option's name in configurations
     * @param defaultValue the value when the option is not given, or {@code null} for none
     * @param description what the option means, one line
     * @return the option
     * @throws NullPointerException if {@code name} or {@code description} is null
     */
    public static Option<Boolean> bool(String name, Boolean defaultValue, String description) {
        return new Option<>(name, description, defaultValue, "true or false", raw -> {
            if (raw.equals("true")) {
                return true;
            }
            if (raw.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("not a boolean");
        });
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param name the option's name in configurations
     * @param defaultValue the value when the option is not given, or {@code null} for none
     * @param min the smallest number accepted
     * @param max the largest number accepted
     * @param description what the option means, one line
     * @return the option
     * @throws NullPointerException if {@code name} or {@code description} is null
     */
    public static Option<Integer> integer(String name, Integer defaultValue, int min, int max, String description) {
        return new Option<>(name, description, defaultValue, "a whole number from " + min + " to " + max, raw -> {
            int n = Integer.parseInt(raw);
            if (n < min || n > max) {
                throw new IllegalArgumentException("out of range");
            }
            return n;
        });
    }

    /**
     * A file system path, not empty; it has no default.
     *
     * @param name the option's name in configurations
     * @param description what the option means, one line
     * @return the option
     * @throws NullPointerException if {@code name} or {@code description} is null
     */
    public static Option<Path> path(String name, String description) {
        return new Option<>(name, description, null, "a file system path", raw -> {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            try {
                return Path.of(raw);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    /**
     * One of an enum's constants, written in lower case with '-' for '_'.
     *
     * @param <E> the enum
     * @param name the option's name in configurations
     * @param type the enum's class
     * @param defaultValue the value when the option is not given, or {@code null} for none
     * @param description what the option means, one line
     * @return the option
     * @throws NullPointerException if {@code name}, {@code type} or {@code description} is null
     */
    public static <E extends Enum<E>> Option<E> choice(String name, Class<E> type, E defaultValue,
            String description) {
        String choices = Arrays.stream(type.getEnumConstants()).map(Option::choiceName)
                .collect(Collectors.joining(", "));
        return new Option<>(name, description, defaultValue, "one of " + choices, raw -> {
            for (E e : type.getEnumConstants()) {
                if (choiceName(e).equals(raw)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("not a choice");
        });
    }

    private static String choiceName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@return the name, as written in a configuration} */
    public String name() {
        return name;
    }

    /** {@return what the option means} */
    public String description() {
        return description;
    }

    /**
     * {@return the value when the option is not given} Null when there is none: the option is
     * then required, or optional with no value.
     */
    public T defaultValue() {
        return defaultValue;
    }

    /** {@return the accepted string form, for messages and documentation} */
    public String form() {
        return form;
    }

    /**
     * Reads a string value; surrounding blanks are ignored.
     *
     * @param raw the value as configured
     * @return the value
     * @throws NullPointerException if {@code raw} is null
     * @throws ConfigException naming the option and its accepted form if the value is malformed
     */
    public T parse(String raw) {
        Objects.requireNonNull(raw, () -> "option '" + name + "' has a null value");
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new ConfigException("option '" + name + "': '" + raw + "' is not " + form, e);
        }
    }

    /**
     * Reads a size: digits with an optional k, m, g or t suffix (any case), binary multiples.
     *
     * @param raw the size as written
     * @return the size in bytes
     * @throws IllegalArgumentException if malformed or above {@link Long#MAX_VALUE}
     */
    public static long parseSize(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        int shift = 0;
        char last = s.charAt(s.length() - 1);
        switch (last) {
            case 'k': shift = 10; break;
            case 'm': shift = 20; break;
            case 'g': shift = 30; break;
            case 't': shift = 40; break;
            default: break;
        }
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a size: " + raw);
        }
        long n = Long.parseLong(digits);
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: " + raw);
        }
        return n << shift;
    }

    /**
     * Reads a duration: digits with a unit ms, s, m, h or d.
     *
     * @param raw the duration as written
     * @return the duration
     * @throws IllegalArgumentException if malformed
     */
    public static Duration parseDuration(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < s.length() && Character.isDigit(s.charAt(split))) {
            split++;
        }
        if (split == 0 || split > 15) {
            throw new IllegalArgumentException("not a duration: " + raw);
        }
        long n = Long.parseLong(s.substring(0, split));
        switch (s.substring(split)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default: throw new IllegalArgumentException("not a duration unit: " + raw);
        }
    }

    /**
     * A size in its shortest exact string form ({@code 1048576} gives {@code 1m}).
     *
     * @param bytes the size in bytes
     * @return the size as a configuration would write it
     */
    public static String formatSize(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    private static String formatDuration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public String toString() {
        return name;
    }
}
