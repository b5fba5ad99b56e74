package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import io.larder.spi.Versions;
import java.nio.ByteBuffer;
import org.lmdbjava.Txn;

/**
 * The store-wide counter behind versions and eviction-queue numbers, kept in {@code meta} and bumped
 * inside each write transaction, so it rises across processes (LMDB serializes their writers) and
 * across restarts.
 *
 * <p>With {@code sync=false} a power loss may roll the store back to its last flush, counter
 * included, and numbers handed out since would be handed out again. So the counter also keeps a
 * reservation: a number above every one handed out, raised {@value #RESERVE_AHEAD} at a time, and
 * the transaction that raises it is flushed before its version is returned (see {@link
 * #takeFlushNeeded()}). A reopen starts above the reservation, so what a power loss forgets was
 * never handed out. Used under the engine's write lock only.
 */
final class VersionCounter {

    /** How far ahead a reservation reaches: one extra flush per this many versions. */
    static final long RESERVE_AHEAD = 1L << 16;

    private final Databases db;
    private final boolean reserveAhead;
    private final ByteBuffer lastKey = Databases.direct(Databases.LAST_VERSION_KEY);
    private final ByteBuffer reservedKey = Databases.direct(Databases.RESERVED_VERSION_KEY);
    private final ByteBuffer number = ByteBuffer.allocateDirect(8);
    private boolean flushNeeded;

    VersionCounter(Databases db, boolean reserveAhead) {
        this.db = db;
        this.reserveAhead = reserveAhead;
    }

    /**
     * At open: moves the counter to at least {@link Versions#floor}, above both what is on record
     * and any reservation, so versions never repeat across restarts even after a power loss.
     */
    void seed(Txn<ByteBuffer> txn, Clock clock) {
        long onRecord = Math.max(last(txn), db.metaNumber(txn, reservedKey));
        long floor = Versions.floor(clock, onRecord);
        put(txn, lastKey, floor);
        if (reserveAhead) {
            put(txn, reservedKey, floor + RESERVE_AHEAD);
            flushNeeded = true;
        }
    }

    /** The next number, written back in {@code txn}. */
    long next(Txn<ByteBuffer> txn) {
        long version = last(txn) + 1;
        put(txn, lastKey, version);
        if (reserveAhead && version > db.metaNumber(txn, reservedKey)) {
            put(txn, reservedKey, version + RESERVE_AHEAD);
            flushNeeded = true;
        }
        return version;
    }

    /** The highest number handed out, as {@code txn} sees it. */
    long last(Txn<ByteBuffer> txn) {
        return db.metaNumber(txn, lastKey);
    }

    /**
     * Whether the transaction just committed raised the reservation, so it must reach the disk
     * before any of its numbers is returned. Clears the flag.
     */
    boolean takeFlushNeeded() {
        boolean needed = flushNeeded;
        flushNeeded = false;
        return needed;
    }

    /** Forgets a raise made by a transaction that was aborted. */
    void aborted() {
        flushNeeded = false;
    }

    private void put(Txn<ByteBuffer> txn, ByteBuffer key, long value) {
        number.putLong(0, value);
        db.meta.put(txn, key, number);
    }
}
