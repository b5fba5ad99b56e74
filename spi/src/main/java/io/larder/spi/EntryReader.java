package io.larder.spi;

/**
 * Visits a live entry without copying it, see {@link StorageEngine#read}. Runs while the engine
 * holds the entry (a read lock or a read transaction), so it must be short and must not call the
 * engine.
 *
 * @param <R> what the reader makes of the entry
 */
@FunctionalInterface
public interface EntryReader<R> {

    /**
     * Reads the entry.
     *
     * @param view the live entry, valid only during this call
     * @return what the reader makes of it, handed back by {@link StorageEngine#read}
     */
    R read(EntryView view);
}
