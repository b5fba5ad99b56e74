package io.larder.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The memcached counter rules: a counter value is the decimal ASCII of an unsigned 64-bit number
 * (1..20 digits, nothing else); increment wraps at 2^64, decrement stops at 0.
 */
public final class Counters {

    /** Most digits of an unsigned 64-bit number. */
    public static final int MAX_DIGITS = 20;

    private Counters() {
    }

    /**
     * The unsigned number a value holds.
     *
     * @param value the stored value
     * @return the number, unsigned
     * @throws NonNumericValueException if it is not 1..20 ASCII digits of a number below 2^64
     */
    public static long parse(byte[] value) {
        return parse(ByteBuffer.wrap(value));
    }

    /**
     * {@link #parse(byte[])} over a buffer's remaining bytes; its position is unchanged.
     *
     * @param value the stored value, between position and limit
     * @return the number, unsigned
     * @throws NonNumericValueException if it is not 1..20 ASCII digits of a number below 2^64
     */
    public static long parse(ByteBuffer value) {
        int length = value.remaining();
        if (length == 0 || length > MAX_DIGITS) {
            throw new NonNumericValueException(length);
        }
        long result = 0;
        int start = value.position();
        for (int i = 0; i < length; i++) {
            int digit = value.get(start + i) - '0';
            if (digit < 0 || digit > 9) {
                throw new NonNumericValueException(length);
            }
            long times10 = result * 10;
            // Overflow past 2^64 - 1: the top bits before multiplying tell.
            if (Long.compareUnsigned(result, Long.divideUnsigned(-1L, 10)) > 0
                    || Long.compareUnsigned(times10 + digit, times10) < 0) {
                throw new NonNumericValueException(length);
            }
            result = times10 + digit;
        }
        return result;
    }

    /**
     * The value that stores {@code number} (unsigned).
     *
     * @param number the number, unsigned
     * @return its decimal ASCII digits
     */
    public static byte[] format(long number) {
        return Long.toUnsignedString(number).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code current + delta}, both unsigned, wrapping at 2^64.
     *
     * @param current the counter
     * @param delta the amount
     * @return the sum modulo 2^64
     */
    public static long increment(long current, long delta) {
        return current + delta;
    }

    /**
     * {@code current - delta}, both unsigned, stopping at 0.
     *
     * @param current the counter
     * @param delta the amount
     * @return the difference, or 0 when {@code delta} is not less than {@code current}
     */
    public static long decrement(long current, long delta) {
        return Long.compareUnsigned(delta, current) >= 0 ? 0 : current - delta;
    }
}
