package io.larder.engine.lmdb;

import io.larder.spi.LarderException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store directories open in this JVM. LMDB's locks are per process: a second environment on
 * the same files in one process would break them (closing either drops the other's locks), so a
 * directory is opened once per JVM, and again only after the first is fully closed.
 */
final class OpenPaths {

    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private OpenPaths() {
    }

    /**
     * Claims {@code dir} (an existing directory) for an engine about to open it.
     *
     * @return the key to {@link #release} it with
     * @throws LarderException if an engine of this JVM has it open, or is still closing it
     */
    static Path claim(Path dir) {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new LarderException("cannot resolve the LMDB store directory " + dir + ": " + e, e);
        }
        if (!OPEN.add(key)) {
            throw new LarderException("the LMDB store in " + key + " is already open in this JVM (LMDB allows one"
                    + " environment per process on a store); share that engine, or close it first. A closed engine"
                    + " keeps the store until its last read callback has returned");
        }
        return key;
    }

    static void release(Path key) {
        OPEN.remove(key);
    }
}
