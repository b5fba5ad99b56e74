package io.larder.spi;

/** A failure of the store itself (I/O, a native error, a corrupt or foreign file), not of the caller's input. */
public class LarderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message. */
    public LarderException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public LarderException(String message, Throwable cause) {
        super(message, cause);
    }
}
