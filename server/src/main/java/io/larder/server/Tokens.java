package io.larder.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request line split on spaces (runs of spaces count as one, as memcached's tokenizer does), and
 * the number parsers with memcached's acceptance rules: what its {@code strtoul}-based helpers take
 * (an optional sign, decimal digits, nothing after) and how they narrow to 32 bits.
 */
final class Tokens {
    byte[] line = new byte[256];
    int length;
    int count;
    private int[] starts = new int[24];
    private int[] lens = new int[24];
    /** Set false by a parser that failed; callers check it after a run of parses. */
    boolean ok;

    void split() {
        count = 0;
        int i = 0;
        while (i < length) {
            while (i < length && line[i] == ' ') {
                i++;
            }
            if (i >= length) {
                break;
            }
            int s = i;
            while (i < length && line[i] != ' ') {
                i++;
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lens = Arrays.copyOf(lens, count * 2);
            }
            starts[count] = s;
            lens[count] = i - s;
            count++;
        }
    }

    int start(int i) {
        return starts[i];
    }

    int len(int i) {
        return lens[i];
    }

    boolean is(int i, String s) {
        if (i >= count || lens[i] != s.length()) {
            return false;
        }
        for (int k = 0; k < lens[i]; k++) {
            if (line[starts[i] + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    byte[] bytes(int i) {
        return Arrays.copyOfRange(line, starts[i], starts[i] + lens[i]);
    }

    String string(int i) {
        return new String(line, starts[i], lens[i], StandardCharsets.UTF_8);
    }

    /** Unsigned 64-bit (memcached's safe_strtoull): wraps nothing, refuses a negative number. */
    long u64(int i) {
        return u64(line, starts[i], lens[i]);
    }

    long u64(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        boolean negative = false;
        if (p < end && (b[p] == '+' || b[p] == '-')) {
            negative = b[p] == '-';
            p++;
        }
        if (p >= end) {
            ok = false;
            return 0;
        }
        long v = 0;
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                ok = false;
                return 0;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                ok = false;
                return 0;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                ok = false;
                return 0;
            }
            v = next;
        }
        if (negative && v != 0) {
            ok = false;
            return 0;
        }
        return v;
    }

    /** Signed, narrowed to 32 bits the way memcached's helpers assign a long to an int32. */
    int i32(int i) {
        int p = starts[i];
        int end = p + lens[i];
        boolean negative = false;
        if (p < end && (line[p] == '+' || line[p] == '-')) {
            negative = line[p] == '-';
            p++;
        }
        if (p >= end) {
            ok = false;
            return 0;
        }
        long v = 0;
        for (; p < end; p++) {
            int d = line[p] - '0';
            if (d < 0 || d > 9) {
                ok = false;
                return 0;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                ok = false;
                return 0;
            }
            v = v * 10 + d;
        }
        return (int) (negative ? -v : v);
    }

    /** Unsigned, narrowed to 32 bits (memcached's client flags). */
    int u32(int i) {
        return (int) u64(i);
    }
}
