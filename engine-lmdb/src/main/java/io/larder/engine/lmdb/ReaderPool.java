package io.larder.engine.lmdb;

import io.larder.spi.EngineClosedException;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.lmdbjava.Env;
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
 */
final class ReaderPool {

    private final Env<ByteBuffer> env;
    private final String engineName;
    private final AtomicReferenceArray<Reader> idle;
    private int created; // guarded by this
    private volatile boolean closed;

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
                    reader.renew();
                    return reader;
                }
            }
            Reader fresh = create();
            if (fresh != null) {
                return fresh;
            }
            Thread.yield();
        }
    }

    /** Gives a reader back, releasing its snapshot. */
    void release(Reader reader) {
        reader.reset();
        int n = idle.length();
        for (int slot = probe(n); ; slot = slot + 1 == n ? 0 : slot + 1) {
            if (idle.get(slot) == null && idle.compareAndSet(slot, null, reader)) {
                return;
            }
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
     * closes them all. Returns false, leaving the rest open, when some did not come back in time.
     */
    boolean close(long timeout, TimeUnit unit) {
        int total;
        synchronized (this) {
            closed = true;
            total = created;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        int collected = 0;
        while (collected < total) {
            for (int slot = 0; slot < idle.length(); slot++) {
                Reader reader = idle.getAndSet(slot, null);
                if (reader != null) {
                    reader.close();
                    collected++;
                }
            }
            if (collected < total) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.yield();
            }
        }
        return true;
    }

    private static int probe(int n) {
        long id = Thread.currentThread().getId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 33) % n;
    }
}
