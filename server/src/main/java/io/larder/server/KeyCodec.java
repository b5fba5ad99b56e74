package io.larder.server;

import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps memcached keys onto Larder keys. A plain key is a primary with no variant. With the Larder
 * extensions on, a key holding {@code |} is {@code primary|name=value&name=value}: a variant of
 * that primary (names and values as {@link Variant} allows; no escaping, so neither may hold
 * {@code &}, and names may not hold {@code =}).
 */
final class KeyCodec {
    /** memcached's key limit, in bytes. */
    static final int MAX_KEY_BYTES = 250;

    private final boolean variants;

    KeyCodec(boolean variants) {
        this.variants = variants;
    }

    /**
     * @throws IllegalArgumentException if the key is not a valid key (empty, too long, or a malformed
     *         variant key)
     */
    Key key(byte[] raw) {
        if (raw.length == 0 || raw.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must be 1.." + MAX_KEY_BYTES + " bytes");
        }
        if (variants) {
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == '|') {
                    return variantKey(raw, i);
                }
            }
        }
        return Key.of(raw);
    }

    private static Key variantKey(byte[] raw, int bar) {
        if (bar == 0) {
            throw new IllegalArgumentException("variant key has an empty primary");
        }
        byte[] primary = java.util.Arrays.copyOf(raw, bar);
        String params = new String(raw, bar + 1, raw.length - bar - 1, StandardCharsets.UTF_8);
        if (params.isEmpty()) {
            return Key.of(primary);
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : params.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("variant parameter must be name=value");
            }
            pairs.add(pair.substring(0, eq));
            pairs.add(pair.substring(eq + 1));
        }
        return Key.of(primary, Variant.of(pairs.toArray(new String[0])));
    }
}
