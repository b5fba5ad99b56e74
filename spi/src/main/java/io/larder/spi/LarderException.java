package io.larder.spi;

/** A failure of the store itself (I/O, a native error, a corrupt or foreign file), not of the caller's input. */
public class LarderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * With a message.
     *
     * @param message what failed
     */
    public LarderException(String message) {
        super(message);
    }

    /**
     * With a message and a cause.
     *
     * @param message what failed
     * @param cause the failure underneath
     */
    public LarderException(String message, Throwable cause) {
        super(message, cause);
    }
}
