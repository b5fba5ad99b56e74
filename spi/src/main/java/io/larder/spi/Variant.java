package io.larder.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The variant part of a {@link Key}: a set of {@code name=value} parameters, as selected by an
 * HTTP {@code Vary} header ({@code lang=fr}, {@code device=mobile}).
 *
 * <p>A variant is canonical: parameter order does not matter, so {@code {lang=fr, device=mobile}}
 * and {@code {device=mobile, lang=fr}} are equal and encode alike. Names are unique.
 * The empty variant, {@link #EMPTY}, is valid.
 *
 * <p>Limits, checked at construction with an {@link IllegalArgumentException} that names the
 * offending parameter and the limit:
 * <ul>
 *   <li>at most {@value #MAX_PARAMETERS} parameters;</li>
 *   <li>a name is {@value #MIN_NAME_BYTES}..{@value #MAX_NAME_BYTES} bytes of {@code [a-z0-9._-]};</li>
 *   <li>a value is 0..{@value #MAX_VALUE_BYTES} bytes of UTF-8 (unpaired surrogates are refused).</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Variant {

    /** Most parameters a variant may have. */
    public static final int MAX_PARAMETERS = 32;
    /** Shortest parameter name, in bytes. */
    public static final int MIN_NAME_BYTES = 1;
    /** Longest parameter name, in bytes. */
    public static final int MAX_NAME_BYTES = 64;
    /** Longest parameter value, in UTF-8 bytes. */
    public static final int MAX_VALUE_BYTES = 4096;

    /** The variant with no parameters. */
    public static final Variant EMPTY = new Variant(new String[0], new byte[0][], new byte[0][]);

    // Sorted by name; names are ASCII so String order equals unsigned byte order.
    private final String[] names;
    private final byte[][] nameBytes;
    private final byte[][] valueBytes;

    private Variant(String[] names, byte[][] nameBytes, byte[][] valueBytes) {
        this.names = names;
        this.nameBytes = nameBytes;
        this.valueBytes = valueBytes;
    }

    /**
     * A variant of alternating names and values: {@code Variant.of("lang", "fr", "device", "mobile")}.
     *
     * @param namesAndValues name, value, name, value...; none for {@link #EMPTY}
     * @return the variant
     * @throws NullPointerException if the array, a name or a value is null
     * @throws IllegalArgumentException if the count is odd, a name repeats, or a limit is broken
     */
    public static Variant of(String... namesAndValues) {
        Objects.requireNonNull(namesAndValues, "variant parameters must not be null");
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "variant parameters come in name/value pairs, got an odd count: " + namesAndValues.length);
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /**
     * A variant of the map's entries (names must be unique, which a map guarantees).
     *
     * @param parameters names and values
     * @return the variant
     * @throws NullPointerException if the map, a name or a value is null
     * @throws IllegalArgumentException if a limit is broken
     */
    public static Variant of(Map<String, String> parameters) {
        Objects.requireNonNull(parameters, "variant parameters must not be null");
        Builder builder = builder();
        parameters.forEach(builder::put);
        return builder.build();
    }

    /** {@return a builder that accepts parameters in any order} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the number of parameters} */
    public int size() {
        return names.length;
    }

    /** {@return whether this is the empty variant} */
    public boolean isEmpty() {
        return names.length == 0;
    }

    /**
     * The value of the named parameter.
     *
     * @param name the parameter's name
     * @return its value, or {@code null} when the variant has no such parameter
     */
    public String get(String name) {
        int i = Arrays.binarySearch(names, name);
        return i < 0 ? null : new String(valueBytes[i], StandardCharsets.UTF_8);
    }

    /** {@return the parameters in canonical (name) order, as an unmodifiable map} */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], new String(valueBytes[i], StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(map);
    }

    int encodedLength() {
        int length = 0;
        for (int i = 0; i < names.length; i++) {
            length += 1 + nameBytes[i].length + 2 + valueBytes[i].length;
        }
        return length;
    }

    int encodeTo(byte[] dst, int offset) {
        int at = offset;
        for (int i = 0; i < names.length; i++) {
            byte[] name = nameBytes[i];
            byte[] value = valueBytes[i];
            dst[at++] = (byte) name.length;
            System.arraycopy(name, 0, dst, at, name.length);
            at += name.length;
            dst[at++] = (byte) (value.length >>> 8);
            dst[at++] = (byte) value.length;
            System.arraycopy(value, 0, dst, at, value.length);
            at += value.length;
        }
        return at;
    }

    /** Decodes the parameters encoded by {@link #encodeTo} in {@code src[offset, end)}. */
    static Variant decode(byte[] src, int offset, int end) {
        if (offset == end) {
            return EMPTY;
        }
        Builder builder = builder();
        int at = offset;
        while (at < end) {
            int nameLength = src[at++] & 0xFF;
            checkRange(at + nameLength + 2 <= end);
            String name = new String(src, at, nameLength, StandardCharsets.US_ASCII);
            at += nameLength;
            int valueLength = ((src[at] & 0xFF) << 8) | (src[at + 1] & 0xFF);
            at += 2;
            checkRange(at + valueLength <= end);
            builder.put(name, new String(src, at, valueLength, StandardCharsets.UTF_8));
            at += valueLength;
        }
        return builder.build();
    }

    private static void checkRange(boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException("malformed encoded key: variant runs past the end");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Variant)) {
            return false;
        }
        Variant other = (Variant) o;
        return Arrays.equals(names, other.names) && Arrays.deepEquals(valueBytes, other.valueBytes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(names) + Arrays.deepHashCode(valueBytes);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** Collects parameters in any order; {@link #build()} sorts and checks them. */
    public static final class Builder {
        private final TreeMap<String, byte[]> parameters = new TreeMap<>();

        private Builder() {
        }

        /**
         * Adds a parameter.
         *
         * @param name the parameter's name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if the name or the value is null
         * @throws IllegalArgumentException if the name is invalid, already present, or the value too long
         */
        public Builder put(String name, String value) {
            Objects.requireNonNull(name, "variant parameter name must not be null");
            Objects.requireNonNull(value, () -> "value of variant parameter '" + name + "' must not be null");
            checkName(name);
            byte[] encoded = Utf8.encode(value, "value of variant parameter '" + name + "'");
            if (encoded.length > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException("value of variant parameter '" + name + "' is "
                        + encoded.length + " bytes; the limit is " + MAX_VALUE_BYTES + " bytes of UTF-8");
            }
            if (parameters.containsKey(name)) {
                throw new IllegalArgumentException("variant parameter '" + name + "' given twice; names are unique");
            }
            if (parameters.size() == MAX_PARAMETERS) {
                throw new IllegalArgumentException(
                        "a variant has at most " + MAX_PARAMETERS + " parameters; '" + name + "' would be one more");
            }
            parameters.put(name, encoded);
            return this;
        }

        /** {@return the canonical variant of the parameters put so far} */
        public Variant build() {
            if (parameters.isEmpty()) {
                return EMPTY;
            }
            int n = parameters.size();
            String[] names = new String[n];
            byte[][] nameBytes = new byte[n][];
            byte[][] valueBytes = new byte[n][];
            int i = 0;
            for (Map.Entry<String, byte[]> e : parameters.entrySet()) {
                names[i] = e.getKey();
                nameBytes[i] = e.getKey().getBytes(StandardCharsets.US_ASCII);
                valueBytes[i] = e.getValue();
                i++;
            }
            return new Variant(names, nameBytes, valueBytes);
        }

        private static void checkName(String name) {
            int length = name.length();
            if (length < MIN_NAME_BYTES || length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("variant parameter name '" + abbreviate(name) + "' is " + length
                        + " bytes; names are " + MIN_NAME_BYTES + ".." + MAX_NAME_BYTES + " bytes of [a-z0-9._-]");
            }
            for (int i = 0; i < length; i++) {
                char c = name.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                if (!ok) {
                    throw new IllegalArgumentException("variant parameter name '" + abbreviate(name)
                            + "' has an invalid character at index " + i + "; names are [a-z0-9._-]");
                }
            }
        }

        private static String abbreviate(String s) {
            return s.length() <= 80 ? s : s.substring(0, 77) + "...";
        }
    }
}
