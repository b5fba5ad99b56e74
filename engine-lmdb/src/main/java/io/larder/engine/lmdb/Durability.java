package io.larder.engine.lmdb;

import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import org.lmdbjava.Env;

/**
 * What the engine does about flushing with {@code sync=false}, and what happens when a flush
 * fails: the background flusher's failure is remembered, and writes are refused with a
 * {@link LarderException} until a flush succeeds again. Each refused write first tries a flush
 * itself, so writes resume as soon as the disk takes one. Reads go on throughout. A failure is
 * never silent: a write either reached the state the mode promises or fails.
 */
final class Durability {

    private final Env<ByteBuffer> env;
    private volatile RuntimeException lastFailure;
    private volatile RuntimeException injected;

    Durability(Env<ByteBuffer> env) {
        this.env = env;
    }

    /** Flushes everything committed to disk; remembers and rethrows a failure. */
    void flush() {
        try {
            RuntimeException fault = injected;
            if (fault != null) {
                throw fault;
            }
            env.sync(true);
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e;
            throw e;
        }
    }

    /**
     * Called before each write: passes when the last flush succeeded, or when one made now does.
     *
     * @throws LarderException when the store cannot be flushed to disk
     */
    void checkWritable() {
        if (lastFailure == null) {
            return;
        }
        try {
            flush();
        } catch (RuntimeException e) {
            throw new LarderException("the lmdb store cannot flush to disk (" + e.getMessage() + "); writes are"
                    + " refused until a flush succeeds, since writes acknowledged now could be lost on a power loss."
                    + " Reads go on", e);
        }
    }

    /** Makes the next flushes fail with {@code fault} (null: succeed again). For tests. */
    void inject(RuntimeException fault) {
        injected = fault;
    }
}
