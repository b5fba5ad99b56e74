package io.larder.engine.rocks;

import io.larder.engine.rocks.Figures.Gone;
import io.larder.spi.Clock;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Eviction: keeps the entries' bytes (by the engine's accounting, {@link Records#charge}) within
 * the eviction target: capacity, or less when the disk budget needs it ({@link DiskBudget} sets the
 * target; it is never above capacity, so {@code bytesUsed} stays within capacity). Policy: second
 * chance (CLOCK) over write order. Every entry has a row in the queue column family at the position
 * it was written (its version); eviction walks the queue from the head; an entry read since it joined (a {@link ReadMarks} bit) moves to the back once, by moving
 * its row only; otherwise it is removed. A row whose entry has since been rewritten or removed is
 * dropped when met. The writer whose write crossed the target evicts, after releasing its key,
 * never the entry it just wrote. One evictor runs at a time; writers never wait for the disk
 * space, which compaction returns later.
 */
final class Room {

    /** Passes over the queue in one call, each with a fresh iterator (second chances land behind). */
    private static final int PASSES = 4;

    private final Store store;
    private final WritePath writes;
    private final VersionCounter versions;
    private final ReadMarks readMarks;
    private final Figures figures;
    private final Clock clock;
    private final long capacity;
    /** The entries' bytes eviction keeps to: at most capacity, lowered for the disk budget. */
    private volatile long target;
    private final ReentrantLock lock = new ReentrantLock();
    /** Every queue row below this position is gone: iteration starts here, past the tombstones. */
    private long head;

    Room(Store store, WritePath writes, VersionCounter versions, ReadMarks readMarks, Figures figures, Clock clock,
            long capacity) {
        this.store = store;
        this.writes = writes;
        this.versions = versions;
        this.readMarks = readMarks;
        this.figures = figures;
        this.clock = clock;
        this.capacity = capacity;
        this.target = capacity;
    }

    boolean over() {
        return figures.bytes.get() > target;
    }

    long target() {
        return target;
    }

    /** Sets the eviction target, clamped to capacity; the next write or upkeep run evicts down to it. */
    void target(long bytes) {
        target = Math.min(capacity, bytes);
    }

    /** Evicts until within the target, sparing {@code justWritten} (may be null). */
    void makeRoom(byte[] justWritten) {
        if (!over()) {
            return;
        }
        lock.lock();
        try {
            for (int pass = 0; pass < PASSES && over(); pass++) {
                if (!pass(justWritten)) {
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** One walk from the head; whether it met any row but the spared one. */
    private boolean pass(byte[] justWritten) {
        boolean met = false;
        boolean contiguous = true;
        try (Range range = Range.below(store, store.queue, null)) {
            RocksIterator it = range.iterator();
            for (it.seek(Records.longBytes(head)); it.isValid() && over(); it.next()) {
                byte[] row = it.key();
                long pos = Records.longOf(row, 0);
                byte[] k = Arrays.copyOfRange(row, 8, row.length);
                if (justWritten != null && Arrays.equals(k, justWritten)) {
                    contiguous = false;
                    continue;
                }
                met = true;
                // evicted, dropped or moved behind: either way no row is left at pos
                evictOrMove(row, k, pos, Records.longOf(it.value(), 0));
                if (contiguous) {
                    head = pos;
                }
            }
        }
        return met;
    }

    /** Handles one queue row; true when the row is gone (evicted or dropped), false when moved. */
    private boolean evictOrMove(byte[] row, byte[] k, long pos, long version) {
        int hash = Arrays.hashCode(k);
        ReentrantLock stripe = writes.stripe(k);
        stripe.lock();
        try {
            Record cur = writes.record(k);
            if (cur == null || cur.version() != version) {
                deleteRow(row);
                return true;
            }
            Gone dead = writes.gone(cur, clock.millis());
            if (dead == null && readMarks.takeMark(hash)) {
                long back = versions.next();
                try (org.rocksdb.WriteBatch b = new org.rocksdb.WriteBatch()) {
                    b.delete(store.queue, row);
                    b.put(store.queue, Records.queueRow(back, k), Records.longBytes(version));
                    store.write(b);
                } catch (RocksDBException e) {
                    throw Store.failure("write", e);
                }
                figures.secondChances.increment();
                return false;
            }
            writes.replace(k, cur, null, pos == cur.queuePos() ? -1 : pos);
            figures.count(dead == null ? Gone.EVICTED : dead);
            return true;
        } finally {
            stripe.unlock();
        }
    }

    private void deleteRow(byte[] row) {
        try (org.rocksdb.WriteBatch b = new org.rocksdb.WriteBatch()) {
            b.delete(store.queue, row);
            store.write(b);
        } catch (RocksDBException e) {
            throw Store.failure("write", e);
        }
    }

    /** After a clear: the queue is empty. */
    void reset() {
        lock.lock();
        try {
            head = 0;
        } finally {
            lock.unlock();
        }
    }

    ReentrantLock lock() {
        return lock;
    }
}
