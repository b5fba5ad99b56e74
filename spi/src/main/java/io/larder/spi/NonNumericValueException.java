package io.larder.spi;

/**
 * {@code increment} or {@code decrement} on a value that is not the decimal ASCII of an unsigned
 * 64-bit number; the entry is unchanged.
 */
public class NonNumericValueException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * For a value of {@code length} bytes.
     *
     * @param length the value's length in bytes (the bytes themselves stay out of the message)
     */
    public NonNumericValueException(int length) {
        super("cannot increment or decrement a non-numeric value (" + length
                + " bytes); a counter is 1..20 ASCII digits of an unsigned 64-bit number");
    }
}
