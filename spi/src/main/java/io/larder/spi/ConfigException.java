package io.larder.spi;

/** A configuration that names no known engine, or an unknown or malformed option. */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * With a message.
     *
     * @param message what was wrong and what is accepted
     */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * With a message and a cause.
     *
     * @param message what was wrong and what is accepted
     * @param cause the failure underneath
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
