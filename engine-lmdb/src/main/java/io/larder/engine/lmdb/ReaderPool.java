package io.larder.engine.lmdb;

import io.larder.spi.EngineClosedException;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Read transactions reused across operations and threads (the environment is opened with
 * {@code MDB_NOTLS}, so a transaction is not tied to the thread that began it).
 *
 * <p>An idle transaction is {@linkplain Txn#reset() reset}: it holds its reader slot but no
 * snapshot, so it pins no pages. {@link #acquire()} renews one, which takes the latest committed
 * snapshot. At most {@code size} transactions exist, so the process never takes more than that many
 * of the environment's reader slots, however many threads read; a thread finding none idle waits
 * for one. Acquiring and releasing allocate nothing: slots are an array, and each thread starts
 * looking at the slot its id hashes to, where it most likely put its last one back.
 *
 * <p>Snapshots never go backwards within the process: a renewed transaction older than the newest
 * one this process committed or read is renewed again, so a thread never reads a key at an older
 * version than it (or any thread of this process) read or wrote before.
 */
final class ReaderPool {

    private final Env<ByteBuffer> env;
    private final String engineName;
    private final AtomicReferenceArray<Reader> idle;
    /** The newest transaction id this process committed or read from. */
    private final AtomicLong newest = new AtomicLong();
    private int created; // guarded by this
    private volatile boolean closed;
    private int outstandingAtClose; // guarded by this
    private Runnable afterLastReturn; // guarded by this

    ReaderPool(Env<ByteBuffer> env, String engineName, int size) {
        this.env = env;
        this.engineName = engineName;
        this.idle = new AtomicReferenceArray<>(size);
    }

    /** A reader with a fresh snapshot; give it back with {@link #release}. */
    Reader acquire() {
        int n = idle.length();
        int start = probe(n);
        while (true) {
            if (closed) {
                throw new EngineClosedException(engineName);
            }
            for (int i = 0, slot = start; i < n; i++, slot = slot + 1 == n ? 0 : slot + 1) {
                Reader reader = idle.get(slot);
                if (reader != null && idle.compareAndSet(slot, reader, null)) {
                    if (closed) {
                        idle.set(slot, reader); // close() is collecting them
                        throw new EngineClosedException(engineName);
                    }
                    renew(reader);
                    return reader;
                }
            }
            Reader fresh = create();
            if (fresh != null) {
                observe(fresh);
                return fresh;
            }
            Thread.yield();
        }
    }

    private void renew(Reader reader) {
        try {
            reader.renew();
        } catch (LmdbException e) {
            // The transaction is unusable: free what can be freed and forget it, so that its place
            // can be taken by a new one.
            try {
                reader.txn.close();
            } catch (RuntimeException ignored) {
                // already failed; the new one is what matters
            }
            synchronized (this) {
                created--;
            }
            throw new LarderException("an LMDB read transaction could not be renewed: " + e.getMessage(), e);
        }
        observe(reader);
    }

    /** Renews until the snapshot is no older than the newest the process has seen; records it. */
    private void observe(Reader reader) {
        for (int tries = 0; ; tries++) {
            long id = reader.txn.getId();
            long seen = newest.get();
            // The last clause is a safety net: a snapshot can always reach a committed transaction.
            if (id >= seen || tries > 100_000) {
                if (id > seen) {
                    newest.accumulateAndGet(id, Math::max);
                }
                return;
            }
            if (tries > 100) {
                Thread.yield();
            }
            reader.reset();
            reader.renew();
        }
    }

    /** Notes that transaction {@code id} is committed (a write of this process, or the environment's last). */
    void committed(long id) {
        newest.accumulateAndGet(id, Math::max);
    }

    /** Gives a reader back, releasing its snapshot. */
    void release(Reader reader) {
        reader.reset();
        if (closed) {
            closeStraggler(reader);
            return;
        }
        putIdle(reader);
    }

    private void putIdle(Reader reader) {
        int n = idle.length();
        for (int slot = probe(n); ; slot = slot + 1 == n ? 0 : slot + 1) {
            if (idle.get(slot) == null && idle.compareAndSet(slot, null, reader)) {
                return;
            }
        }
    }

    /** A reader coming back during or after close: to close()'s collection, or freed here if it gave up. */
    private void closeStraggler(Reader reader) {
        Runnable finish = null;
        synchronized (this) {
            if (afterLastReturn == null) {
                putIdle(reader); // close() is still collecting: under this lock, it cannot miss this one
                return;
            }
            reader.close();
            if (--outstandingAtClose == 0) {
                finish = afterLastReturn;
            }
        }
        if (finish != null) {
            finish.run();
        }
    }

    private synchronized Reader create() {
        if (closed || created == idle.length()) {
            return null;
        }
        Txn<ByteBuffer> txn;
        try {
            txn = env.txnRead();
        } catch (Env.ReadersFullException e) {
            if (created == 0) {
                throw new LarderException("every LMDB reader slot is taken by other processes; raise the "
                        + "lmdb engine's maxReaders option in every process sharing the store", e);
            }
            return null; // other processes hold the rest: wait for one of ours
        }
        created++;
        return new Reader(txn);
    }

    /**
     * Refuses further acquires, waits up to {@code timeout} for readers in use to come back, and
     * closes them all. Returns true when all came back. Otherwise returns false, and runs {@code
     * whenAllReturned} on the thread that gives the last one back (after closing it).
     */
    boolean close(long timeout, TimeUnit unit, Runnable whenAllReturned) {
        int total;
        synchronized (this) {
            closed = true;
            total = created;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        int collected = 0;
        while (true) {
            for (int slot = 0; slot < idle.length(); slot++) {
                Reader reader = idle.getAndSet(slot, null);
                if (reader != null) {
                    reader.close();
                    collected++;
                }
            }
            if (collected >= total) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                synchronized (this) {
                    // Take the ones that came back meanwhile, then let the rest close themselves.
                    for (int slot = 0; slot < idle.length(); slot++) {
                        Reader reader = idle.getAndSet(slot, null);
                        if (reader != null) {
                            reader.close();
                            collected++;
                        }
                    }
                    if (collected >= total) {
                        return true;
                    }
                    outstandingAtClose = total - collected;
                    afterLastReturn = whenAllReturned;
                    return false;
                }
            }
            Thread.yield();
        }
    }

    private static int probe(int n) {
        long id = Thread.currentThread().getId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 33) % n;
    }
}
