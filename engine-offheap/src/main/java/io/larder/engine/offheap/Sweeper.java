package io.larder.engine.offheap;

import io.larder.spi.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reclaims expired entries (lease placeholders too): for each segment, the keys whose expiry tick
 * is due (from the {@link ExpiryIndex}), each removed under its own lock if it has indeed expired.
 * A pass costs what expires, not what is stored. Run by the engine's background task, and on demand.
 *
 * <p>Entries hidden by a tag removal ({@link TagMarks}) are found through the {@link TagIndex}: the
 * next pass after an {@code invalidateTag(tag, REMOVE)} visits the entries carrying that tag, and
 * removes those it hides, counted as invalidations. A pass never scans the store.
 */
final class Sweeper {

    private final Store store;
    private final Clock clock;

    Sweeper(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Tags removed since the pass that reclaims them started. */
    private final Set<String> removedTags = ConcurrentHashMap.newKeySet();

    /** Asks the next pass to reclaim the entries {@code tag}'s remove mark hides. */
    void tagRemoved(String tag) {
        removedTags.add(tag);
    }

    /** Removes every entry due by now; returns how many. {@code stop} is polled between segments. */
    int sweep(java.util.function.BooleanSupplier stop) {
        int swept = 0;
        for (String tag : List.copyOf(removedTags)) {
            if (stop.getAsBoolean()) {
                break;
            }
            removedTags.remove(tag);
            try {
                swept += store.reclaimTag(tag, clock.millis());
            } catch (RuntimeException | Error e) {
                removedTags.add(tag);
                throw e;
            }
        }
        for (int segment = 0; segment < store.sizing.segments() && !stop.getAsBoolean(); segment++) {
            long now = clock.millis();
            List<byte[]> due = store.expiries.takeDue(segment, now);
            if (due.isEmpty()) {
                continue;
            }
            store.counters.sweepExamined.add(due.size());
            for (int i = 0; i < due.size(); i++) {
                try {
                    // An entry rewritten since with a later expiry is live, and indexed at that expiry.
                    if (store.removeIfDead(due.get(i), now)) {
                        swept++;
                    }
                } catch (RuntimeException | Error e) {
                    // The keys not yet looked at go back, due now, so the next pass sees them.
                    for (byte[] key : due.subList(i, due.size())) {
                        store.expiries.add(segment, key, key.length, now);
                    }
                    throw e;
                }
            }
        }
        return swept;
    }
}
