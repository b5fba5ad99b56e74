package io.larder.engine.offheap;

import io.larder.spi.Entry;
import io.larder.spi.EntryView;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** The entry a reader sees: a copy of the value in the thread's buffer, valid during the call. */
final class View implements EntryView {
    private byte[] value;
    private int length;
    private long version;
    private long expiresAt;
    private int flags;
    private long storedAt;

    void set(byte[] value, int length, long version, long expiresAt, int flags, long storedAt) {
        this.value = value;
        this.length = length;
        this.version = version;
        this.expiresAt = expiresAt;
        this.flags = flags;
        this.storedAt = storedAt;
    }

    Entry toEntry() {
        return new Entry(Arrays.copyOf(value, length), version, expiresAt, flags, storedAt);
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
