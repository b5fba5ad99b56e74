package io.larder.engine.rocks;

import io.larder.spi.EntryView;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The view a reader gets: over the thread's read buffer, valid during the call only. After the call
 * every method throws {@link IllegalStateException}, so a kept view cannot show the next read's
 * entry. (Buffers returned by {@link #value()} are not tracked: do not keep them either.)
 */
final class View implements EntryView {

    private final ByteBuffer record;
    private final Watermarks marks;
    private final long now;
    private final int hits;
    private final long lastAccess;
    private List<String> tags;
    private boolean closed;

    View(ByteBuffer record, Watermarks marks, long now, int hits, long lastAccess) {
        this.record = record;
        this.marks = marks;
        this.now = now;
        this.hits = hits;
        this.lastAccess = lastAccess;
    }

    void close() {
        closed = true;
    }

    private ByteBuffer r() {
        if (closed) {
            throw new IllegalStateException("this entry view was valid only during the read call");
        }
        return record;
    }

    @Override
    public ByteBuffer value() {
        ByteBuffer r = r();
        int offset = Records.valueOffset(r, 0);
        return r.slice(offset, r.limit() - offset).asReadOnlyBuffer();
    }

    @Override
    public int valueLength() {
        ByteBuffer r = r();
        return r.limit() - Records.valueOffset(r, 0);
    }

    @Override
    public long version() {
        return Records.version(r(), 0);
    }

    @Override
    public long expiresAt() {
        return Records.expiresAt(r(), 0);
    }

    @Override
    public int flags() {
        return Records.flags(r(), 0);
    }

    @Override
    public long storedAt() {
        return Records.storedAt(r(), 0);
    }

    @Override
    public List<String> tags() {
        ByteBuffer r = r();
        if (tags == null) {
            tags = Records.tags(r, 0);
        }
        return tags;
    }

    @Override
    public boolean stale() {
        ByteBuffer r = r();
        if ((Records.bits(r, 0) & Records.BIT_STALE) != 0) {
            return true;
        }
        return Records.tagLength(r, 0) != 0 && marks.stales(tags(), Records.version(r, 0));
    }

    @Override
    public boolean leased() {
        return Records.leaseUntil(r(), 0) > now;
    }

    @Override
    public int hits() {
        r();
        return hits;
    }

    @Override
    public long lastAccess() {
        r();
        return lastAccess;
    }
}
