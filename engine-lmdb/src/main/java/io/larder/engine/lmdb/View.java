package io.larder.engine.lmdb;

import io.larder.spi.EntryView;
import java.nio.ByteBuffer;

/**
 * The {@link EntryView} of one read call. It answers only during that call: afterwards every
 * method throws {@link IllegalStateException}, and the value buffers it handed out are cut off the
 * map (see {@link ValueViews}: empty on JDK 17 to 21, refusing access on JDK 22+), so a view kept by
 * mistake fails instead of showing another entry or, after close, reading unmapped memory.
 */
final class View implements EntryView {

    private Reader reader;

    View(Reader reader) {
        this.reader = reader;
    }

    /** Ends the call: detaches the buffers handed out and this view from the reader. */
    void end() {
        Reader r = reader;
        reader = null;
        r.detachViews();
    }

    private Reader reader() {
        Reader r = reader;
        if (r == null) {
            throw new IllegalStateException("this EntryView was kept past the read call it was given to; copy what"
                    + " you need during the call");
        }
        return r;
    }

    @Override
    public ByteBuffer value() {
        return reader().valueView();
    }

    @Override
    public int valueLength() {
        return reader().valueLength;
    }

    @Override
    public long version() {
        return reader().version;
    }

    @Override
    public long expiresAt() {
        return reader().expiresAt;
    }

    @Override
    public int flags() {
        return reader().flags;
    }

    @Override
    public long storedAt() {
        return reader().storedAt;
    }

    @Override
    public java.util.List<String> tags() {
        return reader().tags;
    }

    @Override
    public boolean stale() {
        return reader().stale;
    }

    @Override
    public boolean leased() {
        Reader r = reader();
        return r.leaseUntil > r.now;
    }

    @Override
    public int hits() {
        return HitStats.hits(reader().hitsBefore);
    }

    @Override
    public long lastAccess() {
        Reader r = reader();
        return HitStats.lastAccess(r.hitsBefore, r.storedAt);
    }
}
