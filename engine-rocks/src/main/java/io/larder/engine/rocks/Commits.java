package io.larder.engine.rocks;

import io.larder.spi.LarderException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Group commit: the one place versions are drawn for writes and made visible, in their order.
 *
 * <p>A writer draws its version and appends its rows to the open group's batch under a short lock
 * ({@code open}), then waits for the group to be written. Whoever next holds the write lock
 * ({@code writer}) seals the open group (a new one opens at once) and writes it as one RocksDB
 * batch; the writers that appended meanwhile find their group written when they get the lock and
 * return. So concurrent writers share one RocksDB write, and with {@code sync=true} one fsync,
 * while the next group fills.
 *
 * <p>Why versions stay visible in order: rows enter a group's batch in the order versions are drawn
 * (both under {@code open}); a group is sealed only by the holder of {@code writer}, which writes it
 * before letting go, so groups reach RocksDB in the order they were sealed; and RocksDB makes a
 * whole batch visible at once. Per-key atomicity holds because each writer keeps its key's stripe
 * until its group is written.
 */
final class Commits implements AutoCloseable {

    /** What a writer appends under its version (0 when it draws none). */
    interface Rows {
        void append(WriteBatch batch, long version) throws RocksDBException;
    }

    /** Called by a group's writer just before the RocksDB write, with the group's size (tests only). */
    interface BeforeWrite {
        void run(int members);
    }

    private final Store store;
    private final VersionCounter versions;
    private final ReentrantLock open = new ReentrantLock();
    private final ReentrantLock writer = new ReentrantLock();
    /** Guarded by {@code open}. */
    private Group group = new Group(new WriteBatch());
    /** A written group's batch, cleared, for the next group; guarded by {@code writer}. */
    private WriteBatch spare;
    private volatile BeforeWrite beforeWrite;
    final LongAdder groups = new LongAdder();

    private static final class Group {
        final WriteBatch batch;
        int members;
        /** Set under {@code writer}, read after taking it. */
        boolean written;
        /** Set under {@code open} (a write that could not be appended) or {@code writer}. */
        RuntimeException failure;

        Group(WriteBatch batch) {
            this.batch = batch;
        }
    }

    Commits(Store store, VersionCounter versions) {
        this.store = store;
        this.versions = versions;
    }

    /**
     * Draws a new version when {@code draw}, appends the rows under it and returns once a RocksDB
     * write holding them returned (in the durability mode of the settings).
     *
     * @return the version drawn, or 0
     * @throws LarderException if the RocksDB write failed, or a write of the same group could neither
     *         be added to its batch nor taken back out; nothing of the group is stored then. When
     *         {@code rows} itself throws, its rows are taken back and only this call fails, with
     *         what it threw (a {@code RocksDBException} as a {@code LarderException})
     */
    long commit(boolean draw, Rows rows) {
        Group g;
        long version;
        open.lock();
        try {
            version = draw ? versions.next() : 0;
            g = group;
            g.batch.setSavePoint();
            try {
                rows.append(g.batch, version);
                g.batch.popSavePoint();
            } catch (RocksDBException | RuntimeException | Error e) {
                // only this write fails: its part of the batch is taken back, the group goes on
                if (!rollBack(g)) {
                    LarderException failure = new LarderException("RocksDB write failed: a write of its group"
                            + " could not be taken back out of the batch: " + e, e);
                    if (g.failure == null) {
                        g.failure = failure; // the whole group fails: nothing of it is written
                    }
                } else {
                    if (e instanceof Error) {
                        throw (Error) e;
                    }
                    throw e instanceof RocksDBException ? Store.failure("write", (RocksDBException) e)
                            : (RuntimeException) e;
                }
            }
            g.members++;
        } finally {
            open.unlock();
        }
        writer.lock();
        try {
            if (!g.written) {
                // g is still the open group: only the holder of `writer` seals one, and writes it
                writeOpenGroup();
            }
        } finally {
            writer.unlock();
        }
        if (g.failure != null) {
            throw g.failure;
        }
        return version;
    }

    /** Takes the rows appended since the last save point out of the group's batch; false if it cannot. */
    private static boolean rollBack(Group g) {
        try {
            g.batch.rollbackToSavePoint();
            return true;
        } catch (RocksDBException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code action} once every write appended before has been written and while no write can
     * be appended: what {@code invalidateTag} publishes its mark under, so no write with a lower
     * version becomes visible after it.
     */
    <T> T exclusive(java.util.function.Supplier<T> action) {
        writer.lock();
        try {
            writeOpenGroup();
            open.lock();
            try {
                return action.get();
            } finally {
                open.unlock();
            }
        } finally {
            writer.unlock();
        }
    }

    /** Seals the open group and writes it; the caller holds {@code writer}. */
    private void writeOpenGroup() {
        Group g;
        open.lock();
        try {
            g = group;
            if (g.members == 0) {
                return;
            }
            WriteBatch next = spare != null ? spare : new WriteBatch();
            spare = null;
            group = new Group(next);
        } finally {
            open.unlock();
        }
        try {
            BeforeWrite hook = beforeWrite;
            if (hook != null) {
                hook.run(g.members);
            }
            if (g.failure == null) {
                store.write(g.batch);
                groups.increment();
            }
        } catch (RuntimeException | Error e) {
            g.failure = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
            if (e instanceof Error) {
                throw (Error) e;
            }
        } finally {
            g.written = true;
            g.batch.clear();
            if (spare == null) {
                spare = g.batch;
            } else {
                g.batch.close();
            }
        }
    }

    /** Writers in the open group (tests). */
    int openMembers() {
        open.lock();
        try {
            return group.members;
        } finally {
            open.unlock();
        }
    }

    void beforeWrite(BeforeWrite hook) {
        beforeWrite = hook;
    }

    /** Closes the native batches; the engine has no operation in flight. */
    @Override
    public void close() {
        writer.lock();
        open.lock();
        try {
            group.batch.close();
            if (spare != null) {
                spare.close();
                spare = null;
            }
        } finally {
            open.unlock();
            writer.unlock();
        }
    }
}
