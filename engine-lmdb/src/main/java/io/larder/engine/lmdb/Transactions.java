package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import io.larder.spi.EngineClosedException;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Runs write transactions: one at a time in this process (LMDB serializes writers anyway, and
 * the write buffers are shared), each with its room kept, its counts added on commit, and a
 * full map met by evicting and retrying, never by failing the write for room.
 */
final class Transactions {

    /** Work done inside one write transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Txn<ByteBuffer> txn);
    }

    /** How long a write waits for readers that pin the pages it needs before it gives up. */
    static final long PINNED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long recovery from a full map waits at its floor before it evicts below it. */
    static final long FLOOR_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final ReentrantLock lock = new ReentrantLock();
    private final Databases db;
    private final EntryStore store;
    private final Room room;
    private final VersionCounter versions;
    private final ReaderPool readers;
    private final Durability durability;
    private final Clock clock;
    private final long capacity;
    private boolean closed; // guarded by lock

    Transactions(Databases db, EntryStore store, Room room, VersionCounter versions, ReaderPool readers,
            Durability durability, Clock clock, long capacity) {
        this.db = db;
        this.store = store;
        this.room = room;
        this.versions = versions;
        this.readers = readers;
        this.durability = durability;
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Runs {@code work} in a write transaction, makes room, and commits.
     *
     * @throws EngineClosedException once {@link #close()} has run
     * @throws LarderException when the store cannot flush, LMDB fails, or readers pin the map's
     *         free pages for longer than {@link #PINNED_WAIT_NANOS}
     */
    <T> T run(Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new EngineClosedException("lmdb");
            }
            durability.checkWritable();
            long pinnedSince = 0;
            int waits = 0;
            boolean belowFloor = false;
            for (int attempt = 0; ; attempt++) {
                store.begin();
                try (Txn<ByteBuffer> txn = db.txnWrite()) {
                    T result = work.run(txn);
                    room.makeRoom(txn, clock.millis());
                    txn.commit();
                    store.committed();
                    // The environment's last transaction, not this one's id: a transaction that changed
                    // nothing commits without becoming a snapshot.
                    readers.committed(db.env.info().lastTransactionId);
                    if (versions.takeFlushNeeded()) {
                        flushReservation();
                    }
                    return result;
                } catch (Env.MapFullException e) {
                    versions.aborted();
                    if (!room.recover(store.lastRecordSize(), attempt, belowFloor)) {
                        // Nothing more to evict: most likely readers pin the pages. Wait for them,
                        // spending no pages meanwhile (a failed attempt aborts), backing off up to
                        // 64 ms; if that lasts, evict below the floor, then give up.
                        long now = System.nanoTime();
                        if (pinnedSince == 0) {
                            pinnedSince = now;
                        } else if (now - pinnedSince > FLOOR_WAIT_NANOS) {
                            belowFloor = true;
                        }
                        if (now - pinnedSince > PINNED_WAIT_NANOS) {
                            throw new LarderException("the LMDB map of " + capacity + " bytes has no room left"
                                    + " that LMDB may reuse: read transactions (of this or another process) have"
                                    + " kept old pages pinned for over " + TimeUnit.NANOSECONDS.toSeconds(
                                    PINNED_WAIT_NANOS) + " s; keep reads short, or raise the lmdb capacity", e);
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1L << Math.min(6, waits++)));
                    }
                } catch (LmdbException e) {
                    versions.aborted();
                    throw new LarderException("an LMDB write failed: " + e.getMessage(), e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** With {@code sync=false}: the committed reservation reaches the disk before its versions are returned. */
    private void flushReservation() {
        try {
            durability.flush();
        } catch (RuntimeException e) {
            throw new LarderException("the write was committed, but the lmdb store could not flush its version"
                    + " reservation to disk (" + e.getMessage() + "), so its version is not returned; writes are"
                    + " refused until a flush succeeds", e);
        }
    }

    /** Refuses later writes; waits for the one in flight, whatever the caller's interrupt status. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} while no write is in flight or can start. */
    void whileLocked(Runnable task) {
        lock.lock();
        try {
            task.run();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
