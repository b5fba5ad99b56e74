package io.larder.engine.offheap;

import io.larder.spi.InvalidationMode;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * Per tag, two watermarks: an entry carrying the tag with a lower version is absent ({@code
 * removeMark}) or stale ({@code staleMark}). Marks are versions from the store's counter, so they
 * order with the entries' versions. Kept in memory only, like the entries.
 *
 * <p><b>Linearizability with concurrent writes.</b> Writes run under their segment's lock, in
 * parallel across segments; {@link #invalidate} takes no segment lock. One read-write lock orders
 * invalidations with the writes that could be hidden by them:
 * <ol>
 *   <li>{@link #invalidate} holds the write side while it draws its mark {@code M} and publishes it,
 *       so no write that judges tags ever sees a mark drawn but not yet published.</li>
 *   <li>A write that meets a tagged entry, or stores tags, takes the read side (after its segment's
 *       lock, never the other way round) before it judges the current entry and holds it through
 *       drawing its version and committing. Its version is then either below {@code M}, and the
 *       invalidation, published later, hides what it wrote; or above it, and the write judged the
 *       entry against the published mark (a LEASE, MARK_STALE or rebuild of a removed entry finds
 *       nothing, a guarded store refuses).</li>
 *   <li>Reads and untagged writes take no lock. A read racing a drawn but unpublished mark sees the
 *       entry, which is a read linearized before an invalidation that has not returned yet.</li>
 * </ol>
 * Once {@code invalidate} has returned its mark is published, so every later read and write sees it.
 *
 * <p><b>Bound.</b> One record per tag ever invalidated while the engine is open (two longs and a
 * counter besides the tag); records are not dropped, since a guarded store with an old token must
 * still see the mark. The map lives and dies with the engine.
 */
final class TagMarks {

    /** Validity of a tagged entry. */
    static final int VALID = 0;
    static final int STALE = 1;
    static final int REMOVED = 2;

    private final ConcurrentHashMap<String, Marks> marks = new ConcurrentHashMap<>();
    private final LongSupplier nextVersion;
    /** Write side: an invalidation drawing and publishing its mark; read side: a tag-judging write. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Test hook run between drawing a mark and publishing it; null in production. */
    volatile Runnable beforePublish;

    TagMarks(LongSupplier nextVersion) {
        this.nextVersion = nextVersion;
    }

    /**
     * Sets the tag's mark to a new version and returns it (see the class comment for the order).
     *
     * @throws IllegalStateException if this thread holds {@link #lockWrites} (a compute function on
     *         a tagged entry invalidating a tag), which would otherwise wait forever
     */
    long invalidate(String tag, InvalidationMode mode) {
        if (lock.getReadHoldCount() > 0) {
            // The read side cannot be raised to the write side: waiting would never end.
            throw new IllegalStateException("invalidateTag(\"" + tag + "\") called from inside a compute function"
                    + " on a tagged entry; invalidate the tag outside the function");
        }
        Marks m = marks.computeIfAbsent(tag, t -> new Marks());
        lock.writeLock().lock();
        try {
            long mark = nextVersion.getAsLong();
            Runnable hook = beforePublish;
            if (hook != null) {
                hook.run();
            }
            m.raise(mode == InvalidationMode.REMOVE, mark);
            return mark;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Keeps invalidations from drawing or publishing marks until {@link #unlockWrites}: for a write
     * that judges or stores tags, taken while it holds its segment's lock.
     */
    void lockWrites() {
        lock.readLock().lock();
    }

    void unlockWrites() {
        lock.readLock().unlock();
    }

    /** Whether an entry of {@code version} with {@code tags} is valid, stale or removed, by published marks. */
    int state(List<String> tags, long version) {
        if (marks.isEmpty()) {
            return VALID;
        }
        int state = VALID;
        for (int i = 0; i < tags.size(); i++) {
            Marks m = marks.get(tags.get(i));
            if (m != null) {
                if (m.removeMark > version) {
                    return REMOVED;
                }
                if (m.staleMark > version) {
                    state = STALE;
                }
            }
        }
        return state;
    }

    /**
     * Whether a store guarded by {@code guard} may commit; call it holding {@link #lockWrites}, after
     * drawing the store's version.
     */
    boolean guardHolds(List<String> tags, long guard) {
        for (int i = 0; i < tags.size(); i++) {
            Marks m = marks.get(tags.get(i));
            if (m != null && (m.removeMark > guard || m.staleMark > guard)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any tag was ever invalidated: until then no tagged entry can be anything but valid. */
    boolean any() {
        return !marks.isEmpty();
    }

    /** Tags with a watermark. */
    int size() {
        return marks.size();
    }

    private static final class Marks {
        volatile long removeMark;
        volatile long staleMark;

        synchronized void raise(boolean remove, long mark) {
            if (remove) {
                removeMark = Math.max(removeMark, mark);
            } else {
                staleMark = Math.max(staleMark, mark);
            }
        }
    }
}
