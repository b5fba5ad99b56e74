package io.larder.engine.rocks;

import io.larder.engine.rocks.Figures.Gone;
import io.larder.spi.Checks;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The write path: {@code compute} as a read of the key's record and one {@link WriteBatch} (the
 * record, its index rows and the entry counters), under the key's stripe lock; and
 * {@link #replace}, the one place that keeps the index rows and counters in step with the records,
 * which eviction, the sweeper and invalidations use too.
 */
final class WritePath {

    private static final byte[] EMPTY = new byte[0];

    private final StorageEngine engine;
    private final Store store;
    private final VersionCounter versions;
    private final Watermarks marks;
    private final HitStats stats;
    private final ReadMarks readMarks;
    private final Figures figures;
    private final Stripes stripes;
    private final Clock clock;
    private final long maxValueSize;
    private final ReentrantLock commits = new ReentrantLock();

    WritePath(StorageEngine engine, Store store, VersionCounter versions, Watermarks marks, HitStats stats,
            ReadMarks readMarks, Figures figures, Stripes stripes, Clock clock, long maxValueSize) {
        this.engine = engine;
        this.store = store;
        this.versions = versions;
        this.marks = marks;
        this.stats = stats;
        this.readMarks = readMarks;
        this.figures = figures;
        this.stripes = stripes;
        this.clock = clock;
        this.maxValueSize = maxValueSize;
    }

    /** The engine's {@code compute}; the caller makes room afterwards, outside the stripe. */
    Entry compute(Key key, ComputeFunction function) {
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        byte[] k = key.encodedBytes();
        ReentrantLock stripe = stripes.of(key.hashCode());
        Lock tagLock = null;
        boolean committing = false;
        stripe.lock();
        try {
            byte[] raw = store.get(store.entries, k);
            Record cur = raw == null ? null : Records.decode(raw);
            if (cur != null && !cur.tags().isEmpty()) {
                tagLock = lockTags();
            }
            long now = clock.millis();
            Gone dead = cur == null ? null : gone(cur, now);
            Record live = dead == null ? cur : null;
            Entry current = live == null ? null : entryOf(live, now);
            ComputeAction action = Checks.action(engine, function.apply(current));
            boolean withValue = live != null && !live.placeholder();
            Record next;
            switch (action.kind()) {
                case KEEP:
                    return current;
                case REMOVE:
                    if (cur != null) {
                        replace(k, cur, null, -1);
                        figures.count(dead == null ? Gone.DELETED : dead);
                    }
                    return null;
                case TOUCH:
                    if (!withValue) {
                        return current;
                    }
                    next = with(live, live.version(), action.expiry().expiresAt(now), live.stale(), live.leaseUntil());
                    break;
                case STORE: {
                    Checks.valueSize(action.value().length, maxValueSize);
                    long expiresAt = action.expiry().expiresAt(now);
                    if (!action.tags().isEmpty() && tagLock == null) {
                        tagLock = lockTags();
                    }
                    if (action.tagGuard() > 0 && marks.invalidatedSince(action.tags(), action.tagGuard())) {
                        return current;
                    }
                    committing = lockCommits();
                    long v = versions.next();
                    next = new Record(action.value(), v, expiresAt, action.flags(), now, action.tags(), false, false,
                            0, v);
                    break;
                }
                case PLACEHOLDER: {
                    long leaseEnd = Expiry.afterMillis(action.leaseMillis()).expiresAt(now);
                    committing = lockCommits();
                    long v = versions.next();
                    next = new Record(EMPTY, v, leaseEnd, 0, now, List.of(), false, true, leaseEnd, v);
                    break;
                }
                case MARK_STALE: {
                    if (!withValue) {
                        return current;
                    }
                    long graceEnd = action.expiry() == null ? live.expiresAt()
                            : earlier(live.expiresAt(), action.expiry().expiresAt(now));
                    committing = lockCommits();
                    next = with(live, versions.next(), graceEnd, true, 0);
                    break;
                }
                case LEASE: {
                    if (!withValue) {
                        return current;
                    }
                    long until = Math.min(Expiry.MAX_EPOCH_MILLIS, now + action.leaseMillis());
                    committing = lockCommits();
                    next = with(live, versions.next(), live.expiresAt(), isStale(live), until);
                    break;
                }
                default:
                    throw new IllegalStateException("unknown compute action " + action.kind());
            }
            replace(k, cur, next, -1);
            if (committing) {
                committing = false;
                commits.unlock();
            }
            if (dead != null) {
                figures.count(dead);
            }
            if (next.version() != (live == null ? 0 : live.version())) {
                if (next.queuePos() == next.version()) {
                    readMarks.clear(key.hashCode());
                } else {
                    stats.carry(live.version(), next.version(), live.storedAt());
                }
            }
            if (action.kind() != ComputeAction.Kind.TOUCH) {
                figures.writes.increment();
            }
            return entryOf(next, now, next.value().clone());
        } finally {
            if (committing) {
                commits.unlock();
            }
            if (tagLock != null) {
                tagLock.unlock();
            }
            stripe.unlock();
        }
    }

    /**
     * Versions become visible in their order across keys: a write that returned version v is
     * never seen while a lower version of another key is not yet readable. So drawing a version
     * and committing its batch happen under one lock (RocksDB serializes its writes anyway; the
     * read of the key and the caller's function run before, outside it).
     */
    private boolean lockCommits() {
        commits.lock();
        return true;
    }

    /** The lock versions are drawn and made visible under (tag invalidations take it too). */
    Lock commits() {
        return commits;
    }

    private Lock lockTags() {
        Lock lock = marks.tagged();
        lock.lock();
        return lock;
    }

    private static Record with(Record r, long version, long expiresAt, boolean stale, long leaseUntil) {
        return new Record(r.value(), version, expiresAt, r.flags(), r.storedAt(), r.tags(), stale, r.placeholder(),
                leaseUntil, r.queuePos());
    }

    private static long earlier(long expiresAt, long grace) {
        return expiresAt == 0 ? grace : grace == 0 ? expiresAt : Math.min(expiresAt, grace);
    }

    /** Why a stored entry no longer counts at {@code now}; null while it is live. */
    Gone gone(Record r, long now) {
        if (!Expiry.isLive(r.expiresAt(), now)) {
            return Gone.EXPIRED;
        }
        return !r.tags().isEmpty() && marks.removes(r.tags(), r.version()) ? Gone.INVALIDATED : null;
    }

    boolean isStale(Record r) {
        return r.stale() || (!r.tags().isEmpty() && marks.stales(r.tags(), r.version()));
    }

    Entry entryOf(Record r, long now) {
        return entryOf(r, now, r.value());
    }

    private Entry entryOf(Record r, long now, byte[] value) {
        long[] figures = new long[2];
        stats.peek(r.version(), r.storedAt(), figures);
        return new Entry(value, r.version(), r.expiresAt(), r.flags(), r.storedAt(), r.tags(), isStale(r),
                r.placeholder(), r.leaseUntil() > now, (int) figures[0], figures[1]);
    }

    /**
     * Replaces the record {@code old} (or nothing) under {@code k} by {@code next} (or nothing) in one
     * batch with the index rows and the entry counters; the caller holds the key's stripe. A queue
     * row at {@code extraQueuePos} (when not -1) is deleted too: a row moved by a second chance.
     */
    void replace(byte[] k, Record old, Record next, long extraQueuePos) {
        long count = 0;
        long bytes = 0;
        try (WriteBatch b = new WriteBatch()) {
            if (old != null) {
                count--;
                bytes -= Records.charge(k.length, recordLength(old));
            }
            if (next != null) {
                byte[] record = Records.encode(next, Records.tagSection(next.tags()));
                b.put(store.entries, k, record);
                count++;
                bytes += Records.charge(k.length, record.length);
            } else {
                b.delete(store.entries, k);
            }
            boolean sameVersion = old != null && next != null && old.version() == next.version();
            // the queue row: one per entry, its value the entry's version
            if (old != null && (next == null || old.queuePos() != next.queuePos())) {
                b.delete(store.queue, Records.queueRow(old.queuePos(), k));
            }
            if (extraQueuePos != -1) {
                b.delete(store.queue, Records.queueRow(extraQueuePos, k));
            }
            if (next != null && !sameVersion) {
                b.put(store.queue, Records.queueRow(next.queuePos(), k), Records.longBytes(next.version()));
            }
            // the expiry row
            boolean sameExpiry = sameVersion && old.expiresAt() == next.expiresAt();
            if (old != null && old.expiresAt() != 0 && !sameExpiry) {
                b.delete(store.expiry, Records.expiryRow(old.expiresAt(), old.version(), k));
            }
            if (next != null && next.expiresAt() != 0 && !sameExpiry) {
                b.put(store.expiry, Records.expiryRow(next.expiresAt(), next.version(), k), EMPTY);
            }
            // the tag rows
            if (!sameVersion) {
                if (old != null) {
                    for (String tag : old.tags()) {
                        b.delete(store.tagged, Records.tagRow(tag.getBytes(StandardCharsets.UTF_8), old.version(), k));
                    }
                }
                if (next != null) {
                    for (String tag : next.tags()) {
                        b.put(store.tagged, Records.tagRow(tag.getBytes(StandardCharsets.UTF_8), next.version(), k),
                                EMPTY);
                    }
                }
            }
            if (count != 0) {
                b.merge(store.meta, Store.META_COUNT, Records.delta(count));
            }
            if (bytes != 0) {
                b.merge(store.meta, Store.META_BYTES, Records.delta(bytes));
            }
            store.write(b);
        } catch (RocksDBException e) {
            throw Store.failure("write", e);
        }
        figures.entries.addAndGet(count);
        figures.bytes.addAndGet(bytes);
    }

    static int recordLength(Record r) {
        int length = Records.HEADER + r.value().length;
        for (String tag : r.tags()) {
            length += 1 + tag.getBytes(StandardCharsets.UTF_8).length;
        }
        return length;
    }

    /** The record under {@code k}, or null; the caller holds its stripe for a read-modify-write. */
    Record record(byte[] k) {
        byte[] raw = store.get(store.entries, k);
        return raw == null ? null : Records.decode(raw);
    }

    ReentrantLock stripe(byte[] k) {
        return stripes.of(java.util.Arrays.hashCode(k));
    }
}
