package io.larder.engine.lmdb;

import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes: what each operation does to one key or one primary, inside a transaction run by
 * {@link Transactions}; every change to the stored entries goes through {@link EntryStore}.
 */
final class WritePath {

    private final Transactions transactions;
    private final EntryStore store;
    private final ReadMarks marks;
    private final Clock clock;
    private final long maxValueSize;

    WritePath(Transactions transactions, EntryStore store, ReadMarks marks, Clock clock, long maxValueSize) {
        this.transactions = transactions;
        this.store = store;
        this.marks = marks;
        this.clock = clock;
        this.maxValueSize = maxValueSize;
    }

    Entry compute(Key key, ComputeFunction function) {
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        byte[] fullKey = StoredKey.isShort(key) ? null : key.encodedBytes();
        return transactions.run(txn -> {
            long now = clock.millis();
            ByteBuffer record = store.find(txn, key);
            // Under a digest key, another key's entry may sit there (a collision): it is not ours to
            // read or remove, but a store replaces it.
            boolean mine = EntryStore.isMine(record, key);
            Entry current = mine && Expiry.isLive(Record.expiresAt(record), now) ? EntryStore.entryOf(record) : null;
            ComputeAction action = Objects.requireNonNull(function.apply(current),
                    "compute function returned null; return ComputeAction.keep() to change nothing");
            boolean expired = mine && current == null;
            switch (action.kind()) {
                case KEEP:
                    if (expired) {
                        store.remove(txn, record, EntryStore.Cause.EXPIRED);
                    } else if (current != null) {
                        marks.mark(current.version());
                    }
                    return current;
                case REMOVE:
                    if (mine) {
                        store.remove(txn, record, expired ? EntryStore.Cause.EXPIRED : EntryStore.Cause.DELETED);
                    }
                    return null;
                case TOUCH:
                    if (current == null) {
                        if (expired) {
                            store.remove(txn, record, EntryStore.Cause.EXPIRED);
                        }
                        return null;
                    }
                    long touchedAt = action.expiry().expiresAt(now);
                    store.touch(txn, fullKey, current, touchedAt);
                    return new Entry(current.value(), current.version(), touchedAt, current.flags(),
                            current.storedAt());
                case STORE:
                    byte[] value = action.value();
                    Checks.valueSize(value.length, maxValueSize);
                    long expiresAt = action.expiry().expiresAt(now);
                    long version = store.put(txn, fullKey, ByteBuffer.wrap(value), action.flags(), expiresAt, now,
                            record);
                    return new Entry(value.clone(), version, expiresAt, action.flags(), now);
                default:
                    throw new IllegalStateException("unknown compute action " + action.kind());
            }
        });
    }

    /** A set straight from the caller's buffer into the map: no intermediate copy. */
    long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
        Checks.key(key);
        Checks.value(value, maxValueSize);
        Checks.expiry(expiry);
        byte[] fullKey = StoredKey.isShort(key) ? null : key.encodedBytes();
        return transactions.run(txn -> {
            long now = clock.millis();
            ByteBuffer old = store.find(txn, key);
            return store.put(txn, fullKey, value, flags, expiry.expiresAt(now), now, old);
        });
    }

    int invalidate(byte[] primary) {
        Key.checkPrimary(primary);
        byte[] prefix = StoredKey.rangePrefix(primary);
        byte[] clearPrefix = Key.primaryPrefix(primary);
        return transactions.run(txn -> store.invalidate(txn, prefix, clearPrefix, clock.millis()));
    }

    void clear() {
        transactions.run(txn -> {
            store.clear(txn, clock.millis());
            return null;
        });
    }

    /** Removes expired entries now, in transactions of at most {@code batch}; returns how many index rows it took. */
    int sweepExpired(int batch) {
        int total = 0;
        while (true) {
            int swept = transactions.run(txn -> store.sweep(txn, clock.millis(), batch));
            total += swept;
            if (swept < batch) {
                return total;
            }
        }
    }
}
