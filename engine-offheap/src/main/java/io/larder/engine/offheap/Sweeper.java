package io.larder.engine.offheap;

import io.larder.spi.Clock;
import java.util.List;

/**
 * Reclaims expired entries: for each segment, the keys whose expiry tick is due (from the {@link
 * ExpiryIndex}), each removed under its own lock if it has indeed expired. A pass costs what
 * expires, not what is stored. Run by the engine's background task, and on demand.
 */
final class Sweeper {

    private final Store store;
    private final Clock clock;

    Sweeper(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Removes every entry due by now; returns how many. {@code stop} is polled between segments. */
    int sweep(java.util.function.BooleanSupplier stop) {
        int swept = 0;
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
                    if (store.removeIfExpired(due.get(i), now)) {
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
