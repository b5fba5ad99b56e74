package io.larder.spi.internal;

import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.EntryView;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.StorageEngine;

/**
 * The decisions of a lease-aware lookup, in one place for the SPI's default and for engines that
 * take the read half on a faster path: what a live entry seen by a read answers, and the atomic
 * decision of a compute when a lease may be handed out.
 */
public final class LeaseDecisions {

    private LeaseDecisions() {
    }

    /**
     * What a read of a live entry answers without a write: a fresh hit, or a lease another caller
     * holds; null when the entry is due for a lease (the caller then decides by {@link #byCompute}).
     *
     * @param view the live entry, during the read
     * @param options the lookup's options
     * @param now the engine's clock, in epoch milliseconds
     * @return the answer, or null when a compute must decide
     */
    public static Lookup onRead(EntryView view, LeaseOptions options, long now) {
        if (!view.stale() && !recacheDue(view.expiresAt(), options, now)) {
            return Lookup.hit(Entry.copyOf(view));
        }
        if (view.leased()) {
            return Lookup.taken(view.stale() && !options.acceptStale() ? null : Entry.copyOf(view));
        }
        return null;
    }

    /**
     * Decides atomically, in one compute: leave a placeholder on a miss (vivify), hand out a lease
     * on a stale or soon-expiring entry nobody holds one on, or answer as a read would.
     *
     * @param engine the engine, with cache semantics
     * @param key the key
     * @param options the lookup's options
     * @param takenByPlaceholder the answer for a live placeholder (an engine may share one instance)
     * @return the answer
     */
    public static Lookup byCompute(StorageEngine engine, Key key, LeaseOptions options, Lookup takenByPlaceholder) {
        Lookup[] decided = new Lookup[1];
        Entry after = engine.compute(key, current -> {
            if (current == null) {
                decided[0] = options.vivifyOnMiss() ? null : Lookup.miss();
                return options.vivifyOnMiss() ? ComputeAction.placeholder(options.leaseMillis()) : ComputeAction.keep();
            }
            if (current.placeholder()) {
                decided[0] = takenByPlaceholder;
                return ComputeAction.keep();
            }
            if (!current.stale() && !recacheDue(current.expiresAt(), options, engine.clock().millis())) {
                decided[0] = Lookup.hit(current);
                return ComputeAction.keep();
            }
            if (current.leased()) {
                decided[0] = Lookup.taken(current.stale() && !options.acceptStale() ? null : current);
                return ComputeAction.keep();
            }
            decided[0] = null;
            return ComputeAction.lease(options.leaseMillis());
        });
        if (decided[0] != null) {
            return decided[0];
        }
        boolean serve = !after.placeholder() && (!after.stale() || options.acceptStale());
        return Lookup.won(after.version(), serve ? after : null);
    }

    private static boolean recacheDue(long expiresAt, LeaseOptions options, long now) {
        return options.recacheBelowMillis() > 0 && expiresAt != 0 && expiresAt - now < options.recacheBelowMillis();
    }
}
