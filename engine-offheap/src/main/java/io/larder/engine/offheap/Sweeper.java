package io.larder.engine.offheap;

import io.larder.spi.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reclaims expired entries (lease placeholders too): for each segment, the keys whose expiry tick
 * is due (from the {@link ExpiryIndex}), each removed under its own lock if it has indeed expired.
 * A pass costs what expires, not what is stored. Run by the engine's background task, and on demand.
 *
 * <p>Entries hidden by a tag invalidation ({@link TagMarks}) are indexed by nothing: after an
 * {@code invalidateTag(..., REMOVE)} the next pass scans every segment once and removes them,
 * counted as invalidations. So a pass costs a scan of the store only after a tag removal, once
 * however many removals came since the last pass.
 */
final class Sweeper {

    private final Store store;
    private final Clock clock;

    Sweeper(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Set by a tag removal, cleared by the pass that starts the scan it asks for. */
    private final AtomicBoolean tagScanDue = new AtomicBoolean();

    /** Asks the next pass to scan for entries a tag's remove mark hides. */
    void tagRemoved() {
        tagScanDue.set(true);
    }

    /** Removes every entry due by now; returns how many. {@code stop} is polled between segments. */
    int sweep(java.util.function.BooleanSupplier stop) {
        int swept = 0;
        if (tagScanDue.getAndSet(false)) {
            Scratch s = Scratch.get();
            int segment = 0;
            try {
                for (; segment < store.sizing.segments(); segment++) {
                    if (stop.getAsBoolean()) {
                        tagScanDue.set(true);
                        break;
                    }
                    swept += store.removeTagInvalidated(segment, s, clock.millis());
                }
            } catch (RuntimeException | Error e) {
                tagScanDue.set(true);
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
