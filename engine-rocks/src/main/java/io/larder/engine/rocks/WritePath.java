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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The write path: {@code compute} as a read of the key's record and its rows (the record, its
 * index rows and the entry counters' deltas) committed through {@link Commits} (group commit),
 * under the key's stripe lock; {@link #set}, the same for a plain store, reading only the old
 * record's head; and {@link #replace}, which eviction, the sweeper and invalidations use. The rows
 * of every write are built in {@link #rows}, the one place that keeps the index rows and counters
 * in step with the records.
 */
final class WritePath implements AutoCloseable {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Bytes of the old record a blind set reads: the header and a short tag section (a longer one is
     * read again). RocksDB copies no more than this of the record, however large its value.
     */
    private static final int HEAD_READ = Records.HEADER + 208;
    /** Static, so that a pooled thread keeps no engine reachable. */
    private static final ThreadLocal<WriteBuffers> WRITE_BUFFERS = ThreadLocal.withInitial(WriteBuffers::new);
    /** A record buffer grown past this is not kept for the thread. */
    private static final int KEEP_AT_MOST = 4 << 20;

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
    private final Commits commits;

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
        this.commits = new Commits(store, versions);
    }

    /** The engine's {@code compute}; the caller makes room afterwards, outside the stripe. */
    Entry compute(Key key, ComputeFunction function) {
        Checks.key(key);
        Objects.requireNonNull(function, "compute function must not be null");
        byte[] k = key.encodedBytes();
        ReentrantLock stripe = stripes.of(key.hashCode());
        Lock tagLock = null;
        stripe.lock();
        try {
            byte[] raw = store.get(store.entries, k);
            Record cur = raw == null ? null : Records.decode(raw);
            int curLength = raw == null ? 0 : raw.length;
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
                    next = commit(k, cur, curLength, with(live, live.version(), action.expiry().expiresAt(now),
                            live.stale(), live.leaseUntil()), Draw.NONE, -1);
                    break;
                case STORE:
                    if (!action.tags().isEmpty() && tagLock == null) {
                        tagLock = lockTags();
                    }
                    next = store(k, cur, curLength, action, now);
                    if (next == null) {
                        return current;
                    }
                    break;
                case PLACEHOLDER: {
                    long leaseEnd = Expiry.afterMillis(action.leaseMillis()).expiresAt(now);
                    next = commit(k, cur, curLength, new Record(EMPTY, 0, leaseEnd, 0, now, List.of(), false, true,
                            leaseEnd, 0), Draw.VERSION_AND_POSITION, -1);
                    break;
                }
                case MARK_STALE: {
                    if (!withValue) {
                        return current;
                    }
                    long graceEnd = action.expiry() == null ? live.expiresAt()
                            : earlier(live.expiresAt(), action.expiry().expiresAt(now));
                    next = commit(k, cur, curLength, with(live, 0, graceEnd, true, 0), Draw.VERSION, -1);
                    break;
                }
                case LEASE: {
                    if (!withValue) {
                        return current;
                    }
                    long until = Math.min(Expiry.MAX_EPOCH_MILLIS, now + action.leaseMillis());
                    next = commit(k, cur, curLength, with(live, 0, live.expiresAt(), isStale(live), until),
                            Draw.VERSION, -1);
                    break;
                }
                default:
                    throw new IllegalStateException("unknown compute action " + action.kind());
            }
            written(key, dead, live, next, action.kind());
            return entryOf(next, now, next.value().clone());
        } finally {
            if (tagLock != null) {
                tagLock.unlock();
            }
            stripe.unlock();
        }
    }

    /**
     * A store that does not depend on the current entry (a plain {@code set}): what {@code compute}
     * does for a store action, but it reads only the old record's header and tags, not its value,
     * encodes the new record straight from {@code value} into this thread's direct buffer, and
     * builds no entry to return. The arguments are checked by the caller.
     *
     * @return the new version
     */
    long set(Key key, ByteBuffer value, Expiry expiry, int flags, List<String> tags) {
        byte[] k = key.encodedBytes();
        ReentrantLock stripe = stripes.of(key.hashCode());
        Lock tagLock = null;
        WriteBuffers buffers = WriteBuffers.acquire();
        stripe.lock();
        try {
            byte[] head = buffers.head;
            int size = headOf(k, head);
            Record cur = null;
            if (size != RocksDB.NOT_FOUND) {
                ByteBuffer b = ByteBuffer.wrap(head, 0, Math.min(size, head.length));
                Records.check(b, 0);
                int tagged = Records.HEADER + Records.tagLength(b, 0);
                if (tagged > head.length) {
                    // a long tag section: read again, far enough for all of it
                    byte[] longer = new byte[tagged];
                    headOf(k, longer);
                    b = ByteBuffer.wrap(longer);
                }
                cur = Records.decodeHead(b);
            }
            if ((cur != null && !cur.tags().isEmpty()) || !tags.isEmpty()) {
                tagLock = lockTags();
            }
            long now = clock.millis();
            Gone dead = cur == null ? null : gone(cur, now);
            Record template = new Record(EMPTY, 0, expiry.expiresAt(now), flags, now, tags, false, false, 0, 0);
            byte[] tagSection = Records.tagSection(tags);
            ByteBuffer record = Records.encode(template, tagSection, value,
                    buffers.record(Records.HEADER + tagSection.length + value.remaining()));
            Record next = commit(k, cur, size == RocksDB.NOT_FOUND ? 0 : size, template, record, buffers.key,
                    Draw.VERSION_AND_POSITION, -1);
            written(key, dead, dead == null ? cur : null, next, ComputeAction.Kind.STORE);
            return next.version();
        } finally {
            if (tagLock != null) {
                tagLock.unlock();
            }
            stripe.unlock();
            buffers.release();
        }
    }

    /** A thread's buffers for {@link #set}: the old record's head, the key and the new record. */
    private static final class WriteBuffers {
        final byte[] head = new byte[HEAD_READ];
        final ByteBuffer key = ByteBuffer.allocateDirect(Key.MAX_ENCODED_BYTES);
        private ByteBuffer record = ByteBuffer.allocateDirect(16 << 10);
        private boolean inUse;

        static WriteBuffers acquire() {
            WriteBuffers b = WRITE_BUFFERS.get();
            if (b.inUse) {
                return new WriteBuffers();
            }
            b.inUse = true;
            return b;
        }

        ByteBuffer record(int length) {
            if (record.capacity() < length) {
                record = ByteBuffer.allocateDirect(Math.max(length, Integer.highestOneBit(length - 1) << 1));
            }
            return record;
        }

        void release() {
            inUse = false;
            if (record.capacity() > KEEP_AT_MOST) {
                record = ByteBuffer.allocateDirect(16 << 10);
            }
        }
    }

    /** Reads the first {@code head.length} bytes of the record under {@code k}; its full size, or NOT_FOUND. */
    private int headOf(byte[] k, byte[] head) {
        try {
            return store.db.get(store.entries, store.readOptions, k, head);
        } catch (RocksDBException e) {
            throw Store.failure("read", e);
        }
    }

    /** A STORE action over {@code cur}; null when its tag guard refuses it. The caller holds the locks. */
    private Record store(byte[] k, Record cur, int curLength, ComputeAction action, long now) {
        Checks.valueSize(action.value().length, maxValueSize);
        long expiresAt = action.expiry().expiresAt(now);
        if (action.tagGuard() > 0 && marks.invalidatedSince(action.tags(), action.tagGuard())) {
            return null;
        }
        return commit(k, cur, curLength, new Record(action.value(), 0, expiresAt, action.flags(), now, action.tags(),
                false, false, 0, 0), Draw.VERSION_AND_POSITION, -1);
    }

    /** The in-memory bookkeeping of a committed write. */
    private void written(Key key, Gone dead, Record live, Record next, ComputeAction.Kind kind) {
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
        if (kind != ComputeAction.Kind.TOUCH) {
            figures.writes.increment();
        }
    }

    /** What a write draws when it commits: nothing, a new version, or a new version and queue position. */
    private enum Draw {
        NONE, VERSION, VERSION_AND_POSITION
    }

    /** The group commit writes of new versions go through (tag invalidations too). */
    Commits commits() {
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
        commit(k, old, old == null ? 0 : recordLength(old), next, Draw.NONE, extraQueuePos);
    }

    /**
     * Commits the replacement of {@code old} (its encoded length {@code oldLength}) by {@code template}
     * (or nothing), drawing a version for it as {@code draw} says; returns the record as stored. The
     * record is encoded before the commit lock, which only stamps the version in and appends rows.
     * A record already encoded in a direct buffer ({@code direct}, with {@code keyBuffer} for its key)
     * is taken as is; otherwise the template is encoded here.
     */
    private Record commit(byte[] k, Record old, int oldLength, Record template, Draw draw, long extraQueuePos) {
        ByteBuffer record = template == null ? null
                : ByteBuffer.wrap(Records.encode(template, Records.tagSection(template.tags())));
        return commit(k, old, oldLength, template, record, null, draw, extraQueuePos);
    }

    private Record commit(byte[] k, Record old, int oldLength, Record template, ByteBuffer record, ByteBuffer keyBuffer,
            Draw draw, long extraQueuePos) {
        long count = (old == null ? 0 : -1) + (template == null ? 0 : 1);
        long bytes = (old == null ? 0 : -Records.charge(k.length, oldLength))
                + (record == null ? 0 : Records.charge(k.length, record.remaining()));
        Record[] stored = new Record[1];
        commits.commit(draw != Draw.NONE, (b, v) -> {
            Record next = template;
            if (draw != Draw.NONE) {
                next = new Record(template.value(), v, template.expiresAt(), template.flags(), template.storedAt(),
                        template.tags(), template.stale(), template.placeholder(), template.leaseUntil(),
                        draw == Draw.VERSION_AND_POSITION ? v : template.queuePos());
            }
            if (next != null) {
                Records.stamp(record, next.version(), next.queuePos());
                if (record.isDirect()) {
                    keyBuffer.clear();
                    keyBuffer.put(k).flip();
                    b.put(store.entries, keyBuffer, record.duplicate());
                } else {
                    b.put(store.entries, k, record.array());
                }
            }
            rows(b, k, old, next, extraQueuePos, count, bytes);
            stored[0] = next;
        });
        figures.entries.addAndGet(count);
        figures.bytes.addAndGet(bytes);
        return stored[0];
    }

    /** Appends the removal of the old record (when none replaces it), the index rows and the counters' deltas. */
    private void rows(WriteBatch b, byte[] k, Record old, Record next, long extraQueuePos, long count, long bytes)
            throws RocksDBException {
        if (next == null) {
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
                    b.put(store.tagged, Records.tagRow(tag.getBytes(StandardCharsets.UTF_8), next.version(), k), EMPTY);
                }
            }
        }
        if (count != 0) {
            b.merge(store.meta, Store.META_COUNT, Records.delta(count));
        }
        if (bytes != 0) {
            b.merge(store.meta, Store.META_BYTES, Records.delta(bytes));
        }
    }

    /** Closes the commit batches; no operation is in flight. */
    @Override
    public void close() {
        commits.close();
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
