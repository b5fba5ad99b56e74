package io.larder.spi;

/**
 * The function of {@link StorageEngine#compute}: given the live entry, or {@code null} when there is
 * none, it decides what to do. An engine may call it more than once for one {@code compute} (an
 * optimistic engine retries on a conflict), and only the last call's answer takes effect, so it
 * must be pure: no side effects beyond its answer, and the same answer for the same entry.
 */
@FunctionalInterface
public interface ComputeFunction {

    /**
     * Decides what to do with the entry.
     *
     * @param current the live entry, a copy the function may keep; {@code null} when absent
     * @return what to do; never null
     */
    ComputeAction apply(Entry current);
}
