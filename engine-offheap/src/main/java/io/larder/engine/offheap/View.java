package io.larder.engine.offheap;

import io.larder.spi.Entry;
import io.larder.spi.EntryView;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** The entry a reader sees: a copy of the value in the thread's buffer, valid during the call. */
final class View implements EntryView {
    private byte[] value;
    private int length;
    private long version;
    private long expiresAt;
    private int flags;
    private long storedAt;
    private List<String> tags = List.of();
    private boolean stale;
    private boolean leased;
    private int hits;
    private long lastAccess;

    void set(byte[] value, int length, long version, long expiresAt, int flags, long storedAt) {
        this.value = value;
        this.length = length;
        this.version = version;
        this.expiresAt = expiresAt;
        this.flags = flags;
        this.storedAt = storedAt;
    }

    /** The cache state, after {@link #set}. */
    void cache(List<String> tags, boolean stale, boolean leased, int hits, long lastAccess) {
        this.tags = tags;
        this.stale = stale;
        this.leased = leased;
        this.hits = hits;
        this.lastAccess = lastAccess;
    }

    Entry toEntry() {
        return new Entry(Arrays.copyOf(value, length), version, expiresAt, flags, storedAt, tags, stale, false, leased,
                hits, lastAccess);
    }

    @Override
    public List<String> tags() {
        return tags;
    }

    @Override
    public boolean stale() {
        return stale;
    }

    @Override
    public boolean leased() {
        return leased;
    }

    @Override
    public int hits() {
        return hits;
    }

    @Override
    public long lastAccess() {
        return lastAccess;
    }

    @Override
    public ByteBuffer value() {
        return ByteBuffer.wrap(value, 0, length).slice().asReadOnlyBuffer();
    }

    @Override
    public int valueLength() {
        return length;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public long storedAt() {
        return storedAt;
    }
}
