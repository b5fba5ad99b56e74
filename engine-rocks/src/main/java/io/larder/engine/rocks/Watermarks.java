package io.larder.engine.rocks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.RocksIterator;

/**
 * Tag watermarks: per tag a remove mark and a stale mark, versions from the entries' counter,
 * kept in the {@code tags} column family (written durably) and mirrored in memory for the read
 * path, which reads them without a lock.
 *
 * <p>Watermarks are kept until {@link #clear}: a compare-and-set's tag guard needs a tag's marks
 * for as long as an entry older than them exists under any key (the guard is the version of the
 * entry it replaces, tagged or not), and the store keeps no index of its lowest live version. So
 * the table holds one row per tag ever invalidated since the last clear (tag and 16 bytes).
 *
 * <p>Linearizability with writes: {@link #invalidate} holds the write side of a lock while it draws
 * its mark and publishes it; every write whose entry carries tags (before or after) holds the read
 * side from before it judges the entry's state until its batch is committed. So no invalidation
 * slips between a tagged write's check of the watermarks and its commit. Untagged writes and all
 * reads never touch the lock.
 */
final class Watermarks {

    /** {removeMark, staleMark} per tag. */
    private final Map<String, long[]> marks = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Store store;

    Watermarks(Store store) {
        this.store = store;
        try (RocksIterator it = store.db.newIterator(store.tags, store.readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ByteBuffer v = ByteBuffer.wrap(it.value());
                marks.put(new String(it.key(), StandardCharsets.UTF_8), new long[] {v.getLong(0), v.getLong(8)});
            }
        }
    }

    ReentrantReadWriteLock.ReadLock tagged() {
        return lock.readLock();
    }

    /**
     * Sets the tag's mark of one kind to a new version; returns it. The mark is drawn and published
     * through {@link Commits#exclusive}, after every write drawn before it is visible and before any
     * later one is drawn, so a write with a lower version is never made visible after the mark.
     */
    long invalidate(String tag, boolean remove, VersionCounter versions, Commits commits) {
        lock.writeLock().lock();
        try {
            return commits.exclusive(() -> {
                long mark = versions.next();
                long[] current = marks.getOrDefault(tag, new long[2]);
                long[] next = remove ? new long[] {mark, current[1]} : new long[] {current[0], mark};
                store.put(store.durable, store.tags, tag.getBytes(StandardCharsets.UTF_8),
                        ByteBuffer.allocate(16).putLong(next[0]).putLong(next[1]).array());
                marks.put(tag, next);
                return mark;
            });
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether some tag removes an entry of {@code version}. */
    boolean removes(List<String> tags, long version) {
        for (String tag : tags) {
            long[] m = marks.get(tag);
            if (m != null && m[0] > version) {
                return true;
            }
        }
        return false;
    }

    /** Whether some tag marks an entry of {@code version} stale. */
    boolean stales(List<String> tags, long version) {
        for (String tag : tags) {
            long[] m = marks.get(tag);
            if (m != null && m[1] > version) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of {@code tags} was invalidated, in either mode, after {@code version}. */
    boolean invalidatedSince(List<String> tags, long version) {
        for (String tag : tags) {
            long[] m = marks.get(tag);
            if (m != null && (m[0] > version || m[1] > version)) {
                return true;
            }
        }
        return false;
    }

    /** The tags with a remove mark: their older entries are to be reclaimed. */
    List<String> removing() {
        List<String> tags = new java.util.ArrayList<>();
        marks.forEach((t, m) -> {
            if (m[0] > 0) {
                tags.add(t);
            }
        });
        return tags;
    }

    /** The tag's remove mark, 0 when none. */
    long removeMark(String tag) {
        long[] m = marks.get(tag);
        return m == null ? 0 : m[0];
    }

    /** Forgets every watermark (after a clear, no entry is left they could reach). */
    void clear(Runnable deleteRows) {
        lock.writeLock().lock();
        try {
            deleteRows.run();
            marks.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    int size() {
        return marks.size();
    }
}
