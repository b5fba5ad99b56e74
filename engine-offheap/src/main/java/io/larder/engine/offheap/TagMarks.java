package io.larder.engine.offheap;

import io.larder.spi.InvalidationMode;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Per tag, two watermarks: an entry carrying the tag with a lower version is absent ({@code
 * removeMark}) or stale ({@code staleMark}). Marks are versions from the store's counter, so they
 * order with the entries' versions. Kept in memory only, like the entries.
 *
 * <p><b>Linearizability with concurrent writes.</b> Writes run under their segment's lock, in
 * parallel across segments; {@link #invalidate} takes no segment lock. Three rules make it
 * linearizable all the same:
 * <ol>
 *   <li>A write takes its version under its segment's write lock and becomes visible when the lock
 *       is released (see {@link Store}). A tagged entry with version {@code v} written while
 *       {@code invalidate} runs is either below its mark {@code M} (then it is absent: the write
 *       took effect before the invalidation) or above it (after).</li>
 *   <li>{@code invalidate} first announces itself ({@code pending} goes up), then draws {@code M}
 *       from the counter, then publishes it (a monotonic raise), then withdraws the announcement.
 *       Reads look only at published marks: a read before the publication sees the entries the
 *       invalidation is about to hide, which is a read linearized before it.</li>
 *   <li>A guarded store (store only if no tag was invalidated after {@code G}) draws its version
 *       {@code v} BEFORE it looks at the marks, holding its segment's write lock until it commits,
 *       and takes an announced invalidation as a mark above {@code G}. Either it sees the
 *       announcement, or the mark it publishes (if any), and refuses; or the announcement comes
 *       after the store's look in the counter's total order, hence {@code M} is drawn after
 *       {@code v}, {@code M > v}, and the stored entry is hidden by that invalidation. No
 *       invalidation can slip between the check and the commit and leave the entry valid.</li>
 * </ol>
 * Reads and unguarded writes take no lock here; untagged entries never reach this class.
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

    TagMarks(LongSupplier nextVersion) {
        this.nextVersion = nextVersion;
    }

    /** Sets the tag's mark to a new version and returns it (see the class comment for the order). */
    long invalidate(String tag, InvalidationMode mode) {
        Marks m = marks.computeIfAbsent(tag, t -> new Marks());
        m.pending.incrementAndGet();
        try {
            long mark = nextVersion.getAsLong();
            m.raise(mode == InvalidationMode.REMOVE, mark);
            return mark;
        } finally {
            m.pending.decrementAndGet();
        }
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
     * Whether a store guarded by {@code guard} may commit; call it after drawing the store's version
     * and before releasing its segment's write lock.
     */
    boolean guardHolds(List<String> tags, long guard) {
        for (int i = 0; i < tags.size(); i++) {
            Marks m = marks.get(tags.get(i));
            if (m != null && (m.pending.get() > 0 || m.removeMark > guard || m.staleMark > guard)) {
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
        final AtomicInteger pending = new AtomicInteger();
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
